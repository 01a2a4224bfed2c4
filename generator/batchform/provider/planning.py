"""Plan and apply semantics of the offline provider: unknowns, replacements, filled-in state."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from batchform.aws import rules
from batchform.provider.identifiers import (
    ProviderContext,
    attribute_value,
    digest,
    generated_name,
    hex_id,
    resource_identity,
)
from batchform.provider.values import UNKNOWN, contains_unknown
from batchform.schema import Block, CtyType

# One step of an attribute path: an attribute name, or an index into a list block.
PathStep = str | int
Path = tuple[PathStep, ...]

# Attributes whose value the provider derives and that therefore follow an in-place update.
_REGENERATED_ON_UPDATE = {
    "aws_batch_job_definition": ("revision", "arn", "id"),
    "aws_launch_template": ("latest_version",),
    "aws_ssm_parameter": ("version",),
}
_NOT_A_CHANGE = {"tags", "tags_all", "timeouts"}


@dataclass(frozen=True)
class PlannedChange:
    """What PlanResourceChange answers: the planned object and the paths forcing a replacement."""

    planned: dict[str, Any] | None
    requires_replace: list[Path] = field(default_factory=list)


@cache
def force_new_rules() -> Mapping[str, Any]:
    """The committed ForceNew facts (``data/force_new.json``)."""
    text = resources.files("batchform").joinpath("data/force_new.json").read_text(encoding="utf-8")
    rules: Mapping[str, Any] = json.loads(text)["resources"]
    return rules


def merged_tags(ctx: ProviderContext, tags: Any) -> Any:
    """``tags_all``: the provider's default tags overlaid by the resource's own tags."""
    if tags is UNKNOWN or contains_unknown(tags):
        return UNKNOWN
    merged = {**ctx.default_tags, **(tags or {})}
    return {key: value for key, value in merged.items() if value is not None}


def plan_resource(
    type_name: str,
    block: Block,
    prior: Mapping[str, Any] | None,
    proposed: Mapping[str, Any] | None,
    config: Mapping[str, Any] | None,
    ctx: ProviderContext,
) -> PlannedChange:
    """Plan one resource change the way hashicorp/aws would."""
    if proposed is None:
        return PlannedChange(None)
    if prior is None:
        planned = _unknown_computed(block, proposed, config)
        if "region" in block.attributes and planned.get("region") is UNKNOWN:
            planned["region"] = ctx.region
    else:
        planned = dict(proposed)
        if _changed_outside_tags(block, prior, planned):
            for name in _REGENERATED_ON_UPDATE.get(type_name, ()):
                if config is None or config.get(name) is None:
                    planned[name] = UNKNOWN
    if "tags_all" in block.attributes and (config is None or config.get("tags_all") is None):
        planned["tags_all"] = merged_tags(ctx, planned.get("tags"))
    replace = [] if prior is None else requires_replace(type_name, block, prior, planned)
    return PlannedChange(planned, replace)


def _unknown_computed(
    block: Block, value: Mapping[str, Any], config: Mapping[str, Any] | None
) -> dict[str, Any]:
    """Mark every computed attribute the configuration leaves null as unknown, nested too."""
    out = dict(value)
    for name, attribute in block.attributes.items():
        configured = None if config is None else config.get(name)
        if attribute.computed and out.get(name) is None and configured is None:
            out[name] = UNKNOWN
    for name, nested in block.block_types.items():
        current = out.get(name)
        configured = None if config is None else config.get(name)
        if current is None or current is UNKNOWN:
            continue
        if nested.nesting_mode in ("single", "group"):
            out[name] = _unknown_computed(nested.block, current, _mapping(configured))
        elif nested.nesting_mode == "list":
            out[name] = [
                _unknown_computed(nested.block, item, _item(configured, index))
                for index, item in enumerate(current)
            ]
        elif nested.nesting_mode == "set":
            out[name] = [_unknown_computed(nested.block, item, None) for item in current]
        else:
            out[name] = {
                key: _unknown_computed(
                    nested.block, item, _mapping((_mapping(configured) or {}).get(key))
                )
                for key, item in current.items()
            }
    return out


def _mapping(value: Any) -> Mapping[str, Any] | None:
    return value if isinstance(value, Mapping) else None


def _item(values: Any, index: int) -> Mapping[str, Any] | None:
    if isinstance(values, list) and index < len(values):
        return _mapping(values[index])
    return None


def _changed_outside_tags(
    block: Block, prior: Mapping[str, Any], planned: Mapping[str, Any]
) -> bool:
    """True when anything configuration controls changed, tags and timeouts aside."""
    for name, attribute in block.attributes.items():
        if name in _NOT_A_CHANGE or attribute.computed_only:
            continue
        if not same_value(prior.get(name), planned.get(name), attribute.type):
            return True
    for name in block.block_types:
        if name not in _NOT_A_CHANGE and not same_value(prior.get(name), planned.get(name), None):
            return True
    return False


def same_value(before: Any, after: Any, ty: CtyType | None) -> bool:
    """Equality as Terraform sees it: unknown never equals, sets compare without order."""
    if contains_unknown(before) or contains_unknown(after):
        return False
    if (
        isinstance(ty, list)
        and ty[0] == "set"
        and isinstance(before, list)
        and isinstance(after, list)
    ):
        return sorted(map(_canonical, before)) == sorted(map(_canonical, after))
    return _canonical(before) == _canonical(after)


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=repr)


def requires_replace(
    type_name: str, block: Block, prior: Mapping[str, Any], planned: Mapping[str, Any]
) -> list[Path]:
    """Paths of force-new attributes whose value changes between prior and planned."""
    rules = force_new_rules().get(type_name)
    if not rules:
        return []
    paths: list[str] = list(rules.get("always", ()))
    for rule in rules.get("conditional", ()):
        if not CONDITIONS[rule["unless"]](prior, planned):
            paths.extend(rule["paths"])
    found: list[Path] = []
    for dotted in dict.fromkeys(paths):
        for path in _changed_paths(block, dotted.split("."), prior, planned, ()):
            if path not in found:
                found.append(path)
    return found


def _changed_paths(
    block: Block, names: Sequence[str], before: Any, after: Any, prefix: Path
) -> list[Path]:
    head, rest = names[0], names[1:]
    before_value = before.get(head) if isinstance(before, Mapping) else None
    after_value = after.get(head) if isinstance(after, Mapping) else None
    here = (*prefix, head)
    attribute = block.attribute(head)
    if attribute is not None:
        return [] if same_value(before_value, after_value, attribute.type) else [here]
    nested = block.block_type(head)
    if nested is None:
        return []
    if list(rest) == ["#"]:
        # ForceNew on a list block itself: SDKv2 forces a new resource when its count changes
        # (a block added or removed), not when an argument inside it does.
        return [] if _count(before_value) == _count(after_value) else [here]
    if not rest or nested.nesting_mode in ("set", "map"):
        return [] if same_value(before_value, after_value, None) else [here]
    if nested.nesting_mode in ("single", "group"):
        return _changed_paths(nested.block, rest, before_value, after_value, here)
    before_items = before_value if isinstance(before_value, list) else []
    after_items = after_value if isinstance(after_value, list) else []
    found: list[Path] = []
    for index in range(max(len(before_items), len(after_items))):
        old = before_items[index] if index < len(before_items) else None
        new = after_items[index] if index < len(after_items) else None
        if old is None or new is None:
            if old is not new:
                found.append(here)
            continue
        found.extend(_changed_paths(nested.block, rest, old, new, (*here, index)))
    return found


def _count(value: Any) -> int:
    return len(value) if isinstance(value, list) else 0


def _is_service_linked_batch_role(value: Any) -> bool:
    # Unknown reads as "" in the provider, which it treats as the service-linked role.
    return value is UNKNOWN or rules.is_service_linked_role(value if isinstance(value, str) else None)


def _allocation_updatable(value: Any) -> bool:
    return isinstance(value, str) and rules.is_updatable_allocation_strategy(value)


def _first(value: Any) -> Mapping[str, Any]:
    return value[0] if isinstance(value, list) and value and isinstance(value[0], Mapping) else {}


def compute_environment_updatable(prior: Mapping[str, Any], planned: Mapping[str, Any]) -> bool:
    """The provider's "updatable" rule: service-linked (or no) service role and an updatable
    allocation strategy, judged on both sides when either changes."""
    before_role, after_role = prior.get("service_role"), planned.get("service_role")
    if before_role != after_role:
        role_ok = _is_service_linked_batch_role(before_role) and _is_service_linked_batch_role(
            after_role
        )
    else:
        role_ok = _is_service_linked_batch_role(after_role)
    if not planned.get("compute_resources"):
        return False
    before = _first(prior.get("compute_resources")).get("allocation_strategy")
    after = _first(planned.get("compute_resources")).get("allocation_strategy")
    if before != after:
        allocation_ok = _allocation_updatable(before) and _allocation_updatable(after)
    else:
        allocation_ok = _allocation_updatable(after)
    return role_ok and allocation_ok


def compute_environment_updatable_or_fargate(
    prior: Mapping[str, Any], planned: Mapping[str, Any]
) -> bool:
    """Subnets and security groups of Fargate environments never force a new one."""
    kind = _first(planned.get("compute_resources")).get("type")
    fargate = isinstance(kind, str) and kind.upper() in rules.FARGATE_TYPES
    return fargate or compute_environment_updatable(prior, planned)


CONDITIONS: dict[str, Callable[[Mapping[str, Any], Mapping[str, Any]], bool]] = {
    "compute_environment_updatable": compute_environment_updatable,
    "compute_environment_updatable_or_fargate": compute_environment_updatable_or_fargate,
}


def strip_unknown(value: Any) -> Any:
    """A copy of ``value`` with unknowns replaced by None (for seeding identifiers)."""
    if value is UNKNOWN:
        return None
    if isinstance(value, Mapping):
        return {key: strip_unknown(item) for key, item in value.items()}
    if isinstance(value, list):
        return [strip_unknown(item) for item in value]
    return value


def apply_resource(
    type_name: str,
    block: Block,
    prior: Mapping[str, Any] | None,
    planned: Mapping[str, Any] | None,
    config: Mapping[str, Any] | None,
    ctx: ProviderContext,
) -> dict[str, Any] | None:
    """The new state after apply: the plan with every unknown filled in, or None on destroy."""
    if planned is None:
        return None
    if prior is not None and isinstance(prior.get("id"), str):
        seed = digest(type_name, prior["id"], strip_unknown(planned))
    else:
        seed = digest(type_name, strip_unknown(planned))
    state = dict(planned)
    config = config or {}
    if state.get("name") is UNKNOWN:
        state["name"] = generated_name(config.get("name"), config.get("name_prefix"), seed)
    if state.get("name_prefix") is UNKNOWN:
        prefix = config.get("name_prefix")
        state["name_prefix"] = prefix if isinstance(prefix, str) else None
    identity = resource_identity(type_name, state, prior, ctx, seed)
    for name, attribute in block.attributes.items():
        if not contains_unknown(state.get(name)):
            continue
        if name in identity:
            state[name] = identity[name]
        elif name == "id":
            state[name] = hex_id(type_name.removeprefix("aws_").replace("_", "-"), seed, 12)
        else:
            state[name] = _fill(name, attribute.type, attribute.computed_only, ctx, seed, state)
    for name, nested in block.block_types.items():
        state[name] = _fill_blocks(nested.block, nested.nesting_mode, state.get(name), ctx, seed)
    return state


_NESTED_DEFAULTS: dict[str, Callable[[Mapping[str, Any]], Any]] = {
    "desired_vcpus": lambda element: (
        element.get("min_vcpus") if isinstance(element.get("min_vcpus"), int) else 0
    ),
    "version": lambda element: "$Default",
    "job_execution_timeout_minutes": lambda element: 30,
    "terminate_jobs_on_update": lambda element: False,
}


def _fill_blocks(block: Block, mode: str, value: Any, ctx: ProviderContext, seed: str) -> Any:
    if value is None or not contains_unknown(value):
        return value
    if mode in ("single", "group"):
        return _fill_block(block, value, ctx, seed)
    if mode in ("list", "set"):
        return [_fill_block(block, item, ctx, seed) for item in value]
    return {key: _fill_block(block, item, ctx, seed) for key, item in value.items()}


def _fill_block(block: Block, element: Mapping[str, Any], ctx: ProviderContext, seed: str) -> Any:
    out = dict(element)
    for name, attribute in block.attributes.items():
        if contains_unknown(out.get(name)):
            default = _NESTED_DEFAULTS.get(name)
            out[name] = (
                default(out)
                if default
                else _fill(name, attribute.type, attribute.computed_only, ctx, seed, out)
            )
    for name, nested in block.block_types.items():
        out[name] = _fill_blocks(nested.block, nested.nesting_mode, out.get(name), ctx, seed)
    return out


def _fill(
    name: str,
    ty: CtyType,
    computed_only: bool,
    ctx: ProviderContext,
    seed: str,
    sibling: Mapping[str, Any],
) -> Any:
    """A value for a computed attribute no type-specific rule covers."""
    known = attribute_value(name, ctx, digest(seed, name))
    if known is not None and ty in ("string", "number"):
        return known
    if name.endswith("arn") and ty == "string" and computed_only:
        return f"arn:{ctx.partition}:iam::{ctx.account_id}:{name.removesuffix('_arn')}/{seed[:12]}"
    if ty == "bool":
        return False if computed_only else None
    if isinstance(ty, list) and ty[0] in ("list", "set"):
        return []
    if isinstance(ty, list) and ty[0] == "map":
        return {}
    return None
