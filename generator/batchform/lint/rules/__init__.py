"""The rule registry: each rule is a code, a severity, explain text and a check function."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from batchform.lint.engine.resolver import BlockView, Instance, Stack


@dataclass(frozen=True)
class Hit:
    """A rule's raw finding: where and what; the registry adds code, severity and fix."""

    file: str
    line: int
    address: str
    message: str


def hit(instance: Instance, message: str, at: BlockView | None = None, attribute: str = "") -> Hit:
    """A hit on a resource, at one of its attributes or nested blocks when given."""
    view = at or instance
    line = view.line_of(attribute) if attribute else view.line
    return Hit(view.file, line, instance.address, message)


Check = Callable[["Stack"], Iterator[Hit]]


@dataclass(frozen=True)
class Rule:
    """A lint rule: `check` yields hits for one stack."""

    code: str
    severity: str
    title: str
    explanation: str
    fix: str
    check: Check


REGISTRY: dict[str, Rule] = {}


def rule(
    code: str, severity: str, title: str, explanation: str, fix: str
) -> Callable[[Check], Check]:
    """Register a check function under a code."""

    def register(check: Check) -> Check:
        REGISTRY[code] = Rule(code, severity, title, explanation.strip(), fix.strip(), check)
        return check

    return register


def all_rules() -> dict[str, Rule]:
    """Every rule, by code, importing the themed modules on first use."""
    from batchform.lint.rules import (  # noqa: F401 - importing registers the rules
        compute,
        job_definition,
        naming,
        network,
        queue,
        schema,
    )

    return dict(sorted(REGISTRY.items()))
