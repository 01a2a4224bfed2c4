"""The progress bar `generate` and `lint` show on a terminal while a large parse runs, and its
absence everywhere else."""

from __future__ import annotations

import io
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from batchform import progress
from batchform.hcl import pool
from batchform.progress import ParseBar, parse_progress


def test_a_small_parse_draws_nothing() -> None:
    stream = io.StringIO()
    bar = ParseBar(stream)
    bar.begin("parsing", files=3, total_size=1_000)
    bar.advance(1_000)
    bar.tick()
    bar.end()
    assert stream.getvalue() == ""


def test_a_large_parse_fills_the_bar_then_clears_its_line() -> None:
    stream = io.StringIO()
    bar = ParseBar(stream)
    bar.begin("parsing", files=progress.BAR_FILES + 1, total_size=100)
    bar.advance(50)
    bar.tick()
    bar.advance(50)
    bar.tick()
    bar.end()
    drawn = stream.getvalue().split("\r")
    assert drawn[1].startswith(f"  parsing {progress.BAR_FILES + 1} files [{'-' * 24}]   0%")
    assert f"[{'#' * 12}{'-' * 12}]  50%" in drawn[2]
    assert f"[{'#' * 24}] 100%" in drawn[-3]
    # The last redraw blanks the line and returns to its start.
    assert drawn[-2].strip() == "" and drawn[-1] == ""


class Recorder:
    """An observer that keeps what it is told."""

    def __init__(self) -> None:
        self.told: list[tuple[str, int]] = []

    def begin(self, what: str, files: int, total_size: int) -> None:
        self.told.append(("begin", total_size))

    def advance(self, size: int) -> None:
        self.told.append(("advance", size))

    def tick(self) -> None:
        pass

    def end(self) -> None:
        self.told.append(("end", 0))


@pytest.mark.parametrize("parallel", [True, False], ids=["pool", "serial"])
def test_the_pool_reports_each_item_to_the_observer_in_the_block(parallel: bool) -> None:
    recorder = Recorder()
    items = [str(index) for index in range(progress.BAR_FILES + 5)]
    with pool.observed(recorder):
        results = pool.map_parse(int, items, sizes=[2] * len(items), files=len(items),
                                 what="parsing", parallel=parallel, chunksize=16)
    assert results == list(range(len(items)))
    assert recorder.told[0] == ("begin", 2 * len(items))
    assert recorder.told[-1] == ("end", 0)
    assert sum(size for kind, size in recorder.told if kind == "advance") == 2 * len(items)
    # Outside the block nobody is told.
    assert pool._OBSERVER.get() is None


def test_the_bar_is_drawn_for_a_large_parse_in_the_pool() -> None:
    stream = io.StringIO()
    items = [str(index) for index in range(progress.BAR_FILES + 5)]
    with parse_progress(stream):
        pool.map_parse(int, items, sizes=[1] * len(items), files=len(items), what="parsing",
                       parallel=True, chunksize=16)
    assert stream.getvalue().startswith(f"\r  parsing {len(items)} files [")
    assert stream.getvalue().endswith("\r")  # cleared at the end


def test_many_chunks_cost_what_they_cost_in_the_executor() -> None:
    # Waiting on every pending future per finished chunk made 16,000 chunks take 53 s
    # against 3 s for `ProcessPoolExecutor.map`: finished chunks are now taken off a queue.
    import multiprocessing
    import time
    from concurrent.futures import ProcessPoolExecutor

    items = list(range(8_000))
    started = time.perf_counter()
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("fork")) as executor:
        list(executor.map(abs, items, chunksize=1))
    executor_seconds = time.perf_counter() - started
    started = time.perf_counter()
    assert pool.parallel_map(abs, items, chunksize=1) == items
    assert time.perf_counter() - started < 5 * executor_seconds + 1


def many_files(root: Path, count: int) -> Path:
    root.mkdir()
    for index in range(count):
        (root / f"f{index}.tf").write_text(
            f'resource "aws_s3_bucket" "b{index}" {{\n  bucket = "bucket-{index}"\n}}\n'
        )
    return root


def run_on_terminal(args: list[str], cwd: Path) -> tuple[int, str]:
    """Run the CLI with stdout and stderr on a pseudo-terminal; (exit code, what it showed)."""
    controller, terminal = pty.openpty()
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "batchform", *args], cwd=cwd, stdout=terminal,
            stderr=terminal, stdin=subprocess.DEVNULL,
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
        code = process.wait(120)
    finally:
        os.close(controller)
    return code, output.decode()


def test_lint_of_many_files_shows_a_bar_on_a_terminal(tmp_path: Path) -> None:
    tree = many_files(tmp_path / "tree", progress.BAR_FILES + 50)
    code, shown = run_on_terminal(["lint", "--no-cache", str(tree)], cwd=tmp_path)
    assert code in (0, 1), shown
    assert f"\r  parsing {progress.BAR_FILES + 50} files [" in shown
    # The bar is gone before the report: its line is blanked, then the summary follows.
    assert f"\r{' ' * 20}" in shown
    assert shown.rstrip().endswith(f"{progress.BAR_FILES + 50} files, 0 errors, 0 warnings")


def test_no_bar_when_output_is_not_a_terminal(tmp_path: Path) -> None:
    tree = many_files(tmp_path / "tree", progress.BAR_FILES + 50)
    result = subprocess.run(
        [sys.executable, "-m", "batchform", "lint", "--no-cache", str(tree)], cwd=tmp_path,
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert result.returncode in (0, 1), result.stderr
    assert "\r" not in result.stdout + result.stderr
    assert "files [" not in result.stderr


def test_generate_draws_the_bar_while_it_parses_back_a_large_stack(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from batchform.generate import generate_stack

    # The built-in default stack, with the bar's threshold below its size (a stack above the
    # real one takes thousands of job definitions to render).
    monkeypatch.setattr(progress, "BAR_SIZE", 1_000)
    stream = io.StringIO()
    with parse_progress(stream):
        generate_stack(None, tmp_path / "stack", cache_dir=None)
    shown = stream.getvalue()
    assert "\r  parsing back " in shown
    assert shown.endswith("\r")  # the bar's line is blanked at the end
