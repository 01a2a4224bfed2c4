"""Check decoded `container_properties` against botocore's Batch `ContainerProperties` shape."""

from __future__ import annotations

import functools
from typing import Any

from batchform.lint.values import EncodedJson, Partial, Unknown

_PLACEHOLDER = "batchform-unknown"


@functools.lru_cache(maxsize=1)
def _shape() -> Any:
    """The ContainerProperties input shape from botocore's bundled Batch model (loaded once)."""
    import botocore.session

    model = botocore.session.get_session().get_service_model("batch")
    return model.shape_for("ContainerProperties")


def shape_problems(properties: dict[str, Any]) -> list[str]:
    """Unknown keys and wrong types, as botocore's ParamValidator reports them.

    Members whose value is unknown are left out before validating; a partly known string is
    still a string, so it is validated as one.
    """
    from botocore.validate import ParamValidator

    report = ParamValidator().validate(_known_part(properties), _shape())
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
                _check_enums(item, shape.members[name], f"{path}.{name}" if path else name, problems)
    elif kind == "list" and isinstance(value, list):
        for position, item in enumerate(value):
            _check_enums(item, shape.member, f"{path}[{position}]", problems)
    elif kind == "string" and isinstance(value, str) and getattr(shape, "enum", None):
        if value not in shape.enum:
            allowed = ", ".join(shape.enum)
            problems.append(f"{path}: {value!r} is not one of {allowed}")


def _known_part(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            key: _known_part(item)
            for key, item in value.items()
            if not _opaque(item)
        }
    if isinstance(value, list):
        return [_known_part(item) for item in value if not _opaque(item)]
    if isinstance(value, (Partial, EncodedJson)):
        return _PLACEHOLDER
    return value


def _opaque(value: Any) -> bool:
    return isinstance(value, Unknown) and not isinstance(value, (Partial, EncodedJson))
