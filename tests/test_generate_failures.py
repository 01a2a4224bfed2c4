"""When the stack directory fights back: read-only, full, hand edits in another encoding, a
directory where a file belongs. A clear error, exit 2 (1 for --check drift), the previous tree
back byte for byte, nothing left over."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from batchform import stackdir
from batchform.errors import StackWriteError
from batchform.generate import generate_stack
from batchform.specfile import starter_spec_text

SPEC_A = starter_spec_text()
SPEC_B = SPEC_A.replace("max_vcpus = 64", "max_vcpus = 128").replace(
    'command = ["echo", "hello world"]', 'command = ["echo", "hello again"]'
)

# Runs inside a user and mount namespace, with a small tmpfs mounted at argv[1].
DRIVER = textwrap.dedent(
    """
    import json, os, subprocess, sys
    from pathlib import Path

    root, mode, spec_a, spec_b = Path(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
    stack = root / "stack"

    def generate(*args):
        done = subprocess.run([sys.executable, "-m", "batchform", "generate", *args],
                              capture_output=True, text=True)
        return [done.returncode, done.stdout, done.stderr]

    def snapshot():
        return {p.relative_to(root).as_posix(): p.read_bytes().hex()
                for p in sorted(root.rglob("*")) if p.is_file() and p.name != "fill"}

    results = {"first": generate(spec_a, "--out", str(stack))}
    (stack / "terraform.tfvars").write_text("x = 1\\n")
    if mode == "full":
        fill = os.open(root / "fill", os.O_WRONLY | os.O_CREAT)
        try:
            while True:
                os.write(fill, bytes(4096))
        except OSError:
            os.close(fill)
        # Room for the lock file's record and one staged file, not for the rest.
        os.truncate(root / "fill", os.path.getsize(root / "fill") - 8192)
    else:
        subprocess.run(["mount", "-o", "remount,ro", str(root)], check=True)
    before = snapshot()
    results["second"] = generate(spec_b, "--out", str(stack))
    results["same"] = snapshot() == before
    results["leftovers"] = sorted(p.name for p in stack.iterdir() if p.name.startswith(".batchform")
                                  and p.name != ".batchform-manifest.json")
    results["check_a"] = generate(spec_a, "--out", str(stack), "--check")
    results["check_b"] = generate(spec_b, "--out", str(stack), "--check")
    print(json.dumps(results))
    """
)


def in_small_tmpfs(tmp_path: Path, mode: str) -> dict[str, Any]:
    """Run DRIVER against a 512 KiB tmpfs in a namespace of its own; skip where that is denied."""
    probe = subprocess.run(["unshare", "-rm", "true"], capture_output=True, check=False)
    if probe.returncode != 0:
        pytest.skip("needs unshare -rm (user and mount namespaces) to mount a small tmpfs")
    mount = tmp_path / "mnt"
    mount.mkdir()
    (tmp_path / "a.toml").write_text(SPEC_A)
    (tmp_path / "b.toml").write_text(SPEC_B)
    (tmp_path / "driver.py").write_text(DRIVER)
    script = (f"mount -t tmpfs -o size=512k tmpfs {mount} && exec {sys.executable} "
              f"{tmp_path / 'driver.py'} {mount} {mode} {tmp_path / 'a.toml'} {tmp_path / 'b.toml'}")
    done = subprocess.run(["unshare", "-rm", "sh", "-c", script], capture_output=True, text=True,
                          check=False, timeout=300)
    assert done.returncode == 0, done.stderr
    results: dict[str, Any] = json.loads(done.stdout)
    assert results["first"][0] == 0, results["first"]
    return results


def test_a_full_disk_is_a_clear_error_and_changes_nothing(tmp_path: Path) -> None:
    results = in_small_tmpfs(tmp_path, "full")
    code, stdout, stderr = results["second"]
    assert code == 2, stderr
    assert stderr.startswith("batchform: ") and "Traceback" not in stderr
    assert "No space left on device while " in stderr and "nothing was changed" in stderr
    assert stdout == ""
    assert results["same"], "the tree changed"
    assert results["leftovers"] == []
    assert results["check_a"][0] == 0, results["check_a"]


def test_a_read_only_directory_is_a_clear_error_and_check_still_works(tmp_path: Path) -> None:
    results = in_small_tmpfs(tmp_path, "readonly")
    code, stdout, stderr = results["second"]
    assert code == 2, stderr
    assert stderr.startswith("batchform: ") and "Read-only file system while" in stderr
    assert results["same"] and results["leftovers"] == []
    assert results["check_a"][0] == 0, results["check_a"]
    check_code, diff, summary = results["check_b"]
    assert check_code == 1 and "+++ b/main.tf" in diff and summary.startswith("batchform: ")


@pytest.fixture
def stack(tmp_path: Path) -> Path:
    (tmp_path / "a.toml").write_text(SPEC_A)
    (tmp_path / "b.toml").write_text(SPEC_B)
    generate_stack(tmp_path / "a.toml", tmp_path / "stack")
    return tmp_path / "stack"


def snapshot(root: Path) -> dict[str, bytes]:
    return {path.relative_to(root).as_posix(): path.read_bytes()
            for path in sorted(root.rglob("*")) if path.is_file()}


def test_a_write_failing_at_any_file_rolls_back(
    stack: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = snapshot(stack)
    real_stage = stackdir.Transaction.stage
    calls: list[str] = []

    def stage(self: stackdir.Transaction, relative: str, data: bytes) -> Path:
        calls.append(relative)
        if len(calls) == failing:
            raise OSError(28, "No space left on device")
        return real_stage(self, relative, data)

    monkeypatch.setattr(stackdir.Transaction, "stage", stage)
    failing = 0
    shutil.copytree(stack, stack.parent / "count")
    generate_stack(stack.parent / "b.toml", stack.parent / "count")
    writes = len(calls)
    assert writes >= 3
    for failing in range(1, writes + 1):
        calls.clear()
        with pytest.raises(StackWriteError, match="No space left on device while"):
            generate_stack(stack.parent / "b.toml", stack)
        assert snapshot(stack) == before, f"write {failing} of {writes}"


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "batchform", *args], capture_output=True,
                          text=True, cwd=cwd, check=False, timeout=120)


def test_check_against_an_edit_that_is_not_utf8(stack: Path) -> None:
    main = stack / "main.tf"
    main.write_bytes(main.read_bytes().replace(b"# ", b"# caf\xe9 ", 1))
    before = snapshot(stack)
    result = run("generate", "a.toml", "--out", "stack", "--check", cwd=stack.parent)
    assert result.returncode == 1, result.stderr
    assert result.stdout.startswith("--- a/main.tf\n+++ b/main.tf\n")
    assert "-# caf\ufffd " in result.stdout
    assert "edited by hand: main.tf" in result.stderr
    assert "Traceback" not in result.stderr
    generate = run("generate", "a.toml", "--out", "stack", cwd=stack.parent)
    assert generate.returncode == 3 and "main.tf" in generate.stderr
    assert snapshot(stack) == before


@pytest.mark.parametrize("check", [False, True])
def test_a_directory_where_a_file_belongs(stack: Path, check: bool) -> None:
    (stack / "outputs.tf").unlink()
    (stack / "outputs.tf").mkdir()
    (stack / "outputs.tf" / "mine.txt").write_text("mine\n")
    before = snapshot(stack)
    result = run("generate", "b.toml", "--out", "stack", *(["--check"] if check else []),
                 cwd=stack.parent)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("batchform: ")
    assert "outputs.tf: is a directory where batchform writes a file" in result.stderr
    assert snapshot(stack) == before
    assert sorted(os.listdir(stack)) == sorted(
        [".batchform-manifest.json", ".gitignore", "README.md", "main.tf", "modules",
         "outputs.tf", "variables.tf", "versions.tf"])
