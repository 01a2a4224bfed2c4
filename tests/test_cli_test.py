"""Tests for `batchform test`: argument handling through CliRunner, one real subprocess run."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from batchform.cli import app
from batchform.errors import LifecycleError, UsageError

GOOD = """\
resource "terraform_data" "this" {
  input = "queue"
}

output "name" {
  value = terraform_data.this.output
}
"""

MISSPELLED = GOOD.replace("input =", "inputs =")

STEPS = ["fmt", "init", "validate", "plan", "apply", "idempotency", "output", "destroy"]


def stack(tmp_path: Path, text: str) -> Path:
    root = tmp_path / "stack"
    root.mkdir()
    (root / "main.tf").write_text(text)
    return root


def test_passing_stack_prints_every_step(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["test", str(stack(tmp_path, GOOD))])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "provider builtin" in lines[0]
    for name, line in zip(STEPS, lines[1:9], strict=True):
        assert line.split()[:2] == [name, "passed"]
        assert line.endswith(" s")
    assert lines[9].startswith("passed in ")


def test_failing_stack_exits_at_validate_with_the_diagnostic(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["test", str(stack(tmp_path, MISSPELLED))])
    assert result.exit_code == 1
    assert isinstance(result.exception, LifecycleError)
    assert "failed at validate" in str(result.exception)
    assert 'An argument named "inputs" is not expected here.' in result.output
    assert "apply        skipped" in result.output


def test_json_report(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["test", str(stack(tmp_path, GOOD)), "--format", "json", "--provider", "auto"]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert [step["name"] for step in report["steps"]] == STEPS
    assert {step["status"] for step in report["steps"]} == {"passed"}
    assert report["outputs"] == {"name": "queue"}
    assert report["plan"] == {"terraform_data.this": "create"}
    assert report["provider"] == "builtin"


def test_keep_leaves_the_state_and_says_where(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["test", str(stack(tmp_path, GOOD)), "--keep"])
    assert result.exit_code == 0, result.output
    kept = Path(result.output.rsplit("kept in ", 1)[1].strip())
    try:
        assert (kept / "stack" / "terraform.tfstate").is_file()
        assert "destroy      skipped" in result.output
    finally:
        shutil.rmtree(kept)


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--format", "yaml", "expected text or json"),
        ("--provider", "cloud", "expected auto, offline or registry"),
    ],
)
def test_bad_choices_are_usage_errors(
    tmp_path: Path, option: str, value: str, message: str
) -> None:
    result = CliRunner().invoke(app, ["test", str(stack(tmp_path, GOOD)), option, value])
    assert isinstance(result.exception, UsageError)
    assert message in str(result.exception)


def test_subprocess_exit_codes(tmp_path: Path) -> None:
    (tmp_path / "good").mkdir()
    (tmp_path / "bad").mkdir()
    good, bad = stack(tmp_path / "good", GOOD), stack(tmp_path / "bad", MISSPELLED)
    command = [sys.executable, "-m", "batchform", "test"]
    passed = subprocess.run(
        [*command, str(good)], check=False, capture_output=True, text=True, timeout=120
    )
    assert passed.returncode == 0, passed.stderr
    failed = subprocess.run(
        [*command, str(bad)], check=False, capture_output=True, text=True, timeout=120
    )
    assert failed.returncode == 1
    assert f"batchform: {bad}: failed at validate" in failed.stderr
    assert 'An argument named "inputs" is not expected here.' in failed.stdout


@pytest.mark.lifecycle
def test_misspelled_argument_in_generated_stack_fails_at_validate(tmp_path: Path) -> None:
    from batchform.generate import generate_stack

    generate_stack(None, tmp_path / "stack")
    module = tmp_path / "stack" / "modules" / "compute_environment" / "main.tf"
    text = module.read_text()
    # Same width, so the fmt check still passes and validate is what catches it.
    assert "max_vcpus           =" in text
    module.write_text(text.replace("max_vcpus           =", "max_vcpu            ="))
    failed = subprocess.run(
        [
            sys.executable,
            "-m",
            "batchform",
            "test",
            str(tmp_path / "stack"),
            "--provider",
            "offline",
        ],
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert failed.returncode == 1, failed.stdout
    assert "failed at validate" in failed.stderr
    assert 'An argument named "max_vcpu" is not expected here.' in failed.stdout
    assert "provider offline" in failed.stdout


@pytest.mark.parametrize("content", [None, "README.md"])
def test_directory_without_configuration_is_a_usage_error_before_any_step(
    tmp_path: Path, content: str | None
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    if content:
        (empty / content).write_text("# not terraform\n")
    result = subprocess.run(
        [sys.executable, "-m", "batchform", "test", str(empty)],
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.startswith(f"batchform: {empty}: no Terraform configuration here")
    assert "fmt" not in result.stdout and "passed" not in result.stdout


def test_stack_holding_a_named_pipe_is_a_usage_error(tmp_path: Path) -> None:
    root = stack(tmp_path, GOOD)
    os.mkfifo(root / "pipe")
    result = subprocess.run(
        [sys.executable, "-m", "batchform", "test", str(root)],
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "pipe: a named pipe (FIFO)" in result.stderr
    assert "Traceback" not in result.stderr
