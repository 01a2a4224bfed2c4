"""AWS regions and their partitions, read from botocore's own partition data.

Source: botocore's ``data/partitions.json`` (the partitions and regions the AWS SDKs resolve
endpoints for), installed with botocore, a runtime dependency. Nothing here is typed by hand, so
a botocore upgrade brings new regions with it.
"""

from __future__ import annotations

import difflib
import importlib.util
import json
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any


@cache
def _partitions() -> list[dict[str, Any]]:
    # Found without importing botocore itself, which spec validation does not otherwise need.
    found = importlib.util.find_spec("botocore")
    if found is None or not found.submodule_search_locations:
        raise RuntimeError("botocore, a dependency of batchform, is not installed")
    path = Path(list(found.submodule_search_locations)[0]) / "data" / "partitions.json"
    partitions: list[dict[str, Any]] = json.loads(path.read_text("utf-8"))["partitions"]
    return partitions


@cache
def partition_by_region() -> MappingProxyType[str, str]:
    """Every region name mapped to its partition ("aws", "aws-cn", "aws-us-gov", ...)."""
    found: dict[str, str] = {}
    for partition in _partitions():
        for name in partition.get("regions", {}):
            # "aws-global" and friends name a partition's global endpoint, not a region.
            if not name.endswith("-global"):
                found[name] = partition["id"]
    return MappingProxyType(dict(sorted(found.items())))


def is_region(name: str) -> bool:
    """Whether name is an AWS region botocore knows."""
    return name in partition_by_region()


def partition(region: str) -> str | None:
    """The partition of a region ("aws", "aws-cn", ...), None for an unknown region."""
    return partition_by_region().get(region)


def closest(name: str) -> str | None:
    """The known region most like name, for a did-you-mean."""
    close = difflib.get_close_matches(name, list(partition_by_region()), n=1, cutoff=0.6)
    return close[0] if close else None
