"""`batchform lint` and `batchform explain` through typer and as real subprocesses."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from batchform.cli import app

LINT = Path(__file__).parent / "lint"
SEED = LINT / "seed"
runner = CliRunner()


def test_lint_seed_exits_1_with_locations() -> None:
    result = runner.invoke(app, ["lint", str(SEED), "--no-cache"])
    assert result.exit_code == 1
    for code in ("BF001", "BF011", "BF003", "BF007", "BF010"):
        assert f" {code} " in result.output
    assert "batch.tf:39: BF001 error aws_batch_compute_environment." in result.output


def test_lint_clean_exits_0() -> None:
    result = runner.invoke(
        app, ["lint", str(LINT / "clean_ec2"), str(LINT / "clean_fargate"), "--no-cache"]
    )
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith("0 errors, 0 warnings")


def test_lint_warnings_only_exit_0(tmp_path: Path) -> None:
    result = runner.invoke(app, ["lint", str(SEED), "--select", "BF003", "--no-cache"])
    assert result.exit_code == 0 and "BF003 warning" in result.output


def test_lint_json_format() -> None:
    result = runner.invoke(app, ["lint", str(SEED), "-f", "json", "--no-cache"])
    assert result.exit_code == 1
    assert {item["code"] for item in json.loads(result.output)} >= {"BF001", "BF010"}


def test_explain() -> None:
    result = runner.invoke(app, ["explain", "BF005"])
    assert result.exit_code == 0 and "ecs-telemetry" in result.output
    listing = runner.invoke(app, ["explain"])
    assert listing.exit_code == 0 and "BF019" in listing.output


def _run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, BATCHFORM_NO_CACHE="1")
    return subprocess.run(
        [sys.executable, "-m", "batchform", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=120,
        check=False,
    )


def test_subprocess_seed(tmp_path: Path) -> None:
    done = _run("lint", "seed", cwd=LINT)
    assert done.returncode == 1, done.stderr
    lines = done.stdout.splitlines()
    for code, location in [
        ("BF001", "seed/batch.tf:39"),
        ("BF011", "seed/batch.tf:47"),
        ("BF003", "seed/batch.tf:32"),
        ("BF007", "seed/network.tf:58"),
        ("BF010", "seed/batch.tf:112"),
    ]:
        assert any(line.startswith(f"{location}: {code} ") for line in lines), (code, done.stdout)


def test_subprocess_exit_codes(tmp_path: Path) -> None:
    assert _run("lint", str(LINT / "clean_ec2")).returncode == 0
    (tmp_path / "broken.tf").write_text('resource "a" "b" {\n  x = \n')
    broken = _run("lint", str(tmp_path))
    # A file that cannot be parsed is one finding (BF000), not a usage error.
    assert broken.returncode == 1
    assert "broken.tf:2:5: BF000 error: Invalid expression" in broken.stdout
    assert _run("lint", str(tmp_path / "missing")).returncode == 2
    assert _run("lint", str(SEED), "--select", "NOPE").returncode == 2
    assert _run("explain", "BF999").returncode == 2


def _loaded_after_lint(target: Path, select: str | None) -> list[str]:
    code = (
        "import sys\n"
        "from batchform.lint import lint_paths\n"
        f"lint_paths([{str(target)!r}], select={select!r})\n"
        "heavy = ('grpc', 'google.protobuf', 'botocore', 'batchform.provider')\n"
        "print(','.join(name for name in heavy if name in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    return [name for name in done.stdout.strip().split(",") if name]


def test_lint_never_loads_grpc_or_the_offline_provider() -> None:
    assert _loaded_after_lint(LINT / "clean_ec2", None) == ["botocore"]


def test_botocore_only_for_job_definitions(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text((LINT / "clean_ec2" / "network.tf").read_text())
    assert _loaded_after_lint(tmp_path, None) == []
    assert _loaded_after_lint(LINT / "clean_ec2", "BF001") == []


def test_verbose_names_the_files_passed_over(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text('resource "aws_vpc" "a" {}\n')
    os.mkfifo(tmp_path / "pipe.tf")
    quiet = subprocess.run(
        [sys.executable, "-m", "batchform", "lint", str(tmp_path), "--no-cache"],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert quiet.returncode == 0 and "pipe.tf" not in quiet.stderr
    verbose = subprocess.run(
        [sys.executable, "-m", "batchform", "lint", str(tmp_path), "--no-cache", "--verbose"],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert verbose.returncode == 0
    assert f"{tmp_path / 'pipe.tf'}: not a regular file, skipped" in verbose.stderr


def test_a_file_that_does_not_parse_keeps_json_and_sarif_valid(tmp_path: Path) -> None:
    for source in SEED.glob("*.tf"):
        (tmp_path / source.name).write_text(source.read_text())
    (tmp_path / "broken.tf").write_text("locals {\n  x = <<EOT\nnever closed\n")
    for output_format in ("json", "sarif"):
        result = runner.invoke(app, ["lint", str(tmp_path), "-f", output_format, "--no-cache"])
        assert result.exit_code == 1
        data = json.loads(result.output)
        text = json.dumps(data)
        assert "BF000" in text and "BF001" in text
    assert runner.invoke(app, ["explain", "BF000"]).exit_code == 0


def test_verbose_says_why_arguments_removed_in_provider_6_pass() -> None:
    # The fixture holds only what its base (clean_ec2) lacks: its references to the base's
    # resources are undeclared here, which BF037 would report.
    pinned = LINT / "bf100" / "pass_pinned_provider"
    quiet = runner.invoke(app, ["lint", str(pinned), "--no-cache", "--ignore", "BF037"])
    assert "selects provider" not in quiet.output
    verbose = runner.invoke(
        app, ["lint", str(pinned), "--no-cache", "--verbose", "--ignore", "BF037"]
    )
    assert verbose.exit_code == 0, verbose.output
    assert 'hashicorp/aws ">= 5.0.0, < 6.0.0" (' in verbose.output
    assert (
        "pass_pinned_provider/versions.tf:6) selects provider 5.x; the schema checked against "
        "is 6.66.0, so arguments removed after provider 5 are not reported"
    ) in verbose.output
