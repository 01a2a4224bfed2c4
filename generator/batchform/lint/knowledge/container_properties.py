"""A job definition's `container_properties`: decoded, and checked against botocore's Batch
`ContainerProperties` shape."""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from typing import Any

from batchform.aws.provider import CONTAINER_PROPERTIES_KEYS_IGNORE_CASE
from batchform.lint.model import Configuration, ResourceInstance
from batchform.lint.model.values import EncodedJson, Partial, Unknown


@dataclass
class ContainerProperties:
    """A job definition's decoded container_properties (values may hold unknowns)."""

    value: dict[str, Any]
    job: ResourceInstance

    def requirement(self, kind: str) -> Any:
        """The `resourceRequirements` value of one type (VCPU, MEMORY, GPU), else None."""
        entries = self.value.get("resourceRequirements")
        if not isinstance(entries, list):
            return None
        for entry in entries:
            if isinstance(entry, dict) and entry.get("type") == kind:
                return entry.get("value")
        return None

    def vcpus(self) -> float | None:
        """The vCPUs the job asks for, when known."""
        vcpus = self.requirement("VCPU")
        return _number(vcpus if vcpus is not None else self.value.get("vcpus"))

    def memory(self) -> float | None:
        """The memory (MiB) the job asks for, when known."""
        memory = self.requirement("MEMORY")
        return _number(memory if memory is not None else self.value.get("memory"))


def container_properties(
    configuration: Configuration, job: ResourceInstance
) -> ContainerProperties | None:
    """The decoded `container_properties` (once per job), or None when absent, unknown or not a
    JSON object."""
    return configuration.derived(("container_properties", job), lambda: _decode(job))


def _decode(job: ResourceInstance) -> ContainerProperties | None:
    raw = job.get("container_properties")
    if isinstance(raw, EncodedJson):
        value = raw.value
    elif isinstance(raw, str):
        try:
            value = json.loads(raw)
        except ValueError:
            return None
    elif isinstance(raw, Partial):
        value = decode_partial_json(raw)
    else:
        return None
    if not isinstance(value, dict):
        return None
    value = _without_nulls(value)
    if CONTAINER_PROPERTIES_KEYS_IGNORE_CASE:
        value = _canonical_keys(value, _shape())
    return ContainerProperties(value, job)


def _canonical_keys(value: Any, shape: Any) -> Any:
    """Keys spelt as the shape's members where they differ only in case, as the provider's
    decoder reads them (a later key wins over an earlier one it collides with)."""
    kind = shape.type_name if shape is not None else None
    if isinstance(value, dict) and kind == "structure":
        folded: dict[str, str] = {str(name).lower(): str(name) for name in shape.members}
        result: dict[str, Any] = {}
        for key, item in value.items():
            name = str(key)
            if name not in shape.members:
                name = folded.get(name.lower(), name)
            result[name] = _canonical_keys(item, shape.members.get(name))
        return result
    if isinstance(value, dict) and kind == "map":
        return {key: _canonical_keys(item, shape.value) for key, item in value.items()}
    if isinstance(value, list) and kind == "list":
        return [_canonical_keys(item, shape.member) for item in value]
    return value


_HOLE = "\ue000batchform-hole-{}\ue000"
_HOLE_PATTERN = re.compile("\ue000batchform-hole-(\\d+)\ue000")


def decode_partial_json(text: Partial) -> Any:
    """JSON text with unknown pieces (a heredoc with `${...}`): its known structure, each
    unknown piece in place (a whole unknown value, or part of a string), None when the known
    text is not JSON or an unknown piece is an object key."""
    holes: list[Any] = []
    pieces: list[str] = []
    in_string = False
    for part in text.parts:
        if isinstance(part, str):
            pieces.append(part)
            in_string = _still_in_string(part, in_string)
            continue
        marker = _HOLE.format(len(holes))
        holes.append(part)
        pieces.append(marker if in_string else json.dumps(marker))
    try:
        decoded = json.loads("".join(pieces))
    except ValueError:
        return None
    return _fill(decoded, holes)


def _still_in_string(text: str, in_string: bool) -> bool:
    """Whether JSON text that starts inside (or outside) a string ends inside one."""
    escaped = False
    for char in text:
        if escaped:
            escaped = False
        elif char == "\\" and in_string:
            escaped = True
        elif char == '"':
            in_string = not in_string
    return in_string


class _KeyHole(Exception):
    """An unknown piece in an object key: the keys cannot be judged."""


def _fill(value: Any, holes: list[Any]) -> Any:
    try:
        return _filled(value, holes)
    except _KeyHole:
        return None


