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
