"""The provider address and constraint, and the stack that pins them."""

from __future__ import annotations

from batchform.aws import provider
from batchform.generate import render_stack
from batchform.specfile import load_spec


def test_generated_stacks_pin_the_provider_from_the_facts_package() -> None:
    files = render_stack(load_spec(None))
    assert f'source  = "{provider.SOURCE}"' in files["versions.tf"]
    assert f'version = "{provider.VERSION_CONSTRAINT}"' in files["versions.tf"]
    assert provider.ADDRESS == f"registry.terraform.io/{provider.SOURCE}"


def test_the_current_major_is_the_schema_snapshots() -> None:
    from batchform.schema import load_provider_schema

    assert load_provider_schema().version.split(".")[0] == str(provider.CURRENT_MAJOR)
    assert provider.VERSION_CONSTRAINT == f"~> {provider.CURRENT_MAJOR}.0"


def test_removed_types_are_gone_from_the_schema_and_name_their_guide() -> None:
    from batchform.schema import load_provider_schema

    schema = load_provider_schema()
    assert len({(entry.mode, entry.name) for entry in provider.REMOVED_TYPES}) == len(
        provider.REMOVED_TYPES
    )
    for entry in provider.REMOVED_TYPES:
        lookup = schema.resource if entry.mode == "resource" else schema.data_source
        assert lookup(entry.name) is None, entry.name
        assert entry.removed_in <= provider.CURRENT_MAJOR
        assert f"version-{entry.removed_in}-upgrade" in entry.source
    assert provider.removed_type("data", "aws_subnet_ids") is not None
    assert provider.removed_type("resource", "aws_subnet_ids") is None
    assert provider.removed_type("data", "aws_subnets") is None