def _filled(value: Any, holes: list[Any]) -> Any:
    if isinstance(value, str):
        pieces = _HOLE_PATTERN.split(value)
        if len(pieces) == 1:
            return value
        parts = [
            holes[int(piece)] if index % 2 else piece
            for index, piece in enumerate(pieces)
            if index % 2 or piece
        ]
        return parts[0] if len(parts) == 1 else Partial(tuple(parts))
    if isinstance(value, list):
        return [_filled(item, holes) for item in value]
    if isinstance(value, dict):
        if any(_HOLE_PATTERN.search(key) for key in value):
            raise _KeyHole
        return {key: _filled(item, holes) for key, item in value.items()}
    return value


def image_of(configuration: Configuration, job: ResourceInstance) -> Any:
    """The job definition's image value (str, Partial, AttrRef or Unknown), or None."""
    properties = container_properties(configuration, job)
    return properties.value.get("image") if properties else None


def _without_nulls(value: Any) -> Any:
    """JSON nulls unmarshal to unset fields in the provider; treat them as absent keys."""
    if isinstance(value, dict):
        return {key: _without_nulls(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [_without_nulls(item) for item in value]
    return value


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


_PLACEHOLDER = "batchform-unknown"


@functools.lru_cache(maxsize=1)
def _shape() -> Any:
    """The ContainerProperties input shape from botocore's bundled Batch model (loaded once)."""
    import botocore.session  # type: ignore[import-untyped]

    model = botocore.session.get_session().get_service_model("batch")
    return model.shape_for("ContainerProperties")


def shape_problems(properties: dict[str, Any]) -> list[str]:
    """Unknown keys and wrong types, as botocore's ParamValidator reports them.

    Unknown values are replaced by a placeholder of the type the shape expects, so only what is
    known is judged; a partly known string is still a string, so it is validated as one.
    """
    from botocore.validate import ParamValidator  # type: ignore[import-untyped]

    report = ParamValidator().validate(_known_part(properties, _shape()), _shape())
    problems = []
    for line in report.generate_report().splitlines():
        text = line.strip()
        if not text or text.startswith("Parameter validation failed"):
            continue
        # Non-string resourceRequirements values are reported as a re-registration trap.
        if "resourceRequirements" in text and ".value" in text and "Invalid type" in text:
            continue
        problems.append(text)
    return problems


def enum_problems(properties: dict[str, Any]) -> list[str]:
    """Values outside the enums of the shape (botocore's validator does not check enums)."""
    problems: list[str] = []
    _check_enums(properties, _shape(), "", problems)
    return problems


def _check_enums(value: Any, shape: Any, path: str, problems: list[str]) -> None:
    kind = shape.type_name
    if kind == "structure" and isinstance(value, dict):
        for name, item in value.items():
            if name in shape.members:
                _check_enums(
                    item, shape.members[name], f"{path}.{name}" if path else name, problems
                )
    elif kind == "list" and isinstance(value, list):
        for position, item in enumerate(value):
            _check_enums(item, shape.member, f"{path}[{position}]", problems)
    elif (
        kind == "string"
        and isinstance(value, str)
        and getattr(shape, "enum", None)
        and value not in shape.enum
    ):
        allowed = ", ".join(shape.enum)
        problems.append(f"{path}: {value!r} is not one of {allowed}")


def _known_part(value: Any, shape: Any) -> Any:
    """The value with every unknown replaced by a placeholder of the type the shape expects."""
    if _opaque(value) or isinstance(value, (Partial, EncodedJson)):
        if isinstance(value, Partial) or shape is None:
            return _PLACEHOLDER
        return _PLACEHOLDERS.get(shape.type_name, _PLACEHOLDER)
    kind = shape.type_name if shape is not None else None
    if isinstance(value, dict):
        members = shape.members if kind == "structure" else {}
        value_shape = shape.value if kind == "map" else None
        return {
            key: _known_part(item, members.get(key, value_shape)) for key, item in value.items()
        }
    if isinstance(value, list):
        member = shape.member if kind == "list" else None
        return [_known_part(item, member) for item in value]
    return value


_PLACEHOLDERS: dict[str, Any] = {
    "string": _PLACEHOLDER,
    "integer": 0,
    "long": 0,
    "boolean": False,
    "double": 0.0,
    "float": 0.0,
    "list": [],
    "structure": {},
    "map": {},
}


def _opaque(value: Any) -> bool:
    return isinstance(value, Unknown) and not isinstance(value, (Partial, EncodedJson))
