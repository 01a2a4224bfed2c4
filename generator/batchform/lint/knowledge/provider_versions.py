"""Which major version of a provider a configuration gets, from its version constraints and its
lock file, as `terraform init` picks one: the newest that every constraint allows."""

from __future__ import annotations

import re
from dataclasses import dataclass

from batchform.lint.model import Configuration, ProviderVersions

# One clause of a Terraform version constraint: an operator and a version of 1-3 numbers.
_CLAUSE = re.compile(r"^\s*(=|!=|>=|<=|>|<|~>)?\s*v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:[-+]\S*)?\s*$")


@dataclass(frozen=True)
class Major:
    """The major version a configuration gets, and what decides it, in words."""

    number: int
    because: str


def provider_major(configuration: Configuration, source: str, current: int) -> Major | None:
    """The major version of `source` the configuration gets, `current` (the newest) when nothing
    constrains it; None when its constraints cannot be read or allow no known major."""
    versions = configuration.provider_versions(source)
    if versions.locked is not None:
        match = _CLAUSE.match(versions.locked)
        if match is None:
            return None
        return Major(int(match.group(2)),
                     f"{versions.lock_file} holds version {versions.locked}")
    if not versions.constraints:
        return Major(current, "nothing constrains its version, so terraform init takes the "
                              "newest")
    allowed = _allowed_majors(versions, current)
    if not allowed:
        return None
    written = "; ".join(
        f'"{constraint.text}" at {constraint.file}:{constraint.line}'
        for constraint in versions.constraints
    )
    return Major(max(allowed), f"its version constraints allow it: {written}")


def _allowed_majors(versions: ProviderVersions, current: int) -> set[int]:
    allowed = set(range(current + 1))
    for constraint in versions.constraints:
        for clause in constraint.text.split(","):
            if not clause.strip():
                continue
            match = _CLAUSE.match(clause)
            if match is None:
                return set()
            operator = match.group(1) or "="
            major = int(match.group(2))
            rest = (int(match.group(3) or 0), int(match.group(4) or 0))
            allowed = {m for m in allowed if _allows(operator, major, rest, m)}
    return allowed


def _allows(operator: str, major: int, rest: tuple[int, int], candidate: int) -> bool:
    """Whether some version of major `candidate` satisfies one clause."""
    if operator in ("=", "~>"):
        return candidate == major
    if operator in (">", ">="):
        return candidate >= major
    if operator == "<":
        return candidate < major or (candidate == major and rest > (0, 0))
    if operator == "<=":
        return candidate <= major
    return True  # "!=" excludes one version, never a whole major
