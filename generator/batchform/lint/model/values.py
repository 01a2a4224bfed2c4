"""The values rules read: plain Python data, or an unknown that may remember its origin."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from batchform.lint.model import ResourceInstance


class Unknown:
    """A value batchform cannot know statically (a variable without default, an API result)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "Unknown"


UNKNOWN = Unknown()


@dataclass(frozen=True, eq=False)
class ResourceRef:
    """A whole resource instance, e.g. `aws_subnet.private[0]`."""

    instance: ResourceInstance


@dataclass(frozen=True)
class AttrRef(Unknown):
    """An attribute the provider computes (`arn`, `id`, ...) of a known resource instance."""

    instance: ResourceInstance
    path: tuple[str | int, ...]

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, AttrRef)
            and other.instance is self.instance
            and other.path == self.path
        )

    def __hash__(self) -> int:
        return hash((id(self.instance), self.path))

    def __repr__(self) -> str:
        path = ".".join(str(step) for step in self.path)
        return f"<{self.instance.address}.{path}>"


@dataclass(frozen=True)
class Partial(Unknown):
    """A string whose text is partly known: `"arn:aws:iam::${var.account}:role/x"`."""

    parts: tuple[Any, ...]

    def known_text(self) -> str:
        """The known pieces joined, unknown pieces left out."""
        return "".join(part for part in self.parts if isinstance(part, str))

    def __repr__(self) -> str:
        return "".join(part if isinstance(part, str) else "${?}" for part in self.parts)


@dataclass(frozen=True)
class EncodedJson(Unknown):
    """`jsonencode(x)` where `x` holds unknowns: the string is unknown, its structure is not."""

    value: Any


Value = None | bool | int | float | str | list[Any] | dict[str, Any] | ResourceRef | Unknown


def is_known(value: Any) -> bool:
    """True when the value and everything inside it is known."""
    if isinstance(value, Unknown):
        return False
    if isinstance(value, list):
        return all(is_known(item) for item in value)
    if isinstance(value, dict):
        return all(is_known(item) for item in value.values())
    return True


def text_of(value: Any) -> str | None:
    """The known text of a string or a partial string, else None."""
    if isinstance(value, str):
        return value
    if isinstance(value, Partial):
        return value.known_text()
    return None


def is_set(value: Any) -> bool:
    """True when a value is known to be non-null (a computed attribute or a partial string is)."""
    if value is None:
        return False
    if isinstance(value, Unknown):
        return isinstance(value, (AttrRef, Partial, EncodedJson))
    return True
