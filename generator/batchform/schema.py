"""The committed hashicorp/aws schema snapshot: a light, cached reader shared by lint and test."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from batchform.aws.provider import ADDRESS as PROVIDER_ADDRESS

SNAPSHOT_PATH = Path(__file__).parent / "data" / "aws_provider_schema.json"

# cty type JSON: "string" | "number" | "bool" | "dynamic" | ["list"|"set"|"map", T] |
# ["object", {name: T}] | ["tuple", [T, ...]]
CtyType = Any


@dataclass(frozen=True)
class Attribute:
    """One attribute of a block: its cty type and whether it is required, optional, computed."""

    name: str
    type: CtyType
    required: bool = False
    optional: bool = False
    computed: bool = False
    sensitive: bool = False
    description: str | None = None

    @property
    def computed_only(self) -> bool:
        """True when the provider sets the value and configuration may not."""
        return self.computed and not self.optional and not self.required


@dataclass(frozen=True)
class BlockType:
    """A nested block: how it nests (list, set, single) and how many times it may appear."""

    name: str
    nesting_mode: str
    block: Block
    min_items: int = 0
    max_items: int = 0  # 0 means unlimited, as in terraform's schema JSON

    @property
    def max_one(self) -> bool:
        """True when the block may appear at most once."""
        return self.nesting_mode == "single" or self.max_items == 1


@dataclass(frozen=True)
class Block:
    """A schema block: attributes and nested block types by name."""

    attributes: Mapping[str, Attribute]
    block_types: Mapping[str, BlockType]

    def attribute(self, name: str) -> Attribute | None:
        """The attribute called ``name``, or None."""
        return self.attributes.get(name)

    def block_type(self, name: str) -> BlockType | None:
        """The nested block type called ``name``, or None."""
        return self.block_types.get(name)

    def names(self) -> frozenset[str]:
        """Every name allowed inside this block (attributes and nested blocks)."""
        return frozenset(self.attributes) | frozenset(self.block_types)

    def required_attributes(self) -> tuple[str, ...]:
        """Names of the attributes configuration must set, sorted."""
        return tuple(sorted(n for n, a in self.attributes.items() if a.required))


@dataclass(frozen=True)
class TypeSchema:
    """The schema of one resource or data source type."""

    version: int
    block: Block


def parse_block(raw: Mapping[str, Any]) -> Block:
    """Build a Block from its ``terraform providers schema -json`` form."""
    attributes = {
        name: Attribute(
            name=name,
            type=spec["type"],
            required=bool(spec.get("required")),
            optional=bool(spec.get("optional")),
            computed=bool(spec.get("computed")),
            sensitive=bool(spec.get("sensitive")),
            description=spec.get("description"),
        )
        for name, spec in raw.get("attributes", {}).items()
    }
    block_types = {
        name: BlockType(
            name=name,
            nesting_mode=spec["nesting_mode"],
            block=parse_block(spec["block"]),
            min_items=int(spec.get("min_items", 0)),
            max_items=int(spec.get("max_items", 0)),
        )
        for name, spec in raw.get("block_types", {}).items()
    }
    return Block(attributes=attributes, block_types=block_types)


class ProviderSchema:
    """The provider's schema: provider block, resource and data source types, and its version."""

    def __init__(self, raw: Mapping[str, Any]) -> None:
        self.raw = raw
        self.version: str = raw["provider_versions"][PROVIDER_ADDRESS]
        self.source: str = raw.get("source", "")
        self._schemas: Mapping[str, Any] = raw["provider_schemas"][PROVIDER_ADDRESS]
        self._parsed: dict[tuple[str, str], TypeSchema] = {}

    @property
    def resource_types(self) -> frozenset[str]:
        """Names of every resource type in the snapshot."""
        return frozenset(self._schemas["resource_schemas"])

    @property
    def data_source_types(self) -> frozenset[str]:
        """Names of every data source type in the snapshot."""
        return frozenset(self._schemas["data_source_schemas"])

    def resource(self, type_name: str) -> TypeSchema | None:
        """The schema of resource type ``type_name``, or None when the snapshot lacks it."""
        return self._type("resource_schemas", type_name)

    def data_source(self, type_name: str) -> TypeSchema | None:
        """The schema of data source type ``type_name``, or None when the snapshot lacks it."""
        return self._type("data_source_schemas", type_name)

    def provider_block(self) -> Block:
        """The schema of the ``provider "aws"`` configuration block."""
        provider = self._type("provider", "")
        assert provider is not None, "the snapshot always carries the provider block"
        return provider.block

    def _type(self, kind: str, type_name: str) -> TypeSchema | None:
        key = (kind, type_name)
        if key not in self._parsed:
            raw = self._schemas[kind] if kind == "provider" else self._schemas[kind].get(type_name)
            if raw is None:
                return None
            self._parsed[key] = TypeSchema(
                version=int(raw.get("version", 0)), block=parse_block(raw["block"])
            )
        return self._parsed[key]


@cache
def load_provider_schema(path: Path = SNAPSHOT_PATH) -> ProviderSchema:
    """Read the committed schema snapshot once per process."""
    return ProviderSchema(json.loads(path.read_text(encoding="utf-8")))
