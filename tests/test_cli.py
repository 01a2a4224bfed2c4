"""The command line: argument handling through CliRunner, exit codes through real subprocesses."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from batchform import __version__
from batchform.cli import app

runner = CliRunner()


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "batchform", *args],
        capture_output=True, text=True, cwd=cwd, check=False,
    )


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"batchform {__version__}"


@pytest.mark.parametrize("args", [["-h"], ["generate", "-h"], ["init", "--help"]])
def test_help_everywhere(args: list[str]) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 0
    assert "Usage:" in result.output


def test_generate_default_stack(tmp_path: Path) -> None:
    result = run("generate", "--out", "stack", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "24 written" in result.stdout
    assert (tmp_path / "stack/main.tf").is_file()
    assert (tmp_path / "stack/modules/job_definition/README.md").is_file()
    again = run("generate", "--out", "stack", cwd=tmp_path)
    assert again.returncode == 0 and "0 written, 24 unchanged" in again.stdout


def test_init_then_generate(tmp_path: Path) -> None:
    assert run("init", "my.toml", cwd=tmp_path).returncode == 0
    result = run("generate", "my.toml", "-o", "out", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    refused = run("init", "my.toml", cwd=tmp_path)
    assert refused.returncode == 2 and "--force" in refused.stderr


def test_bad_spec_exits_2_and_writes_nothing(tmp_path: Path) -> None:
    (tmp_path / "bad.toml").write_text('name = "Bad Name"\n')
    result = run("generate", "bad.toml", "--out", "stack", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("batchform: bad.toml:1: name:")
    assert not (tmp_path / "stack").exists()


def test_check_reports_drift(tmp_path: Path) -> None:
    assert run("generate", "--out", "stack", cwd=tmp_path).returncode == 0
    assert run("generate", "--check", "--out", "stack", cwd=tmp_path).returncode == 0
    main = tmp_path / "stack/main.tf"
    main.write_text(main.read_text().replace("max_vcpus           = 64", "max_vcpus = 8"))
    drift = run("generate", "--check", "--out", "stack", cwd=tmp_path)
    assert drift.returncode == 1
    # The diff alone on stdout (it can be piped to a patch tool), one line on stderr.
    assert drift.stdout.startswith("--- a/main.tf\n+++ b/main.tf\n")
    assert "+  max_vcpus           = 64" in drift.stdout
    assert drift.stderr.count("\n") == 1 and drift.stderr.startswith("batchform: stack: 1 file")
