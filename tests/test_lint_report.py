"""Text, JSON and SARIF output of lint results, and inline suppression."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from batchform.errors import UsageError
from batchform.lint import lint_paths
from batchform.lint.report import check_format, render, render_sarif, render_text
from batchform.lint.rules import all_rules

SEED = Path(__file__).parent / "lint" / "seed"
SEED_CODES = {"BF001", "BF002", "BF003", "BF007", "BF010", "BF011", "BF014", "BF019", "BF100"}


@pytest.fixture(scope="module")
def seed_result():  # type: ignore[no-untyped-def]
    return lint_paths([SEED], display_root=SEED.parent)


def test_seed_like_setup_reports_the_traps(seed_result) -> None:  # type: ignore[no-untyped-def]
    assert set(seed_result.codes()) == SEED_CODES
    assert seed_result.exit_code == 1
    where = {(finding.code, finding.file, finding.line) for finding in seed_result.findings}
    assert ("BF003", "seed/batch.tf", 32) in where
    # No create_before_destroy and a fixed name: one finding with both fixes.
    assert ("BF001", "seed/batch.tf", 39) in where
    assert [item.line for item in seed_result.findings if item.code == "BF001"] == [39]
    assert ("BF011", "seed/batch.tf", 47) in where
    assert ("BF010", "seed/batch.tf", 112) in where
    assert ("BF007", "seed/network.tf", 58) in where


def test_text_lines(seed_result) -> None:  # type: ignore[no-untyped-def]
    lines = render_text(seed_result).splitlines()
    assert (
        lines[-1]
        == f"3 files, {sum(f.severity == 'error' for f in seed_result.findings)} errors, 1 warnings"
    )
    first = seed_result.findings[0]
    assert lines[0] == (
        f"{first.file}:{first.line}: {first.code} {first.severity} {first.address}: "
        f"{first.message} ({first.fix})"
    )


def test_json_is_a_list_of_findings(tmp_path: Path) -> None:
    result = lint_paths([SEED], display_root=SEED.parent)
    data = json.loads(render(result, "json"))
    assert isinstance(data, list) and len(data) == len(result.findings)
    for item in data:
        assert list(item) == [
            "code", "severity", "file", "line", "column", "address", "message", "fix"
        ]
        assert item["severity"] in ("error", "warning")
        assert isinstance(item["line"], int) and item["line"] > 0
    assert {item["code"] for item in data} == SEED_CODES


def test_sarif_structure(seed_result) -> None:  # type: ignore[no-untyped-def]
    log = json.loads(render_sarif(seed_result))
    assert log["version"] == "2.1.0"
    assert log["$schema"].endswith("sarif-2.1.0.json")
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "batchform"
    rule_ids = [rule["id"] for rule in driver["rules"]]
    assert rule_ids == sorted(SEED_CODES)
    for rule in driver["rules"]:
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
        assert rule["defaultConfiguration"]["level"] in ("error", "warning")
    assert len(run["results"]) == len(seed_result.findings)
    for result in run["results"]:
        assert rule_ids[result["ruleIndex"]] == result["ruleId"]
        assert result["level"] in ("error", "warning")
        assert result["message"]["text"]
        (location,) = result["locations"]
        physical = location["physicalLocation"]
        assert physical["artifactLocation"]["uri"].startswith("seed/")
        assert physical["region"]["startLine"] >= 1


def test_sarif_levels_are_the_severities(seed_result) -> None:  # type: ignore[no-untyped-def]
    # Code scanning fails a pull request on "error" results only: a swap would hide errors.
    log = json.loads(render_sarif(seed_result))
    (run,) = log["runs"]
    levels = [result["level"] for result in run["results"]]
    assert levels == [finding.severity for finding in seed_result.findings]
    assert {"error", "warning"} <= set(levels)
    for rule in run["tool"]["driver"]["rules"]:
        assert rule["defaultConfiguration"]["level"] == all_rules()[rule["id"]].severity


def test_sarif_without_findings_is_valid(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text('resource "aws_vpc" "a" {\n  cidr_block = "10.0.0.0/16"\n}\n')
    log = json.loads(render(lint_paths([tmp_path]), "sarif"))
    assert log["runs"][0]["results"] == [] and log["runs"][0]["tool"]["driver"]["rules"] == []


def test_select_and_ignore() -> None:
    selected = lint_paths([SEED], select="BF001,bf011")
    assert set(selected.codes()) == {"BF001", "BF011"}
    ignored = lint_paths([SEED], ignore=["BF100", "BF001"])
    assert set(ignored.codes()) == SEED_CODES - {"BF100", "BF001"}
    with pytest.raises(UsageError, match="BF999"):
        lint_paths([SEED], select="BF999")
    with pytest.raises(UsageError, match="format"):
        check_format("xml")


def test_inline_suppression(tmp_path: Path) -> None:
    target = tmp_path / "seed"
    target.mkdir()
    for source in SEED.glob("*.tf"):
        (target / source.name).write_text(source.read_text())
    batch = target / "batch.tf"
    text = batch.read_text()
    text = text.replace(
        'resource "aws_batch_compute_environment"',
        "# batchform:ignore BF011 the profile is created elsewhere\n"
        'resource "aws_batch_compute_environment"',
    )
    text = text.replace(
        "  compute_environments = [",
        "  # batchform:ignore BF010 still on provider v5\n  compute_environments = [",
    )
    batch.write_text(text)
    result = lint_paths([target])
    assert "BF011" not in result.codes() and "BF010" not in result.codes()
    assert "BF001" in result.codes() and "BF100" in result.codes()
    assert result.suppressed == 2


def test_sarif_uris_are_percent_encoded_relative_references(tmp_path: Path) -> None:
    import os

    from batchform.lint.report import artifact_uri

    assert artifact_uri('a dir/100% "x".tf') == "a%20dir/100%25%20%22x%22.tf"
    assert artifact_uri("win\\path\\main.tf") == "win/path/main.tf"
    assert artifact_uri("c:main.tf") == "c%3Amain.tf"
    undecodable = os.fsdecode(b"caf\xe9.tf")
    assert artifact_uri(undecodable) == "caf%E9.tf"
    assert artifact_uri("é.tf") == "%C3%A9.tf"
    target = tmp_path / 'odd dir %"'
    target.mkdir()
    (target / "main.tf").write_text("x = = 1\n")
    (target / undecodable).write_text("y = = 2\n")
    log = json.loads(render_sarif(lint_paths([target], display_root=tmp_path)))
    uris = {result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            for result in log["runs"][0]["results"]}
    assert uris == {"odd%20dir%20%25%22/main.tf", "odd%20dir%20%25%22/caf%E9.tf"}
