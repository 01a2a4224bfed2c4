"""One value constraint on one argument, and how a value breaks it.

A constraint says where it applies (resource type and argument path, nested blocks named by
their block name as in ``data/force_new.json``), what it allows, where the fact comes from, and
who refuses a value that breaks it: the provider at ``terraform validate`` ("provider") or the
AWS API when the change is applied ("aws"). Messages follow the one who refuses: the provider's
validator wording, or the AWS API's "failed to satisfy constraint" wording.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

Kind = Literal["enum", "range", "length", "pattern", "not_pattern", "arn", "items", "conflicts"]
Enforcer = Literal["provider", "aws"]
Scalar = str | int | float


@dataclass(frozen=True)
class Constraint:
    """What one argument of one resource type accepts."""

    resource: str
    path: str
    kind: Kind
    source: str
    enforced_by: Enforcer = "provider"
    values: tuple[Scalar, ...] = ()
    ignore_case: bool = False
    minimum: float | None = None
    maximum: float | None = None
    pattern: str | None = None
    # The provider's own words for a pattern ({key} and {value} are filled in).
    message: str = ""
    # The API member the constraint comes from, for the API's messages ("roleName").
    member: str = ""
    # For "conflicts": the arguments of the same block that may not be set together with this.
    others: tuple[str, ...] = field(default=())

    @cached_property
    def regex(self) -> re.Pattern[str] | None:
        """The compiled pattern, matched against the whole value (as the services do)."""
        # ASCII: in the Java-style patterns of the AWS models, \w means [A-Za-z0-9_].
        return None if self.pattern is None else re.compile(self.pattern, re.ASCII)

    @property
    def names(self) -> tuple[str, ...]:
        """The argument path as its parts: ("compute_resources", "allocation_strategy")."""
        return tuple(self.path.split("."))

    def violation(self, value: Any, key: str) -> str | None:
        """Why value breaks the constraint, worded like the refusal; None when it does not.

        Values of another type (unknown values, references, null) are never judged: the schema
        checks types and a value known only at apply time is checked then.
        """
        if self.kind in ("items", "conflicts"):
            raise ValueError(f"{self.kind} constraints judge a block, not a value")
        if self.enforced_by == "aws":
            return self._api_violation(value)
        return self._provider_violation(value, key)

    def allows(self, value: Any) -> bool:
        """Whether value satisfies the constraint (values of another type always do)."""
        return self.violation(value, self.path) is None

    def expectation(self) -> str:
        """What the constraint allows, in words that follow "expected": "one of A, B (in any
        case)", "from 1 to 10", "from 1 to 64 characters", "a value matching ^...$"."""
        if self.kind == "enum":
            listed = ", ".join(str(value) for value in self.values)
            return f"one of {listed}" + (" (in any case)" if self.ignore_case else "")
        if self.kind in ("range", "length", "items"):
            unit = {"range": "", "length": " characters", "items": " items"}[self.kind]
            low, high = _number(self.minimum), _number(self.maximum)
            if self.maximum is None:
                return f"at least {low}{unit}"
            if self.minimum is None:
                return f"at most {high}{unit}"
            return f"from {low} to {high}{unit}"
        if self.kind == "pattern":
            return f"a value matching ^{self.pattern}$"
        if self.kind == "not_pattern":
            return f"a value not starting with {self.pattern}"
        if self.kind == "arn":
            return "an ARN (arn:<partition>:<service>:<region>:<account>:<resource>)"
        return f"not set together with {', '.join(self.others)}"

    def closest(self, value: Any) -> tuple[Scalar, ...]:
        """The allowed values nearest to a value an enum refuses, for a did-you-mean: the most
        alike text, or the numbers on either side."""
        if self.kind != "enum" or not self.values:
            return ()
        if isinstance(value, str) and isinstance(self.values[0], str):
            import difflib

            by_upper = {str(item).upper(): item for item in self.values}
            close = difflib.get_close_matches(value.upper(), list(by_upper), n=1, cutoff=0.6)
            return tuple(by_upper[match] for match in close)
        if _is_number(value) and _is_number(self.values[0]):
            numbers = sorted(float(item) for item in self.values)
            below = [item for item in numbers if item < value][-1:]
            above = [item for item in numbers if item > value][:1]
            return tuple(int(item) if item.is_integer() else item for item in below + above)
        return ()

    def _provider_violation(self, value: Any, key: str) -> str | None:
        # Wording of terraform-plugin-sdk's helper/validation functions, which the provider uses.
        if self.kind == "enum" and self._enum_checkable(value):
            if not self._in_enum(value):
                allowed = _go_list(self.values)
                return f"expected {key} to be one of {allowed}, got {value}"
        elif self.kind == "range" and _is_number(value):
            return self._range_violation(value, key)
        elif self.kind == "length" and isinstance(value, str):
            low = int(self.minimum or 0)
            if not low <= len(value) <= (self.maximum or len(value)):
                return (
                    f"expected length of {key} to be in the range ({low} - "
                    f"{int(self.maximum or 0)}), got {value}"
                )
        elif self.kind in ("pattern", "not_pattern") and isinstance(value, str):
            return self._pattern_violation(value, key)
        elif self.kind == "arn" and isinstance(value, str) and not _ARN.match(value):
            return f"{json.dumps(key)} ({value}) is an invalid ARN"
        return None

    def _range_violation(self, value: float, key: str) -> str | None:
        low, high = self.minimum, self.maximum
        if (low is None or value >= low) and (high is None or value <= high):
            return None
        if high is None:
            return f"expected {key} to be at least ({_number(low)}), got {_number(value)}"
        if low is None:
            return f"expected {key} to be at most ({_number(high)}), got {_number(value)}"
        return f"expected {key} to be in the range ({_number(low)} - {_number(high)}), got {_number(value)}"

    def _pattern_violation(self, value: str, key: str) -> str | None:
        assert self.regex is not None
        matched = self.regex.fullmatch(value) is not None
        if self.kind == "not_pattern":
            matched = self.regex.match(value) is None
        if matched:
            return None
        if self.message:
            return self.message.format(key=key, value=value, key_q=json.dumps(key),
                                       value_q=json.dumps(value))
        return f"invalid value for {key} (must match {self.pattern})"

    def _api_violation(self, value: Any) -> str | None:
        # The AWS JSON protocols' validation wording ("1 validation error detected: ...").
        member = self.member[:1].lower() + self.member[1:] if self.member else self.names[-1]
        problem: str | None = None
        if self.kind == "enum" and self._enum_checkable(value) and not self._in_enum(value):
            problem = f"Member must satisfy enum value set: [{', '.join(map(str, self.values))}]"
        elif self.kind == "range" and _is_number(value):
            if self.minimum is not None and value < self.minimum:
                problem = f"Member must have value greater than or equal to {_number(self.minimum)}"
            elif self.maximum is not None and value > self.maximum:
                problem = f"Member must have value less than or equal to {_number(self.maximum)}"
        elif self.kind == "length" and isinstance(value, str):
            if self.minimum is not None and len(value) < self.minimum:
                problem = f"Member must have length greater than or equal to {_number(self.minimum)}"
            elif self.maximum is not None and len(value) > self.maximum:
                problem = f"Member must have length less than or equal to {_number(self.maximum)}"
        elif self.kind == "pattern" and isinstance(value, str):
            assert self.regex is not None
            if self.regex.fullmatch(value) is None:
                problem = f"Member must satisfy regular expression pattern: {self.pattern}"
        if problem is None:
            return None
        return (
            f"1 validation error detected: Value {json.dumps(value)} at '{member}' failed to "
            f"satisfy constraint: {problem}"
        )

    def _enum_checkable(self, value: Any) -> bool:
        if isinstance(value, bool):
            return False
        return isinstance(value, str) or (_is_number(value) and not isinstance(self.values[0], str))

    def _in_enum(self, value: Scalar) -> bool:
        if self.ignore_case and isinstance(value, str):
            return value.upper() in {str(v).upper() for v in self.values}
        return value in self.values


