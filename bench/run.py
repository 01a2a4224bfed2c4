"""Benchmarks: batchform side by side with what users would run instead, in one run.

Run from the repository root after the README's install: `python bench/run.py`
(`--only lint test`, `--repeat N`, `--checkov PATH`; `-h` for all options).
Sections: startup, generate (1 to 1,000 job definitions, cold and warm cache), lint (against
checkov, bare parses with python-hcl2 and with the front end, and `terraform fmt`, on the golden
stacks, 200 stacks and `--real-world DIR`; cold and warm cache, the collector paused or not), scale
(lint of 1,000 and 10,000 job definitions), test (offline lifecycle step by step, with one
reattached provider process and with one per terraform command, and the provider processes each
starts; the golden lifecycle suite on one and two pytest workers).
Every row is the median of several runs (min and max beside it); rows that compare two
commands run them interleaved in the same loop so the machine's state affects both alike.
Inputs are built in a temporary directory; nothing is installed and nothing touches the
repository or the user's cache. Nothing here gates CI: the figures are for reading.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BATCHFORM = [sys.executable, "-m", "batchform"]
# Set by main() to a directory under the run's temporary directory.
PYCACHE = Path(tempfile.gettempdir()) / "batchform-bench-pycache"


@dataclass
class Sample:
    """Wall seconds, CPU seconds (user + system, children included) and peak RSS of one run."""

    seconds: float
    peak_mib: float
    cpu: float = 0.0


@dataclass
class Row:
    """One line of the table."""

    section: str
    name: str
    samples: list[Sample] = field(default_factory=list)
    baseline: Row | None = None
    note: str = ""
    # How the ratio column names the baseline; empty for the generate rows' "first row".
    versus: str = ""

    def median(self) -> float:
        return statistics.median(sample.seconds for sample in self.samples)

    def cells(self) -> list[str]:
        if not self.samples:
            return [self.section, self.name, "", "", "", "", "", "", self.note]
        seconds = [sample.seconds for sample in self.samples]
        cpu = statistics.median(sample.cpu for sample in self.samples)
        ratio = ""
        if self.baseline is not None and self.baseline.samples:
            times = self.median() / self.baseline.median()
            ratio = f"{times:.2f}x" + (f" {self.versus}" if self.versus else "")
            ratio += f" ({1 / times:.1f}x faster)" if times < 0.95 else ""
        peak = max(sample.peak_mib for sample in self.samples)
        return [
            self.section,
            self.name,
            f"{self.median() * 1000:.0f}",
            f"{min(seconds) * 1000:.0f}",
            f"{max(seconds) * 1000:.0f}",
            f"{cpu * 1000:.0f}" if cpu else "",
            f"{peak:.0f}" if peak else "",
            ratio,
            self.note,
        ]


def bench_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of every measured command: bytecode cached as a default Python does.

    `PYTHONDONTWRITEBYTECODE` would make every run compile batchform from source; the bytecode
    and batchform's own cache go under the benchmark's temporary directory, so neither the
    repository nor the user's cache is touched."""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(PYCACHE)
    # Never the user's own batchform cache: rows that use one say which (see `cached`).
    env["BATCHFORM_CACHE_DIR"] = str(PYCACHE.parent / "batchform-cache")
    env.update(extra or {})
    return env


def measure(command: Sequence[str], *, cwd: Path | None = None, env: dict[str, str] | None = None,
            check: bool = True, ok_codes: Sequence[int] = (0,),
            stdout: list[str] | None = None) -> Sample:
    """Run a command once; wall time, CPU time and peak RSS of the child (from wait4).

    CPU and peak RSS include the child's waited-for descendants (the peak is the largest single
    process, not a sum). When `stdout` is a list, the command's standard output is appended."""
    start = time.perf_counter()
    # Files, not pipes: a command that writes a lot (checkov logs) must never block on a pipe.
    with tempfile.TemporaryFile() as captured, tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(
            list(command), cwd=cwd, env=env if env is not None else bench_env(),
            stdout=captured if stdout is not None else subprocess.DEVNULL, stderr=errors,
        )
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        code = os.waitstatus_to_exitcode(status)
        process.returncode = code
        if check and code not in ok_codes:
            errors.seek(0)
            tail = errors.read()[-4000:].decode(errors="replace")
            raise SystemExit(f"benchmark command failed ({code}): {' '.join(command)}\n{tail}")
        if stdout is not None:
            captured.seek(0)
            stdout.append(captured.read().decode(errors="replace"))
    return Sample(seconds=seconds, peak_mib=usage.ru_maxrss / 1024,
                  cpu=usage.ru_utime + usage.ru_stime)


