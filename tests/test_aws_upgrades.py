"""What each major version of the AWS provider removed, with the upgrade guide that says so."""

from __future__ import annotations

from batchform.aws import provider, upgrades


def test_removed_types_are_gone_from_the_schema_and_name_their_guide() -> None:
    from batchform.schema import load_provider_schema

    schema = load_provider_schema()
    assert len({(entry.mode, entry.name) for entry in upgrades.REMOVED_TYPES}) == len(
        upgrades.REMOVED_TYPES
    )
    for entry in upgrades.REMOVED_TYPES:
        lookup = schema.resource if entry.mode == "resource" else schema.data_source
        assert lookup(entry.name) is None, entry.name
        assert entry.removed_in <= provider.CURRENT_MAJOR
        assert f"version-{entry.removed_in}-upgrade" in entry.source
    assert upgrades.removed_type("data", "aws_subnet_ids") is not None
    assert upgrades.removed_type("resource", "aws_subnet_ids") is None
    assert upgrades.removed_type("data", "aws_subnets") is None
