"""Which versions of the AWS provider a configuration can be planned with.

Terraform intersects every version constraint of a provider across the root module and the
modules it calls (`required_providers`, and the legacy `version` argument of a `provider`
block), then picks the newest version that matches, or the one a committed
`.terraform.lock.hcl` records. The constraint language (`=`, `!=`, `>`, `>=`, `<`, `<=`, `~>`,
comma-separated) is Terraform's "Version Constraints" (developer.hashicorp.com/terraform/
language/expressions/version-constraints).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

Version = tuple[int, int, int]
_UNBOUNDED: Version = (1 << 30, 0, 0)
_CONSTRAINT = re.compile(
    r"^\s*(=|!=|>=|<=|>|<|~>)?\s*v?(\d+(?:\.\d+){0,2})(?:[-+][0-9A-Za-z.-]*)?\s*$"
)


class ConstraintError(ValueError):
    """A version constraint Terraform would refuse."""


@dataclass(frozen=True)
class ProviderVersions:
    """The constraints a configuration puts on one provider (each with where it is written),
    and the version its lock file records; empty when it says nothing."""

    constraints: tuple[tuple[str, str], ...] = ()
    locked: str | None = None
    # The lock file as reports name it, when `locked` comes from one.
    lock_file: str | None = None

    def newest_major(self) -> int | None:
        """The highest major version Terraform could select; None when nothing bounds it (the
        newest release is installed) or when the constraints cannot be read."""
        if self.locked is not None:
            try:
                return _parse_version(self.locked)[0]
            except ConstraintError:
                return None
        try:
            low, high, high_inclusive = _bounds(text for text, _ in self.constraints)
        except ConstraintError:
            return None
        if high == _UNBOUNDED or high < low:
            return None
        if not high_inclusive and high[1:] == (0, 0):
            return high[0] - 1
        return high[0]

    def selected_major(self, newest_release: int) -> int | None:
        """The major version `terraform init` installs when the newest release is of major
        `newest_release`: the locked one, else the newest the constraints admit; None when they
        cannot be read or admit no release."""
        if self.locked is not None:
            try:
                return _parse_version(self.locked)[0]
            except ConstraintError:
                return None
        try:
            low, high, high_inclusive = _bounds(text for text, _ in self.constraints)
        except ConstraintError:
            return None
        top = newest_release
        if high != _UNBOUNDED:
            top = min(top, high[0] - 1 if not high_inclusive and high[1:] == (0, 0) else high[0])
        return top if top >= low[0] else None

    def selection_reason(self) -> str:
        """Why `selected_major` is what it is, in words."""
        if self.locked is not None:
            return f"{self.lock_file or '.terraform.lock.hcl'} holds version {self.locked}"
        if not self.constraints:
            return "nothing constrains its version, so terraform init takes the newest"
        written = "; ".join(f'"{text}" at {where}' for text, where in self.constraints)
        return f"its version constraints allow it: {written}"

    def rules_out(self, major: int) -> bool:
        """True when no version of `major` or later can be selected."""
        newest = self.newest_major()
        return newest is not None and newest < major

    def describe(self) -> str:
        """The constraints and the locked version, as a reader would quote them."""
        parts = [f'"{text}" ({where})' for text, where in self.constraints]
        if self.locked is not None:
            parts.append(f"lock file {self.locked}")
        return ", ".join(parts) or "no constraint"


def _bounds(texts: Iterable[str]) -> tuple[Version, Version, bool]:
    """The lowest admitted version and the upper bound (and whether it is admitted) of every
    comma-separated constraint in `texts` together."""
    low: Version = (0, 0, 0)
    high, inclusive = _UNBOUNDED, False
    for text in texts:
        for part in text.split(","):
            if not part.strip():
                continue
            bound_low, bound_high, bound_inclusive = _one(part)
            low = max(low, bound_low)
            if bound_high < high or (bound_high == high and not bound_inclusive):
                high, inclusive = bound_high, bound_inclusive
    return low, high, inclusive


def _one(part: str) -> tuple[Version, Version, bool]:
    match = _CONSTRAINT.match(part)
    if match is None:
        raise ConstraintError(f"not a version constraint: {part!r}")
    operator = match.group(1) or "="
    written = match.group(2)
    version = _parse_version(written)
    if operator == "=":
        return version, version, True
    if operator == "!=":
        return (0, 0, 0), _UNBOUNDED, False
    if operator in (">", ">="):
        return version, _UNBOUNDED, False
    if operator == "<":
        return (0, 0, 0), version, False
    if operator == "<=":
        return (0, 0, 0), version, True
    # ~> lets only the rightmost written component grow: ~> 5.25.0 is < 5.26.0, ~> 5.0 and
    # ~> 5 are < 6.0.0.
    components = written.split(".")
    if len(components) == 3:
        upper: Version = (version[0], version[1] + 1, 0)
    else:
        upper = (version[0] + 1, 0, 0)
    return version, upper, False


def _parse_version(text: str) -> Version:
    match = re.match(r"^\s*v?(\d+)(?:\.(\d+))?(?:\.(\d+))?", text)
    if match is None:
        raise ConstraintError(f"not a version: {text!r}")
    major, minor, patch = (int(group) if group else 0 for group in match.groups())
    return major, minor, patch