def interleave(rows: Sequence[Row], runs: Sequence[Callable[[], Sample]], repeat: int,
               *, warmup: bool = True) -> None:
    """Run each row's command in turn, repeat times, so rows share the machine's state; one
    untimed round first fills the bytecode and file-system caches."""
    if warmup:
        for run in runs:
            run()
    for _ in range(repeat):
        for row, run in zip(rows, runs, strict=False):
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


@dataclass
class Options:
    """What every section needs: run counts, the scratch directory, the tools to compare with."""

    repeat: int
    slow_repeat: int
    work: Path
    checkov: str | None
    real_world: Path | None = None
    skip_hcl2: bool = False


def startup(options: Options) -> list[Row]:
    """The installed `batchform` command against a bare interpreter: the top-level help and
    the version (answered without importing typer), and a command's help (through typer)."""
    script = Path(sys.executable).with_name("batchform")
    program = [str(script)] if script.is_file() else BATCHFORM
    bare = Row("startup", "python -c pass")
    rows = [bare]
    commands = [[sys.executable, "-c", "pass"]]
    for args in (["--help"], ["--version"], ["generate", "-h"]):
        rows.append(Row("startup", f"batchform {' '.join(args)}", baseline=bare,
                        versus="vs python", note="" if script.is_file() else "python -m"))
        commands.append([*program, *args])
    interleave(rows, [lambda c=c: measure(c) for c in commands], options.repeat)
    return rows


def cached(directory: Path, *, cold: bool) -> dict[str, str]:
    """The environment of a run whose batchform cache is `directory`, emptied first if cold."""
    if cold:
        shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True, exist_ok=True)
    return bench_env({"BATCHFORM_CACHE_DIR": str(directory)})


def generate(options: Options) -> list[Row]:
    """`batchform generate` of the default spec and of specs with 1 to 1,000 job definitions,
    with an empty cache (every file parsed back and every template compiled) and a warm one."""
    work = options.work
    rows: list[Row] = []
    runs: list[Callable[[], Sample]] = []

    def add(row: Row, spec: Path | None, cold: bool) -> None:
        target = work / f"out-{len(rows)}"
        cache = work / f"cache-{len(rows)}"
        command = [*BATCHFORM, "generate", *([str(spec)] if spec else []), "--out", str(target)]

        def run() -> Sample:
            shutil.rmtree(target, ignore_errors=True)
            return measure(command, env=cached(cache, cold=cold))

        rows.append(row)
        runs.append(run)

    cold_default = Row("generate", "default spec, cold cache", note="startup included")
    add(cold_default, None, cold=True)
    add(Row("generate", "default spec, warm cache", baseline=cold_default, versus="vs cold"),
        None, cold=False)
    smallest: Row | None = None
    for jobs in (1, 10, 100, 1000):
        spec = work / f"spec-{jobs}.toml"
        spec.write_text(scaled_spec(jobs))
        row = Row("generate", f"{jobs} job definitions, cold cache", baseline=smallest,
                  versus="vs 1 job")
        smallest = smallest or row
        add(row, spec, cold=True)
        if jobs == 1000:
            add(Row("generate", f"{jobs} job definitions, warm cache", baseline=row,
                    versus="vs cold"), spec, cold=False)
    interleave(rows, runs, options.repeat)
    return rows