# The shape terraform-provider-aws's verify.ValidARN accepts: arn:partition:service:region:account:resource.
_ARN = re.compile(r"^arn:[^:]+:[^:]+:[^:]*:[^:]*:.+\Z")


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _number(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else f"{value:f}"


def _go_list(values: tuple[Scalar, ...]) -> str:
    # Go's %q of a []string ("[\"A\" \"B\"]") and %v of a []int ("[1 2]").
    if values and isinstance(values[0], str):
        return "[" + " ".join(json.dumps(value) for value in values) + "]"
    return "[" + " ".join(_number(float(value)) for value in values) + "]"


def values_at(config: Any, names: tuple[str, ...], prefix: tuple[str | int, ...] = ()) -> Iterator[
    tuple[tuple[str | int, ...], Any]
]:
    """Every (path, value) of an argument in a decoded configuration, through nested blocks.

    Blocks are lists of objects (or one object); the path carries each block's index, as in
    Terraform's attribute paths: ("compute_resources", 0, "type").
    """
    if not isinstance(config, Mapping) or not names:
        return
    head, rest = names[0], names[1:]
    value = config.get(head)
    here = (*prefix, head)
    if not rest:
        if isinstance(value, list):
            for index, item in enumerate(value):
                yield (*here, index), item
        elif value is not None:
            yield here, value
        return
    if isinstance(value, Mapping):
        yield from values_at(value, rest, here)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from values_at(item, rest, (*here, index))


def dotted(path: tuple[str | int, ...]) -> str:
    """A path as the provider's flat key: compute_resources.0.allocation_strategy."""
    return ".".join(str(step) for step in path)
