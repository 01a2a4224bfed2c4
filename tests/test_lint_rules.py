"""Every rule against its fixtures: small Terraform trees under tests/lint/<code>/.

A fixture directory is named `fail_<what>` (the rule must fire) or `pass_<what>` (it must not).
It holds `expected.txt`, every finding of every rule as `file:line: CODE address: message`
(blank lines and `#` comments ignored), and the .tf files of the tree. With a `base.txt`
naming a tree under tests/lint (`clean_ec2`, `clean_fargate`), the fixture's files are laid
over a copy of that tree, so a fixture holds only what it changes.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from batchform.lint import explain, lint_paths
from batchform.lint.rules import ACCOUNT_ONLY, all_rules

LINT = Path(__file__).parent / "lint"
FIXTURES = sorted(path for path in LINT.glob("bf*/*") if path.is_dir())
_META_FILES = ("base.txt", "expected.txt")


def fixture_tree(tmp_path: Path, fixture: Path) -> Path:
    """The fixture's tree in `tmp_path`: its base copied, its own files laid over it."""
    target = tmp_path / fixture.name
    base = fixture / "base.txt"
    if base.is_file():
        shutil.copytree(LINT / base.read_text().strip(), target)
    for path in sorted(fixture.rglob("*")):
        if path.is_file() and path.name not in _META_FILES:
            destination = target / path.relative_to(fixture)
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, destination)
    return target


def expected(fixture: Path) -> list[str]:
    """The findings a fixture expects, one per line, sorted."""
    lines = (fixture / "expected.txt").read_text().splitlines()
    return sorted(line for line in lines if line.strip() and not line.startswith("#"))


def expected_codes(fixture: Path) -> set[str]:
    """The codes a fixture expects."""
    return {line.split(": ", 1)[1].split(" ", 1)[0] for line in expected(fixture)}


@pytest.mark.parametrize("fixture", FIXTURES, ids=[f"{p.parent.name}/{p.name}" for p in FIXTURES])
def test_fixture(tmp_path: Path, fixture: Path) -> None:
    tree = fixture_tree(tmp_path, fixture)
    result = lint_paths([tree], display_root=tree)
    reported = sorted(
        f"{finding.file}:{finding.line}: {finding.code} {finding.address}: {finding.message}"
        for finding in result.findings
    )
    assert reported == expected(fixture)
    for finding in result.findings:
        assert finding.line > 0 and (tree / finding.file).is_file()
        rule = all_rules()[finding.code]
        assert finding.severity in (rule.severity, *rule.severities)


def test_fixtures_are_found() -> None:
    assert len(FIXTURES) > 2 * len(all_rules())


@pytest.mark.parametrize("code", sorted(set(all_rules()) - ACCOUNT_ONLY))
def test_every_rule_has_a_failing_and_a_passing_fixture(code: str) -> None:
    fixtures = [path for path in FIXTURES if path.parent.name == code.lower()]
    failing = [path for path in fixtures if path.name.startswith("fail_")]
    passing = [path for path in fixtures if path.name.startswith("pass_")]
    assert failing, f"no tests/lint/{code.lower()}/fail_*/ fixture"
    assert passing, f"no tests/lint/{code.lower()}/pass_*/ fixture"
    for fixture in failing:
        assert code in expected_codes(fixture), f"{fixture.name} does not expect {code}"
    for fixture in passing:
        assert code not in expected_codes(fixture), f"{fixture.name} expects {code}"


def test_fixture_directories_name_a_rule_and_an_outcome() -> None:
    codes = {code.lower() for code in all_rules()}
    for fixture in FIXTURES:
        assert fixture.parent.name in codes, f"{fixture.parent.name} is no rule's code"
        assert fixture.name.startswith(("fail_", "pass_")), fixture
        assert (fixture / "expected.txt").is_file(), f"{fixture} has no expected.txt"
        base = fixture / "base.txt"
        assert not base.is_file() or (LINT / base.read_text().strip()).is_dir(), base


@pytest.mark.parametrize("base", ["clean_ec2", "clean_fargate"])
def test_clean_bases_have_no_findings(base: str) -> None:
    result = lint_paths([LINT / base])
    assert result.findings == []
    assert result.exit_code == 0


@pytest.mark.parametrize("code", sorted(all_rules()))
def test_explain_names_code_and_fix(code: str) -> None:
    text = explain(code)
    assert text.startswith(f"{code} (")
    assert "Fix:" in text and f"batchform:ignore {code}" in text


def test_the_readme_lint_table_lists_every_rule_once() -> None:
    import re

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text("utf-8")
    listed: list[str] = []
    for row in re.findall(r"^\| (BF\d{3}[^|]*) \|", readme, re.MULTILINE):
        for item in row.split(","):
            first, _, last = item.strip().partition("-")
            low, high = int(first[2:]), int((last or first)[2:])
            listed += [f"BF{number:03d}" for number in range(low, high + 1)]
    assert sorted(listed) == sorted(all_rules())