def golden_tree(target: Path) -> Path:
    """The golden stacks (`tests/golden/*/expected`) copied side by side under one directory."""
    for expected in sorted((REPO / "tests" / "golden").glob("*/expected")):
        shutil.copytree(expected, target / expected.parent.name)
    return target


def stack_tree(target: Path, count: int) -> Path:
    """`count` stacks copied round-robin from the golden ones, each .tf file given a first
    comment line naming its copy, so no two files share content (the parse cache is keyed by
    content: identical copies would hit it even on a cold run)."""
    goldens = sorted((REPO / "tests" / "golden").glob("*/expected"))
    for index in range(count):
        source = goldens[index % len(goldens)]
        for path in sorted(source.rglob("*")):
            if not path.is_file():
                continue
            copy = target / f"stack{index:03d}" / path.relative_to(source)
            copy.parent.mkdir(parents=True, exist_ok=True)
            data = path.read_bytes()
            if path.suffix == ".tf":
                data = f"# copy {index} of {source.parent.name}\n".encode() + data
            copy.write_bytes(data)
    return target


def find_checkov(option: str | None) -> str | None:
    """The checkov executable: `--checkov`, else the one beside this interpreter, else PATH."""
    if option:
        return shutil.which(option) or (option if Path(option).is_file() else None)
    beside = Path(sys.executable).parent / "checkov"
    return str(beside) if beside.is_file() else shutil.which("checkov")


def checkov_env() -> dict[str, str]:
    """checkov with its update check and platform calls off; any other request it makes goes to
    a closed port on loopback instead of the network."""
    closed = "http://127.0.0.1:9"
    return bench_env({
        "CKV_SKIP_PACKAGE_UPDATE_CHECK": "true", "BC_SKIP_MAPPING": "TRUE",
        "HTTPS_PROXY": closed, "HTTP_PROXY": closed, "https_proxy": closed,
        "http_proxy": closed, "NO_PROXY": "", "no_proxy": "",
    })


# `batchform lint` with the collector left running while cached trees are decoded.
LINT_GC_ON = ("import sys\nfrom batchform.hcl import codec\ncodec.PAUSE_GC = False\n"
              "from batchform.cli import main\nsys.argv = ['batchform', *sys.argv[1:]]\nmain()")
# Lint exits 1 when it finds an error-severity trap: that is a result, not a failed run.
LINT_CODES = (0, 1)


