"""One generate at a time per directory: real processes racing for one --out, and a run killed
with SIGKILL at random points that the next run finishes."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from batchform.generate import generate_stack
from batchform.specfile import starter_spec_text

SPEC_A = starter_spec_text()
SPEC_B = SPEC_A.replace("max_vcpus = 64", "max_vcpus = 128").replace(
    'command = ["echo", "hello world"]', 'command = ["echo", "hello again"]'
).replace("log_retention_days = 30", "log_retention_days = 60")
USER_FILES = {
    ".batchform-notes": b"mine\n",
    "terraform.tfvars": b"x = 1\n",
    "main_override.tf": b"# mine\n",
    "modules/network/.batchform-keep": b"keep\n",
}
HOLDER = """
import sys, time
from pathlib import Path
from batchform.stackdir import locked

with locked(Path(sys.argv[1])) as lock:
    lock.record()
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def generate_command(spec: Path, out: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "batchform", "generate", str(spec), "--out", str(out), *extra]


def snapshot(root: Path) -> dict[str, bytes]:
    return {path.relative_to(root).as_posix(): path.read_bytes()
            for path in sorted(root.rglob("*")) if path.is_file()}


@pytest.fixture
def specs(tmp_path: Path) -> dict[str, Path]:
    paths = {"a": tmp_path / "a.toml", "b": tmp_path / "b.toml"}
    paths["a"].write_text(SPEC_A)
    paths["b"].write_text(SPEC_B)
    return paths


@pytest.fixture
def expected(tmp_path: Path, specs: dict[str, Path]) -> dict[str, dict[str, bytes]]:
    """The tree a clean generate of each spec writes, with the user's files added."""
    trees = {}
    for name, spec in specs.items():
        generate_stack(spec, tmp_path / f"clean-{name}")
        trees[name] = {**snapshot(tmp_path / f"clean-{name}"), **USER_FILES}
    return trees


def add_user_files(stack: Path) -> None:
    for name, data in USER_FILES.items():
        (stack / name).parent.mkdir(parents=True, exist_ok=True)
        (stack / name).write_bytes(data)


@contextmanager
def lock_held(stack: Path, seconds: float) -> Iterator[subprocess.Popen[str]]:
    """Another process holding the stack's lock, as a running generate would."""
    with subprocess.Popen([sys.executable, "-c", HOLDER, str(stack), str(seconds)],
                          stdout=subprocess.PIPE, text=True) as holder:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        try:
            yield holder
        finally:
            holder.kill()


def test_a_run_waits_for_the_lock_then_finishes(
    tmp_path: Path, specs: dict[str, Path]
) -> None:
    stack = tmp_path / "stack"
    with lock_held(stack, 1.5) as holder:
        start = time.monotonic()
        result = subprocess.run(generate_command(specs["a"], stack), capture_output=True,
                                text=True, check=False, timeout=120)
        assert result.returncode == 0, result.stderr
        assert holder.wait(timeout=30) == 0
        assert time.monotonic() - start > 1.0
    assert not (stack / ".batchform.lock").exists()


@pytest.mark.parametrize("check", [False, True])
def test_a_run_that_cannot_get_the_lock_says_who_holds_it(
    tmp_path: Path, specs: dict[str, Path], check: bool
) -> None:
    stack = tmp_path / "stack"
    generate_stack(specs["a"], stack)
    before = snapshot(stack)
    with lock_held(stack, 60) as holder:
        start = time.monotonic()
        result = subprocess.run(
            generate_command(specs["b"], stack, *(["--check"] if check else [])),
            capture_output=True, text=True, check=False, timeout=120,
        )
        waited = time.monotonic() - start
    assert result.returncode == 2, result.stderr
    assert result.stderr == (f"batchform: {stack}: locked by another batchform run (pid "
                             f"{holder.pid}); waited 5 s for it to finish. Run again when it "
                             "has.\n")
    assert result.stdout == ""
    assert 4.5 < waited < 60
    assert {path: data for path, data in snapshot(stack).items()
            if path != ".batchform.lock"} == before


def test_twenty_pairs_into_one_out(
    tmp_path: Path, specs: dict[str, Path], expected: dict[str, dict[str, bytes]]
) -> None:
    stack = tmp_path / "stack"
    outcomes = []
    for pair in range(20):
        if pair == 1:
            add_user_files(stack)  # from then on, the user's files must survive every race
        first, second = ("a", "b") if pair % 2 else ("b", "a")
        processes = {name: subprocess.Popen(generate_command(specs[name], stack),
                                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                            text=True)
                     for name in (first, second)}
        results = {}
        for name, process in processes.items():
            stdout, stderr = process.communicate(timeout=120)
            results[name] = (process.returncode, stdout, stderr)
        succeeded = [name for name, (code, _, _) in results.items() if code == 0]
        for name, (code, _, stderr) in results.items():
            assert code == 0 or "locked by another batchform run (pid " in stderr, (name, stderr)
            assert "Traceback" not in stderr
        assert succeeded, results
        tree = snapshot(stack)
        if pair == 0:
            tree.update(USER_FILES)
        assert tree in [expected[name] for name in succeeded], f"pair {pair}: inconsistent"
        outcomes.append(len(succeeded))
    assert len(outcomes) == 20


def test_sigkill_at_random_points_then_a_rerun_finishes(
    tmp_path: Path, specs: dict[str, Path], expected: dict[str, dict[str, bytes]]
) -> None:
    """Twenty real `batchform generate` processes killed with SIGKILL: half at a random time
    over the whole run, half at a random moment after they took the lock (where the writes
    are). After each kill, a rerun finishes with the user's files intact and the tree equal
    to a clean generate."""
    stack = tmp_path / "stack"
    generate_stack(specs["a"], stack)
    add_user_files(stack)
    # The spec in --out, under a name batchform's staged files once had.
    inside = stack / ".batchform-spec.toml"
    inside.write_text(SPEC_B)
    expected_inside = {**expected["b"], ".batchform-spec.toml": SPEC_B.encode()}
    expected_a = {**expected["a"], ".batchform-spec.toml": SPEC_B.encode()}
    started = time.monotonic()
    subprocess.run(generate_command(specs["b"], tmp_path / "timing"), check=True,
                   capture_output=True)
    duration = time.monotonic() - started
    chance = random.Random(os.environ.get("PYTEST_XDIST_WORKER", "") + str(time.time_ns()))
    kills = 0
    for attempt in range(20):
        spec = inside if attempt % 2 == 0 else specs["a"]
        process = subprocess.Popen(generate_command(spec, stack), stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        if attempt % 4 < 2:
            time.sleep(chance.uniform(0, duration))
        else:
            deadline = time.monotonic() + 60
            while not (stack / ".batchform.lock").exists() and process.poll() is None:
                assert time.monotonic() < deadline
                time.sleep(0.001)
            time.sleep(chance.uniform(0, 0.03))
        process.send_signal(signal.SIGKILL)
        if process.wait() == -signal.SIGKILL:
            kills += 1
        generate_stack(spec, stack)
        want = expected_inside if spec == inside else expected_a
        assert snapshot(stack) == want, f"attempt {attempt}: the rerun did not finish the tree"
    assert kills >= 10, f"only {kills} of 20 runs were killed before they finished"
