"""Which AWS provider major a configuration's version constraints and lock file select."""

from __future__ import annotations

import pytest

from batchform.lint.model.versions import ProviderVersions

NEWEST_MAJOR: list[tuple[tuple[str, ...], str | None, int | None]] = [
    ((), None, None),
    (("~> 5.25.0",), None, 5),
    (("~> 5.0",), None, 5),
    (("~> 5",), None, 5),
    ((">= 5.0.0, < 6.0.0",), None, 5),
    ((">= 2.45.0, < 4.0",), None, 3),
    (("4.31.0",), None, 4),
    (("= 4.31.0",), None, 4),
    (("<= 5.3",), None, 5),
    ((">= 4.0",), None, None),
    (("~> 6.0",), None, 6),
    (("!= 5.1.0",), None, None),
    # Constraints of several modules together: the tightest upper bound.
    ((">= 4.0", "~> 5.10"), None, 5),
    (("< 6.0", "~> 4.0"), None, 4),
    # The lock file decides.
    (("~> 5.0",), "5.100.0", 5),
    ((">= 4.0.0",), "5.51.1", 5),
    # What cannot be read bounds nothing.
    (("latest",), None, None),
    ((">= 5.0, < 4.0",), None, None),
]


@pytest.mark.parametrize(
    ("constraints", "locked", "major"),
    NEWEST_MAJOR,
    ids=[", ".join(c) + (f" lock {lock}" if lock else "") or "none" for c, lock, _ in NEWEST_MAJOR],
)
def test_newest_major(constraints: tuple[str, ...], locked: str | None, major: int | None) -> None:
    versions = ProviderVersions(tuple((text, "versions.tf:1") for text in constraints), locked)
    assert versions.newest_major() == major


def test_rules_out_only_what_no_admitted_version_reaches() -> None:
    assert ProviderVersions((("~> 5.0", "a.tf:3"),)).rules_out(6)
    assert not ProviderVersions((("~> 5.0", "a.tf:3"),)).rules_out(5)
    assert not ProviderVersions().rules_out(6)


def test_describe_quotes_where_each_constraint_is() -> None:
    versions = ProviderVersions((("~> 5.0", "a.tf:3"),), "5.100.0")
    assert versions.describe() == '"~> 5.0" (a.tf:3), lock file 5.100.0'
    assert ProviderVersions().describe() == "no constraint"
