"""Ctrl-C, SIGTERM and SIGKILL sent to a real `batchform test` while terraform applies."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.lifecycle

# An offline AWS resource, one whose destroy takes a while, and one whose create takes a while:
# a signal sent a second into apply finds terraform in the middle of creating `slow_create`.
SLOW_STACK = """\
terraform {
  required_providers {
    aws = {
      source = "hashicorp/aws"
    }
  }
}

provider "aws" {
  region = "eu-west-1"
}

resource "aws_iam_role" "this" {
  name = "interrupted"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Action = "sts:AssumeRole", Effect = "Allow", Principal = { Service = "batch.amazonaws.com" } }]
  })
}

resource "terraform_data" "slow_destroy" {
  input = aws_iam_role.this.arn
  provisioner "local-exec" {
    when    = destroy
    command = "sleep 3"
  }
}

resource "terraform_data" "slow_create" {
  input = terraform_data.slow_destroy.output
  provisioner "local-exec" {
    command = "sleep 4"
  }
}
"""


class Run:
    """A `batchform test` subprocess whose stdout lines are collected as they arrive."""

    def __init__(self, stack: Path, tmpdir: Path, starts: Path) -> None:
        env = dict(os.environ, TMPDIR=str(tmpdir), BATCHFORM_PROVIDER_START_LOG=str(starts))
        self.process = subprocess.Popen(
            [sys.executable, "-m", "batchform", "test", str(stack)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, text: str, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while not any(text in line for line in self.lines):
            assert time.monotonic() < deadline, f"no {text!r} in {self.lines}"
            assert self.process.poll() is None, f"exited before {text!r}: {self.lines}"
            time.sleep(0.05)

    def finish(self, timeout: float = 90.0) -> tuple[int, str, str]:
        assert self.process.stderr is not None and self.process.stdout is not None
        with self.process.stderr:
            stderr = self.process.stderr.read()
        code = self.process.wait(timeout)
        self._reader.join(10)
        self.process.stdout.close()
        return code, "\n".join(self.lines), stderr


@pytest.fixture
def slow(tmp_path: Path) -> Iterator[tuple[Path, Path, Path]]:
    """The slow stack, a TMPDIR of its own for batchform, and the provider start log."""
    stack = tmp_path / "stack"
    stack.mkdir()
    (stack / "main.tf").write_text(SLOW_STACK)
    subprocess.run(["terraform", "fmt", str(stack)], check=True, capture_output=True)
    tmpdir = tmp_path / "t"
    tmpdir.mkdir()
    yield stack, tmpdir, tmp_path / "starts.log"
    # Whatever a failing test left behind: stop it by process id.
    for pid in processes_in(tmpdir):
        os.kill(pid, signal.SIGKILL)


def processes_in(root: Path) -> list[int]:
    """Processes whose working directory lies under `root`: terraform, its plugins and
    provisioners (all run in the working copy), and the reattached provider."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cwd = os.readlink(entry / "cwd")
        except OSError:
            continue
        if cwd == str(root) or cwd.startswith(f"{root}/"):
            found.append(int(entry.name))
    return found


def gone(pid: int) -> bool:
    try:
        return "\nState:\tZ" in Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return True


def provider_pids(starts: Path) -> list[int]:
    return [int(line.split()[0]) for line in starts.read_text().splitlines()]


def interrupt_during_apply(run: Run, sig: int) -> None:
    run.wait_for("  apply        started")
    time.sleep(1.0)  # the role is created, slow_create is provisioning
    run.process.send_signal(sig)


@pytest.mark.parametrize(("sig", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_interrupt_during_apply_stops_terraform_then_destroys(
    slow: tuple[Path, Path, Path], sig: int, code: int
) -> None:
    stack, tmpdir, starts = slow
    run = Run(stack, tmpdir, starts)
    interrupt_during_apply(run, sig)
    returncode, stdout, stderr = run.finish()
    name = signal.Signals(sig).name
    assert returncode == code, stdout + stderr
    assert f"{name} during apply: asking terraform to stop; it keeps its state" in stderr
    assert "  apply        interrupted" in stdout
    assert "terraform stopped; destroying what the run created" in stdout
    assert "  destroy      passed" in stdout
    assert f"interrupted ({name}) at apply" in stdout
    assert f"batchform: {stack}: interrupted by {name}" in stderr
    assert "Traceback" not in stderr
    # One provider process, stopped; no terraform, plugin or provisioner left; no temp dir.
    assert len(provider_pids(starts)) == 1
    assert all(gone(pid) for pid in provider_pids(starts))
    assert processes_in(tmpdir) == []
    assert os.listdir(tmpdir) == []


def test_second_interrupt_skips_destroy_and_prints_the_command_that_does_it(
    slow: tuple[Path, Path, Path],
) -> None:
    stack, tmpdir, starts = slow
    run = Run(stack, tmpdir, starts)
    interrupt_during_apply(run, signal.SIGINT)
    run.wait_for("  destroy      started")
    time.sleep(1.0)  # slow_destroy is provisioning its destroy
    run.process.send_signal(signal.SIGINT)
    returncode, stdout, stderr = run.finish()
    assert returncode == 130, stdout + stderr
    assert "second SIGINT: destroy skipped (or stopped)" in stderr
    assert "  destroy      interrupted" in stdout
    kept = Path(stdout.split("working copy and state kept in ", 1)[1].split("\n", 1)[0])
    command = stdout.split("destroy what it holds with: ", 1)[1].split("\n", 1)[0]
    try:
        assert kept.parent == tmpdir
        assert all(gone(pid) for pid in provider_pids(starts))
        assert processes_in(tmpdir) == []
        state = (kept / "stack" / "terraform.tfstate").read_text()
        assert '"type": "aws_iam_role"' in state
        # The kept copy does not need batchform running: terraform starts the provider itself.
        done = subprocess.run(
            ["sh", "-c", command], capture_output=True, text=True, timeout=120, check=False
        )
        assert done.returncode == 0, done.stdout + done.stderr
        assert "Destroy complete!" in done.stdout
        assert '"resources": []' in (kept / "stack" / "terraform.tfstate").read_text()
    finally:
        shutil.rmtree(kept, ignore_errors=True)
    assert processes_in(tmpdir) == []


def test_sigkill_of_batchform_ends_the_provider_process(slow: tuple[Path, Path, Path]) -> None:
    stack, tmpdir, starts = slow
    run = Run(stack, tmpdir, starts)
    interrupt_during_apply(run, signal.SIGKILL)
    run.finish()
    (pid,) = provider_pids(starts)
    deadline = time.monotonic() + 5
    while not gone(pid):
        assert time.monotonic() < deadline, "the provider outlived batchform"
        time.sleep(0.05)