def lint_rows(options: Options, label: str, tree: Path, repeat: int, warmup: bool) -> list[Row]:
    """checkov, bare parses (python-hcl2, the front end), `terraform fmt`, and batchform lint
    cold and warm (with and without the collector paused), on one tree; the warm cache is
    filled by one untimed run first."""
    files = sum(1 for _ in tree.rglob("*.tf"))
    section = f"lint {label}"
    checkov = Row(section, "checkov -d --framework terraform --skip-download",
                  note=f"{files} .tf files")
    parse = Row(section, "python-hcl2 loads of every .tf", baseline=checkov, versus="vs checkov",
                note="one process")
    front = Row(section, "front end parse of every .tf", baseline=checkov, versus="vs checkov",
                note="tree-sitter to syntax tree, one process")
    fmt = Row(section, "terraform fmt -check -recursive", baseline=checkov, versus="vs checkov")
    cold = Row(section, "batchform lint, cold cache", baseline=checkov, versus="vs checkov",
               note="empty BATCHFORM_CACHE_DIR")
    warm = Row(section, "batchform lint, warm cache", baseline=cold, versus="vs cold")
    warm_gc = Row(section, "batchform lint, warm, collector on", baseline=warm, versus="vs warm",
                  note="codec.PAUSE_GC = False")
    cold_cache = options.work / f"lint-cache-cold-{label}"
    warm_cache = options.work / f"lint-cache-warm-{label}"

    def lint_cold() -> Sample:
        return measure([*BATCHFORM, "lint", str(tree)], env=cached(cold_cache, cold=True),
                       ok_codes=LINT_CODES)

    def lint_warm() -> Sample:
        return measure([*BATCHFORM, "lint", str(tree)], env=cached(warm_cache, cold=False),
                       ok_codes=LINT_CODES)

    def lint_warm_gc() -> Sample:
        return measure([sys.executable, "-c", LINT_GC_ON, "lint", str(tree)],
                       env=cached(warm_cache, cold=False), ok_codes=LINT_CODES)

    terraform = shutil.which("terraform")
    lint_warm()
    parse_command = [sys.executable, str(Path(__file__).with_name("hcl2_parse.py")), str(tree)]
    front_command = [sys.executable, str(Path(__file__).with_name("frontend_parse.py")), str(tree)]
    rows = [parse, front, cold, warm, warm_gc]
    runs: list[Callable[[], Sample]] = [lambda: measure(parse_command),
                                        lambda: measure(front_command), lint_cold, lint_warm,
                                        lint_warm_gc]
    if options.skip_hcl2:
        rows, runs = rows[1:], runs[1:]
        parse.note = "left out (--skip-hcl2)"
    if terraform:
        # fmt exits 3 when a file is not formatted as it would write it: still a full read.
        rows.insert(0, fmt)
        runs.insert(0, lambda: measure([terraform, "fmt", "-check", "-recursive", str(tree)],
                                       ok_codes=(0, 3)))
    if options.checkov:
        # checkov exits 1 when a check fails; anything else is a broken run.
        checkov_command = [options.checkov, "-d", str(tree), "--framework", "terraform",
                           "--skip-download"]
        rows.insert(0, checkov)
        runs.insert(0, lambda: measure(checkov_command, env=checkov_env(), ok_codes=(0, 1)))
    else:
        checkov.note = "checkov not found: pip install checkov, or pass --checkov PATH"
    interleave(rows, runs, repeat, warmup=warmup)
    if fmt.samples and cold.samples:
        def cpu(row: Row) -> float:
            return statistics.median(sample.cpu for sample in row.samples)

        cold.note += f"; cpu {cpu(cold) / cpu(fmt):.2f}x terraform fmt's"
    listed = rows if options.checkov else [checkov, *rows]
    return listed + ([parse] if options.skip_hcl2 else [])


def lint(options: Options) -> list[Row]:
    """`batchform lint` against checkov and bare parses: the golden stacks, 200 stacks and,
    given `--real-world DIR`, a tree of public repositories."""
    goldens = golden_tree(options.work / "lint-golden")
    many = stack_tree(options.work / "lint-200", 200)
    # The golden rows' untimed round has warmed the bytecode and page caches for the big tree.
    rows = [*lint_rows(options, "golden", goldens, options.repeat, warmup=True),
            *lint_rows(options, "200 stacks", many, options.slow_repeat, warmup=False)]
    if options.real_world is None:
        rows.append(Row("lint real world", "(not run)", note="pass --real-world DIR: a tree of "
                        "public Terraform repositories, kept outside this one"))
    else:
        rows += lint_rows(options, "real world", options.real_world, options.slow_repeat,
                          warmup=True)
    return rows


def scale(options: Options) -> list[Row]:
    """`batchform lint` of generated stacks with 1,000 and 10,000 job definitions (a module call
    each): the time should grow with the configuration, 10x for 10x, not faster."""
    section = "lint scale"
    cold_rows: list[Row] = []
    warm_rows: list[Row] = []
    cold_runs: list[Callable[[], Sample]] = []
    warm_runs: list[Callable[[], Sample]] = []
    for jobs in (1000, 10000):
        spec = options.work / f"spec-scale-{jobs}.toml"
        spec.write_text(scaled_spec(jobs))
        stack = options.work / f"scale-{jobs}"
        measure([*BATCHFORM, "generate", str(spec), "--out", str(stack)])
        files = sum(1 for _ in stack.rglob("*.tf"))
        first_cold = cold_rows[0] if cold_rows else None
        first_warm = warm_rows[0] if warm_rows else None
        cold_rows.append(Row(section, f"{jobs} job definitions, cold cache", baseline=first_cold,
                             versus="vs 1,000 jobs", note=f"{files} .tf files"))
        warm_rows.append(Row(section, f"{jobs} job definitions, warm cache", baseline=first_warm,
                             versus="vs 1,000 jobs"))
        command = [*BATCHFORM, "lint", str(stack)]
        cold_cache = options.work / f"scale-cache-cold-{jobs}"
        warm_cache = options.work / f"scale-cache-warm-{jobs}"
        measure(command, env=cached(warm_cache, cold=False))
        cold_runs.append(lambda c=command, d=cold_cache: measure(c, env=cached(d, cold=True)))
        warm_runs.append(lambda c=command, d=warm_cache: measure(c, env=cached(d, cold=False)))
    interleave(warm_rows, warm_runs, options.repeat)
    interleave(cold_rows, cold_runs, options.slow_repeat, warmup=False)
    return warm_rows + cold_rows


