"""What a rule is: a code, a severity, its explanation, and a check over one configuration."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from batchform.lint.model import Body, Configuration, ResourceInstance


@dataclass(frozen=True)
class Hit:
    """A rule's raw finding: where and what; the runner adds code, severity and fix."""

    file: str
    line: int
    address: str
    message: str
    # One of the rule's `severities`, for a hit less severe than the rule's own.
    severity: str | None = None


def hit(
    instance: ResourceInstance,
    message: str,
    at: Body | None = None,
    attribute: str = "",
    severity: str | None = None,
) -> Hit:
    """A hit on a resource, at one of its arguments or nested blocks when given."""
    view = at or instance
    line = view.line_of(attribute) if attribute else view.line
    return Hit(view.file, line, instance.address, message, severity)


Check = Callable[[Configuration], Iterator[Hit]]


@dataclass(frozen=True)
class Rule:
    """A lint rule: `check` yields hits for one configuration, at `severity` unless a hit says
    otherwise (it may only name one of `severities`: BF033 warns before a date, errs after)."""

    code: str
    severity: str
    title: str
    explanation: str
    fix: str
    check: Check
    severities: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        # Explanations are written as indented triple-quoted text in the rule modules.
        object.__setattr__(self, "explanation", self.explanation.strip())
        object.__setattr__(self, "fix", self.fix.strip())
