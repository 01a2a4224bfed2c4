"""BF024: local module calls must not lead back to where they started."""

from __future__ import annotations

from collections.abc import Iterator

from batchform.lint.model import Configuration, ModuleCall
from batchform.lint.rules.rule import Hit, Rule


def check(configuration: Configuration) -> Iterator[Hit]:
    """One hit per cycle, at its first call, naming every call of the cycle."""
    for cycle in configuration.module_cycles():
        first = cycle.calls[0]
        if len(cycle.calls) == 1:
            what = f"{_call(first)} calls its own directory"
        else:
            what = "module calls form a cycle: " + ", then ".join(
                _call(call) for call in cycle.calls
            )
        yield Hit(first.file, first.line, f"module.{first.name}", what)


def _call(call: ModuleCall) -> str:
    return f"module.{call.name} at {call.file}:{call.line} (source {call.source!r})"


RULE = Rule(
    code="BF024",
    severity="error",
    title="local module calls form a cycle",
    explanation="""
A module whose `source` leads back to itself, directly (`source = "./"`) or through other
modules (a calls b, b calls a), cannot be loaded: `terraform init` nests the modules into each
other until the path is too long. batchform reports the cycle, follows none of its calls, and
lints each module that only the cycle would reach as a root module of its own.
""",
    fix="make `source` name a module that does not call back; move what both modules need "
    "into a third one",
    check=check,
)