# How terraform gets the offline provider: one process reattached by every command (what
# `batchform test` does), or one started by terraform per command (BATCHFORM_PROVIDER_REATTACH=0,
# the way before reattaching).
PROVIDER_MODES = (("reattached", {}), ("per command", {"BATCHFORM_PROVIDER_REATTACH": "0"}))


def lifecycle_rows(options: Options, label: str, stack: Path, repeat: int,
                   *, per_step: bool = True) -> list[Row]:
    """`batchform test --provider offline` with the provider reattached and started per command,
    interleaved: the whole command, provider processes started (counted through
    BATCHFORM_PROVIDER_START_LOG), and with `per_step` each step the report names."""
    wholes: dict[str, Row] = {}
    starts: dict[str, list[int]] = {}
    steps: dict[str, dict[str, Row]] = {}
    for mode, _ in PROVIDER_MODES:
        wholes[mode] = Row("test", f"{label}: lifecycle, provider {mode}",
                           note="batchform test --provider offline")
        starts[mode], steps[mode] = [], {}
    wholes["reattached"].baseline = wholes["per command"]
    wholes["reattached"].versus = "vs per command"
    kinds: dict[str, Counter[str]] = {mode: Counter() for mode, _ in PROVIDER_MODES}
    counter = iter(range(1_000_000))

    def run(mode: str, extra: dict[str, str], record: bool) -> Sample:
        log = options.work / f"starts-{label.replace(' ', '-')}-{next(counter)}.log"
        log.unlink(missing_ok=True)
        out: list[str] = []
        env = bench_env({**extra, "BATCHFORM_PROVIDER_START_LOG": str(log)})
        sample = measure([*BATCHFORM, "test", str(stack), "--provider", "offline", "--format",
                          "json"], env=env, stdout=out)
        if record:
            lines = log.read_text().splitlines() if log.exists() else []
            starts[mode].append(len(lines))
            kinds[mode].update(line.split()[1] for line in lines)
            for step in json.loads(out[0])["steps"]:
                row = steps[mode].setdefault(
                    step["name"], Row("test", f"{label}: {step['name']}, provider {mode}"))
                row.samples.append(Sample(seconds=step["seconds"], peak_mib=0.0))
        return sample

    interleave([wholes[mode] for mode, _ in PROVIDER_MODES],
               [lambda m=m, e=e: run(m, e, record=True) for m, e in PROVIDER_MODES], repeat,
               warmup=False)
    rows: list[Row] = []
    for mode, _ in PROVIDER_MODES:
        count = statistics.median(starts[mode]) if starts[mode] else 0
        started_by = ", ".join(f"{kind} {n}" for kind, n in sorted(kinds[mode].items()))
        wholes[mode].note += f"; {count:g} provider starts per lifecycle (all runs: {started_by})"
        rows.append(wholes[mode])
    if per_step:
        for mode, _ in PROVIDER_MODES:
            rows.extend(steps[mode].values())
    return rows


SUITE_TEST = "tests/test_harness.py::test_golden_stack_offline_lifecycle"


