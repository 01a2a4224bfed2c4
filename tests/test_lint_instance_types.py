"""The instance-type catalogue shipped as data, and how compute environments' types expand."""

from __future__ import annotations

import json
from importlib import resources

from batchform.lint.instance_types import catalogue, expand


def test_catalogue_names_its_source_and_has_the_common_types() -> None:
    document = json.loads(
        resources.files("batchform").joinpath("data/instance_types.json").read_text("utf-8")
    )
    assert "moto" in document["source"]
    assert document["generated_by"] == "scripts/update_instance_types.py"
    types = catalogue()
    assert len(types) > 1000
    assert (types["c5.large"].vcpus, types["c5.large"].memory_mib) == (2, 4096)
    assert (types["m5.24xlarge"].vcpus, types["m5.24xlarge"].memory_mib) == (96, 393216)


def test_usable_memory_leaves_room_for_ecs() -> None:
    c5 = catalogue()["c5.large"]
    assert c5.usable_memory_mib() < c5.memory_mib
    assert c5.usable_memory_mib() >= c5.memory_mib * 0.9


def test_expand_families_and_opaque_names() -> None:
    family = expand(["c5"])
    assert family is not None and {entry.name for entry in family} >= {"c5.large", "c5.24xlarge"}
    assert all(entry.name.startswith("c5.") for entry in family)
    assert expand(["optimal"]) is None
    assert expand(["c5.large", "default_x86_64"]) is None
    assert [entry.name for entry in expand(["m5.large"]) or []] == ["m5.large"]
