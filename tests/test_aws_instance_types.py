"""The instance-type catalogue shipped as data, and how compute environments' types expand."""

from __future__ import annotations

import json
from importlib import resources

from batchform.aws.instance_types import (
    architectures,
    catalogue,
    expand,
    families,
    is_known,
    smallest_fit,
    suggest,
)


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


def test_architecture_and_gpus_come_with_each_type() -> None:
    types = catalogue()
    assert types["m7g.large"].architecture == "arm64"
    assert types["c6i.large"].architecture == "x86_64"
    assert types["g5.xlarge"].gpus == 1 and types["g5.xlarge"].gpu_vendor == "NVIDIA"
    assert types["p4d.24xlarge"].gpus == 8
    assert types["c6i.large"].gpus == 0 and types["c6i.large"].gpu_vendor is None
    # Types that also run i386 launch as x86_64.
    assert types["t2.micro"].architectures == ("i386", "x86_64")
    assert types["t2.micro"].architecture == "x86_64"


def test_usable_memory_leaves_room_for_ecs() -> None:
    c5 = catalogue()["c5.large"]
    assert c5.usable_memory_mib() < c5.memory_mib
    assert c5.usable_memory_mib() >= c5.memory_mib * 0.9
    assert catalogue()["c6i.xlarge"].describe() == "4 vCPU / about 7.6 GiB"


def test_expand_families_and_opaque_names() -> None:
    family = expand(["c5"])
    assert family is not None and {entry.name for entry in family} >= {"c5.large", "c5.24xlarge"}
    assert all(entry.name.startswith("c5.") for entry in family)
    assert expand(["optimal"]) is None
    assert expand(["c5.large", "default_x86_64"]) is None
    assert [entry.name for entry in expand(["m5.large"]) or []] == ["m5.large"]


def test_known_names_and_suggestions() -> None:
    assert is_known("c6i.large") and is_known("c6i") and is_known("default_arm64")
    assert not is_known("c6i.larg")
    assert suggest("c6i.larg") == "c6i.large"
    assert suggest("zzzz") is None


def test_architectures_of_types_families_and_choices() -> None:
    assert architectures("m7g") == {"arm64"}
    assert architectures("optimal") == {"x86_64"}
    assert architectures("default_arm64") == {"arm64"}
    assert architectures("nope.large") == set()


def test_smallest_fit_counts_vcpus_memory_and_gpus() -> None:
    c6i = families()["c6i"]
    assert families()["c6i"][0].name == "c6i.large"
    found = smallest_fit(c6i, 16, 65536)
    assert found is not None and found.name == "c6i.12xlarge"
    assert smallest_fit(c6i, 1, 1024, gpus=1) is None
    gpu = smallest_fit(families()["g5"], 1, 1024, gpus=1)
    assert gpu is not None and gpu.name == "g5.xlarge"