def test(options: Options) -> list[Row]:
    """Offline lifecycles of the default and a 100-job stack, step by step; the golden
    lifecycle suite on one worker and on two."""
    default = options.work / "test-default"
    measure([*BATCHFORM, "generate", "--out", str(default)])
    spec = options.work / "spec-test-100.toml"
    spec.write_text(scaled_spec(100))
    hundred = options.work / "test-100"
    measure([*BATCHFORM, "generate", str(spec), "--out", str(hundred)])
    rows = [*lifecycle_rows(options, "default stack", default, options.repeat),
            *lifecycle_rows(options, "100 jobs", hundred, options.slow_repeat, per_step=False)]
    goldens = len(list((REPO / "tests" / "golden").glob("*/expected")))
    serial = Row("test", f"pytest -n 0, {goldens} golden lifecycles", note=SUITE_TEST)
    parallel = Row("test", f"pytest -n 2, {goldens} golden lifecycles", baseline=serial,
                   versus="vs -n 0")
    commands = [[sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", workers,
                 SUITE_TEST] for workers in ("0", "2")]
    interleave([serial, parallel], [lambda c=c: measure(c, cwd=REPO) for c in commands],
               options.slow_repeat, warmup=False)
    return rows + [serial, parallel]


SECTIONS: dict[str, Callable[[Options], list[Row]]] = {
    "startup": startup,
    "generate": generate,
    "lint": lint,
    "scale": scale,
    "test": test,
}


def machine() -> str:
    """Cores, CPU model, Python and terraform versions, and the date, for the table's title."""
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    terraform = "terraform not found"
    if shutil.which("terraform"):
        version = subprocess.run(["terraform", "version", "-json"], capture_output=True,
                                 text=True, check=False)
        try:
            terraform = "terraform " + json.loads(version.stdout)["terraform_version"]
        except (ValueError, KeyError):
            terraform = "terraform (version unreadable)"
    return (f"{os.cpu_count()} cores, {model}, Python {platform.python_version()}, {terraform}, "
            f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")


def print_table(rows: Sequence[Row], options: Options) -> None:
    header = ["section", "what", "median ms", "min ms", "max ms", "cpu ms", "peak MiB", "ratio",
              "note"]
    table = [header, *(row.cells() for row in rows)]
    widths = [max(len(line[i]) for line in table) for i in range(len(header))]
    print(f"# batchform benchmarks: {machine()}")
    print(f"# {options.repeat} runs per row ({options.slow_repeat} for the 200-stack lint, the "
          "cold lint of 1,000 and 10,000 jobs, the 100-job lifecycle and the pytest suites); "
          "cpu = user + system of the command and its children")
    for line in table:
        print("| " + " | ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=False)) + " |")
        if line is header:
            print("|" + "|".join("-" * (width + 2) for width in widths) + "|")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per row (default 5)")
    parser.add_argument("--slow-repeat", type=int, default=1,
                        help="runs of the rows taking minutes: lint on 200 stacks, cold lint of "
                        "1,000 and 10,000 jobs, the 100-job lifecycle, the pytest suites "
                        "(default 1)")
    parser.add_argument("--only", nargs="*", choices=sorted(SECTIONS), help="sections to run")
    parser.add_argument("--checkov", metavar="PATH",
                        help="checkov executable (default: beside this Python, else on PATH)")
    parser.add_argument("--real-world", metavar="DIR", type=Path,
                        help="also lint this tree (e.g. public repositories fetched for it)")
    parser.add_argument("--skip-hcl2", action="store_true",
                        help="leave out the python-hcl2 parse rows (they take minutes)")
    args = parser.parse_args(argv)
    global PYCACHE
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="batchform-bench-") as tmp:
        PYCACHE = Path(tmp) / "pycache"
        options = Options(repeat=args.repeat, slow_repeat=args.slow_repeat, work=Path(tmp),
                          checkov=find_checkov(args.checkov),
                          real_world=args.real_world.resolve() if args.real_world else None,
                          skip_hcl2=args.skip_hcl2)
        for name in args.only or SECTIONS:
            section = Path(tmp) / name
            section.mkdir()
            options.work = section
            rows.extend(SECTIONS[name](options))
    print_table(rows, options)


if __name__ == "__main__":
    main()
