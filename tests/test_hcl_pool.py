"""The parse pool: workers die with their parent, even after `kill -9`."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from batchform.hcl import pool

SCRIPT = """
import os, sys, time
from batchform.hcl import pool
def hang(item):
    os.write(1, f"worker {os.getpid()}\\n".encode())  # one write: workers share the pipe
    time.sleep(120)
pool.parallel_map(hang, list(range(4)))
"""


def _children_of(pids: set[int]) -> set[int]:
    alive = set()
    for pid in pids:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            continue
        alive.add(pid)
    return alive


@pytest.mark.skipif(pool.workers() < 2 or not sys.platform.startswith("linux"),
                    reason="needs two cores and Linux")
def test_workers_exit_when_the_parent_is_killed(tmp_path: Path) -> None:
    parent = subprocess.Popen([sys.executable, "-c", SCRIPT], stdout=subprocess.PIPE, text=True)
    assert parent.stdout is not None
    workers = set()
    while len(workers) < 2:
        line = parent.stdout.readline()
        assert line, "the pool did not start"
        workers.add(int(line.split()[1]))
    parent.send_signal(signal.SIGKILL)
    parent.wait(timeout=30)
    parent.stdout.close()
    deadline = time.monotonic() + 10
    while _children_of(workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    survivors = _children_of(workers)
    for pid in survivors:
        os.kill(pid, signal.SIGKILL)
    assert not survivors, f"workers outlived their parent: {survivors}"


def test_parallel_map_keeps_the_order() -> None:
    assert pool.parallel_map(abs, [-3, 2, -1, 0]) == [3, 2, 1, 0]
