"""Tests for `batchform test`: argument handling through CliRunner, one real subprocess run."""

from __future__ import annotations

import json
import os
import pty
import shutil
import subprocess
import sys
import time
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
    assert lines[0].endswith("stack: lifecycle on a private copy, provider offline")
    assert "provider builtin: no external provider needed" in lines
    steps = [line.split() for line in lines if line.startswith("  ")]
    for name in STEPS:
        assert [name, "started"] in steps
        (ended,) = [words for words in steps if words[:2] == [name, "passed"]]
        assert ended[-1] == "s"
    assert lines[-1].startswith("passed in ")


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
    validate = report["steps"][2]
    assert (validate["detail"], validate["diagnostics"]) == ("valid", [])


def plain_json(value: object) -> bool:
    """True for strings, numbers, booleans, null, and lists and objects of them."""
    if isinstance(value, dict):
        return all(isinstance(k, str) and plain_json(v) for k, v in value.items())
    if isinstance(value, list):
        return all(plain_json(item) for item in value)
    return value is None or isinstance(value, (str, int, float, bool))


def test_json_report_of_a_failure_is_plain_values_with_diagnostic_objects(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "batchform",
            "test",
            str(stack(tmp_path, MISSPELLED)),
            "--format",
            "json",
        ],
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    report = json.loads(result.stdout)  # the whole of stdout: no progress lines
    assert plain_json(report)
    assert "Validation(" not in result.stdout and "Diagnostic(" not in result.stdout
    validate = next(step for step in report["steps"] if step["name"] == "validate")
    assert validate["status"] == "failed"
    assert validate["diagnostics"] == [
        {
            "severity": "error",
            "summary": "Unsupported argument",
            "detail": 'An argument named "inputs" is not expected here. Did you mean "input"?',
            "address": None,
            "filename": "main.tf",
            "line": 2,
        }
    ]
    assert [s["status"] for s in report["steps"]][3:] == ["skipped"] * 5
    assert report["ok"] is False and report["interrupted"] is None


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
        ("--provider", "cloud", "expected offline, aws or auto"),
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


SLOW_APPLY = (
    GOOD
    + """
resource "terraform_data" "slow" {
  provisioner "local-exec" {
    command = "sleep 1.5"
  }
}
"""
)


def test_progress_lines_arrive_while_the_lifecycle_runs(tmp_path: Path) -> None:
    arrived: list[tuple[float, str]] = []
    with subprocess.Popen(
        [sys.executable, "-m", "batchform", "test", str(stack(tmp_path, SLOW_APPLY))],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    ) as process:
        assert process.stdout is not None
        for line in process.stdout:
            arrived.append((time.monotonic(), line.rstrip("\n")))
    assert process.returncode == 0, arrived
    when = {text.strip(): moment for moment, text in arrived}
    fmt_done = next(
        moment for text, moment in when.items() if text.startswith("fmt          passed")
    )
    destroy_started = when["destroy      started"]
    # The apply in between sleeps 1.5 s: a report printed at the end would show no gap.
    assert destroy_started - fmt_done > 1.0
    assert all("\r" not in text for _, text in arrived)


def test_live_line_on_a_terminal(tmp_path: Path) -> None:
    controller, terminal = pty.openpty()
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "batchform", "test", str(stack(tmp_path, SLOW_APPLY))],
            stdout=terminal,
            stderr=subprocess.DEVNULL,
            stdin=subprocess.DEVNULL,
        )
        os.close(terminal)
        output = b""
        while True:
            try:
                chunk = os.read(controller, 4096)
            except OSError:  # the terminal closed: the process is done
                break
            if not chunk:
                break
            output += chunk
        assert process.wait(60) == 0
    finally:
        os.close(controller)
    text = output.decode()
    assert "\r  apply        running       1." in text
    assert "apply        started" not in text
    assert "  apply        passed" in text
