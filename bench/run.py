"""Benchmarks: batchform side by side with what users would run instead, in one run.

Run from the repository root after the README's install: `python bench/run.py`.
Every row is the median of several runs (min and max beside it); rows that compare two
commands run them interleaved in the same loop so the machine's state affects both alike.
Nothing here gates CI: the figures are for reading, not for asserting.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BATCHFORM = [sys.executable, "-m", "batchform"]


@dataclass
class Sample:
    """Wall seconds and peak resident memory (MiB) of one run."""

    seconds: float
    peak_mib: float


@dataclass
class Row:
    """One line of the table."""

    section: str
    name: str
    samples: list[Sample] = field(default_factory=list)
    baseline: Row | None = None
    note: str = ""

    def median(self) -> float:
        return statistics.median(sample.seconds for sample in self.samples)

    def cells(self) -> list[str]:
        seconds = [sample.seconds for sample in self.samples]
        ratio = ""
        if self.baseline is not None and self.baseline.samples:
            ratio = f"{self.median() / self.baseline.median():.2f}x"
        peak = max(sample.peak_mib for sample in self.samples)
        return [
            self.section,
            self.name,
            f"{self.median() * 1000:.0f}",
            f"{min(seconds) * 1000:.0f}",
            f"{max(seconds) * 1000:.0f}",
            f"{peak:.0f}" if peak else "",
            ratio,
            self.note,
        ]


def measure(command: Sequence[str], *, cwd: Path | None = None, env: dict[str, str] | None = None,
            check: bool = True) -> Sample:
    """Run a command once; wall time and the child's own peak RSS (from wait4)."""
    start = time.perf_counter()
    process = subprocess.Popen(
        list(command), cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    process.returncode = code
    if check and code != 0:
        stderr = process.stderr.read().decode() if process.stderr else ""
        raise SystemExit(f"benchmark command failed ({code}): {' '.join(command)}\n{stderr}")
    if process.stderr:
        process.stderr.close()
    return Sample(seconds=seconds, peak_mib=usage.ru_maxrss / 1024)


def interleave(rows: Sequence[Row], runs: Sequence[Callable[[], Sample]], repeat: int) -> None:
    """Run each row's command in turn, repeat times, so rows share the machine's state."""
    for _ in range(repeat):
        for row, run in zip(rows, runs):
            row.samples.append(run())


# --------------------------------------------------------------------------------------------
# Inputs, built here so the benchmark needs nothing but the repository
# --------------------------------------------------------------------------------------------


def scaled_spec(jobs: int) -> str:
    """A spec with `jobs` job definitions and one compute environment and queue per ten."""
    groups = max(1, jobs // 10)
    lines = ['name = "scale"', 'region = "us-east-1"']
    for index in range(groups):
        lines += ["[[compute_environments]]", f'name = "ce{index}"',
                  'instance_types = ["c6i.large", "c6i.xlarge"]']
    for index in range(groups):
        lines += ["[[job_queues]]", f'name = "q{index}"',
                  f'compute_environments = ["ce{index}"]']
    for index in range(jobs):
        lines += [
            "[[job_definitions]]",
            f'name = "job{index}"',
            'image = "public.ecr.aws/docker/library/alpine:3.20"',
            f'command = ["echo", "job {index}"]',
            "memory = 1024",
            f'environment = {{ INDEX = "{index}", STAGE = "bench" }}',
        ]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------------------------
# Sections
# --------------------------------------------------------------------------------------------


def startup(repeat: int) -> list[Row]:
    """`batchform --help` and `--version` against a bare interpreter."""
    bare = Row("startup", "python -c pass")
    rows = [bare, Row("startup", "batchform --help", baseline=bare),
            Row("startup", "batchform --version", baseline=bare)]
    commands = [[sys.executable, "-c", "pass"], [*BATCHFORM, "--help"], [*BATCHFORM, "--version"]]
    interleave(rows, [lambda c=c: measure(c) for c in commands], repeat)
    return rows


def generate(repeat: int, work: Path) -> list[Row]:
    """`batchform generate` of the default spec and of specs with 1 to 1,000 job definitions."""
    rows = [Row("generate", "default spec (startup included)")]
    runs: list[Callable[[], Sample]] = []
    out = work / "generate-default"
    runs.append(lambda: (shutil.rmtree(out, ignore_errors=True), measure(
        [*BATCHFORM, "generate", "--out", str(out)]))[1])
    smallest: Row | None = None
    for jobs in (1, 10, 100, 1000):
        spec = work / f"spec-{jobs}.toml"
        spec.write_text(scaled_spec(jobs))
        target = work / f"generate-{jobs}"
        row = Row("generate", f"{jobs} job definitions", baseline=smallest)
        smallest = smallest or row
        rows.append(row)
        runs.append(lambda spec=spec, target=target: (
            shutil.rmtree(target, ignore_errors=True),
            measure([*BATCHFORM, "generate", str(spec), "--out", str(target)]))[1])
    interleave(rows, runs, repeat)
    return rows


SECTIONS: dict[str, Callable[[int, Path], list[Row]]] = {
    "startup": lambda repeat, work: startup(repeat),
    "generate": generate,
}


def print_table(rows: Sequence[Row], repeat: int) -> None:
    header = ["section", "what", "median ms", "min ms", "max ms", "peak MiB", "vs first", "note"]
    table = [header, *(row.cells() for row in rows)]
    widths = [max(len(line[i]) for line in table) for i in range(len(header))]
    print(f"# batchform benchmarks: {repeat} runs each, {platform.machine()}, "
          f"{os.cpu_count()} cores, Python {platform.python_version()}")
    for line in table:
        print("| " + " | ".join(cell.ljust(width) for cell, width in zip(line, widths)) + " |")
        if line is header:
            print("|" + "|".join("-" * (width + 2) for width in widths) + "|")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per row (default 5)")
    parser.add_argument("--only", nargs="*", choices=sorted(SECTIONS), help="sections to run")
    args = parser.parse_args(argv)
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="batchform-bench-") as tmp:
        for name in args.only or SECTIONS:
            rows.extend(SECTIONS[name](args.repeat, Path(tmp)))
    print_table(rows, args.repeat)


if __name__ == "__main__":
    main()
