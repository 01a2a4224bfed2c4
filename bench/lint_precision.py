"""Precision of `batchform lint` on a corpus of public, hand-written AWS Batch Terraform.

The corpus is a fetch list, `tests/lint/corpus/repositories.yaml`: for each public repository
its commit, the Terraform files that hold or feed its Batch resources, its licence and
copyright line. The files themselves are not part of batchform; they are read from local git
clones (or bare copies) of those repositories, in a directory given with `--mirrors` or
`$BATCHFORM_CORPUS_MIRRORS`, holding one per repository named `owner/name`, `owner+name` or
`owner+name/repo`. `python bench/lint_precision.py clone-commands DIR` prints the git commands
that make such a directory; run them by hand (CI never fetches anything).

Every finding today's lint reported on the corpus, and every trap it missed, is judged in
`tests/lint/corpus/judgements.yaml`. A run lints every repository and compares:

    python bench/lint_precision.py [--mirrors DIR] [--only ID ...] [--json]

prints, per repository and in total, true and false positives, precision, traps still missed,
findings not judged yet (as YAML entries ready to judge and paste), and every judgement whose
state changed since it was recorded (a false positive gone, a miss now caught, a true finding
lost). `materialise DIR` writes the corpus files into DIR to read or lint them by hand.
Exit 0 when the run matches the recorded state, 1 when something changed or is unjudged,
2 for bad usage or a missing repository.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "tests" / "lint" / "corpus"
MANIFEST = CORPUS / "repositories.yaml"
JUDGEMENTS = CORPUS / "judgements.yaml"
MIRRORS_ENV = "BATCHFORM_CORPUS_MIRRORS"
VERDICTS = ("true", "false", "duplicate")
# Exit codes of `batchform lint` that are answers, not failures (70 is a batchform bug).
LINT_ANSWERS = (0, 1, 2)


class CorpusError(Exception):
    """A corpus file that is malformed, or a repository that cannot be read."""


# --- The fetch list -------------------------------------------------------------------------


@dataclass(frozen=True)
class Repository:
    """One corpus entry: where its files come from, under which licence, what to lint."""

    id: str
    repo: str
    commit: str
    licence: str
    copyright: str
    paths: tuple[str, ...]
    lint: tuple[str, ...] = (".",)
    var_files: tuple[str, ...] = ()
    notes: str = ""

    @property
    def url(self) -> str:
        return f"https://github.com/{self.repo}/tree/{self.commit}"


def load_repositories(path: Path = MANIFEST) -> list[Repository]:
    """The fetch list, checked: unique ids, a full commit, every lint path among the files."""
    entries = _load_yaml(path)
    if not isinstance(entries, list):
        raise CorpusError(f"{path}: expected a list of repositories")
    repositories: list[Repository] = []
    for number, entry in enumerate(entries, 1):
        where = f"{path}: entry {number}"
        if not isinstance(entry, dict):
            raise CorpusError(f"{where}: expected a mapping")
        try:
            repository = Repository(
                id=str(entry["id"]),
                repo=str(entry["repo"]),
                commit=str(entry["commit"]),
                licence=str(entry["licence"]),
                copyright=str(entry["copyright"]),
                paths=tuple(str(item) for item in entry["paths"]),
                lint=tuple(str(item) for item in entry.get("lint", ["."])),
                var_files=tuple(str(item) for item in entry.get("var_files", [])),
                notes=str(entry.get("notes", "")),
            )
        except KeyError as missing:
            raise CorpusError(f"{where}: missing key {missing}") from None
        _check_repository(repository, where)
        repositories.append(repository)
    ids = [repository.id for repository in repositories]
    duplicates = sorted({item for item in ids if ids.count(item) > 1})
    if duplicates:
        raise CorpusError(f"{path}: repeated ids {', '.join(duplicates)}")
    return repositories


def _check_repository(repository: Repository, where: str) -> None:
    owner, _, name = repository.repo.partition("/")
    if repository.id != f"{owner}__{name}":
        raise CorpusError(f"{where}: id {repository.id!r} should be {owner}__{name}")
    if len(repository.commit) != 40 or any(c not in "0123456789abcdef" for c in repository.commit):
        raise CorpusError(f"{where}: commit must be 40 lower-case hex digits")
    if not repository.paths:
        raise CorpusError(f"{where}: no paths")
    for item in repository.paths + repository.var_files:
        if item.startswith("/") or ".." in Path(item).parts:
            raise CorpusError(f"{where}: path {item!r} must be relative, inside the repository")
    for item in repository.var_files:
        if item not in repository.paths:
            raise CorpusError(f"{where}: var file {item!r} is not among the paths")


def _load_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise CorpusError(f"{path}: {error.strerror}") from None
    except yaml.YAMLError as error:
        raise CorpusError(f"{path}: not valid YAML: {error}") from None


# --- Materialising the files from local clones ----------------------------------------------


def find_mirror(mirrors: Path, repo: str) -> Path | None:
    """The git directory (bare or a clone) of `repo` under `mirrors`, if there is one."""
    owner, _, name = repo.partition("/")
    for candidate in (
        mirrors / owner / name,
        mirrors / f"{owner}+{name}" / "repo",
        mirrors / f"{owner}+{name}",
    ):
        if (candidate / ".git").exists() or (candidate / "HEAD").is_file():
            return candidate
    return None


def _git(mirror: Path, *args: str) -> bytes:
    process = subprocess.run(["git", "-C", str(mirror), *args], capture_output=True, check=False)
    if process.returncode != 0:
        message = process.stderr.decode("utf-8", "replace").strip()
        raise CorpusError(f"{mirror}: git {' '.join(args)}: {message}")
    return process.stdout


def materialise(repository: Repository, mirror: Path, target: Path) -> Path:
    """Write the repository's corpus files, as of its commit, under target/<id>; return it.

    Symbolic links stay links (their targets must be corpus files too), so the tree reads as it
    does in a checkout."""
    root = target / repository.id
    listing = _git(mirror, "ls-tree", "-z", repository.commit, "--", *repository.paths)
    modes: dict[str, str] = {}
    for record in listing.decode("utf-8").split("\0"):
        if record:
            meta, _, name = record.partition("\t")
            modes[name] = meta.split()[0]
    missing = [item for item in repository.paths if item not in modes]
    if missing:
        raise CorpusError(
            f"{repository.id}: not in {repository.repo} at {repository.commit[:12]}: "
            + ", ".join(missing)
        )
    for item in repository.paths:
        content = _git(mirror, "cat-file", "blob", f"{repository.commit}:{item}")
        destination = root / item
        destination.parent.mkdir(parents=True, exist_ok=True)
        if modes[item] == "120000":
            link = content.decode("utf-8")
            linked = os.path.normpath(str(Path(item).parent / link))
            if linked not in repository.paths:
                raise CorpusError(f"{repository.id}: {item} links to {linked}, not a corpus path")
            destination.symlink_to(link)
        else:
            destination.write_bytes(content)
    return root


def materialise_all(
    repositories: Iterable[Repository], mirrors: Path, target: Path
) -> dict[str, Path]:
    """Every repository's files under target; a repository without a clone is an error."""
    roots: dict[str, Path] = {}
    absent: list[str] = []
    for repository in repositories:
        mirror = find_mirror(mirrors, repository.repo)
        if mirror is None:
            absent.append(repository.repo)
            continue
        roots[repository.id] = materialise(repository, mirror, target)
    if absent:
        raise CorpusError(f"no clone under {mirrors} of: {', '.join(absent)}")
    return roots


def clone_commands(repositories: Iterable[Repository], directory: str) -> list[str]:
    """Shell commands that clone every repository under `directory` at its corpus commit."""
    lines = ["set -e"]
    for repository in repositories:
        clone = f"{directory}/{repository.repo}"
        lines.append(
            f"[ -d {clone} ] || git clone --quiet --filter=blob:none --no-checkout "
            f"https://github.com/{repository.repo}.git {clone}"
        )
        lines.append(
            f"git -C {clone} cat-file -e {repository.commit} "
            f"|| git -C {clone} fetch --quiet origin {repository.commit}"
        )
    return lines


# --- Running lint ---------------------------------------------------------------------------


@dataclass
class LintRun:
    """What `batchform lint --format json` said about one repository."""

    repo_id: str
    exit_code: int
    findings: list[dict[str, Any]]
    stderr: str

    @property
    def crashed(self) -> bool:
        """A batchform bug: exit 70, another unexpected code, or a traceback."""
        return self.exit_code not in LINT_ANSWERS or "Traceback (most recent call last)" in (
            self.stderr
        )

    @property
    def aborted(self) -> bool:
        """Exit 2 without findings: a file could not be parsed and nothing was linted."""
        return self.exit_code == 2 and not self.findings


def supports_var_files() -> bool:
    """Whether this batchform's lint takes `--var-file` (older ones do not)."""
    process = subprocess.run(
        [sys.executable, "-m", "batchform", "lint", "--help"],
        capture_output=True,
        text=True,
        check=False,
        env=_lint_env(),
    )
    return "--var-file" in process.stdout


def run_lint(repository: Repository, root: Path, *, var_files: bool = False) -> LintRun:
    """Lint the repository's lint paths from its root, so findings name files as in the repo."""
    command = [sys.executable, "-m", "batchform", "lint", "--format", "json"]
    if var_files:
        for item in repository.var_files:
            command += ["--var-file", item]
    command += list(repository.lint)
    process = subprocess.run(
        command,
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
        env=_lint_env(),
        timeout=600,
    )
    findings: list[dict[str, Any]] = []
    if process.stdout.strip():
        try:
            parsed = json.loads(process.stdout)
        except json.JSONDecodeError:
            parsed = None
        if isinstance(parsed, list):
            findings = [item for item in parsed if isinstance(item, dict)]
        elif process.returncode in (0, 1):
            raise CorpusError(f"{repository.id}: lint printed no JSON list: {process.stdout[:200]}")
    return LintRun(repository.id, process.returncode, findings, process.stderr)


def _lint_env() -> dict[str, str]:
    env = dict(os.environ)
    env["BATCHFORM_NO_CACHE"] = "1"
    return env


# --- Judgements -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Judgement:
    """A finding lint reported, or a trap it should report, and whether it is right.

    `verdict` true: the trap is real and lint should report it; false: lint should not
    (a false alarm); duplicate: a second report of a trap another finding (`duplicate_of`, a
    `file:line:code` key) already gives. `reported` is whether lint reported it when the
    judgement was recorded; a judgement whose `reported` differs from what its verdict wants is
    a known defect (a false positive still there, a miss). `code` is None for a miss that no
    rule covers yet: any new finding on the same address then counts as catching it.
    `match` (a piece of the message) tells apart findings with the same code on one address.
    """

    repo: str
    file: str
    line: int
    code: str | None
    address: str
    verdict: str
    reported: bool
    reason: str
    kind: str = ""
    match: str = ""
    duplicate_of: str = ""

    @property
    def key(self) -> str:
        """`file:line:code`, with `[match]` when the judgement has one."""
        key = f"{self.file}:{self.line}:{self.code or 'miss'}"
        return f"{key}[{self.match}]" if self.match else key

    @property
    def wanted(self) -> bool:
        """Whether lint should report this."""
        return self.verdict == "true"

    @property
    def test_id(self) -> str:
        """The key with the repository and the address: findings of two resources can share a
        line (two compute environments using one launch template)."""
        return f"{self.repo}:{self.key}@{self.address}"


@dataclass(frozen=True)
class ParseFailure:
    """A file today's lint cannot parse, and whether Terraform itself accepts it."""

    repo: str
    file: str
    message: str
    terraform_accepts: bool


@dataclass
class Judgements:
    findings: list[Judgement]
    parse_failures: list[ParseFailure]

    def for_repo(self, repo_id: str) -> list[Judgement]:
        return [item for item in self.findings if item.repo == repo_id]


def load_judgements(path: Path = JUDGEMENTS) -> Judgements:
    """The recorded judgements, checked for shape and for keys that repeat."""
    document = _load_yaml(path)
    if not isinstance(document, dict):
        raise CorpusError(f"{path}: expected a mapping with `findings` and `parse_failures`")
    findings: list[Judgement] = []
    for number, entry in enumerate(document.get("findings") or [], 1):
        where = f"{path}: findings entry {number}"
        try:
            judgement = Judgement(
                repo=str(entry["repo"]),
                file=str(entry["file"]),
                line=int(entry["line"]),
                code=None if entry["code"] is None else str(entry["code"]),
                address=str(entry["address"]),
                verdict=str(entry["verdict"]).lower(),
                reported=bool(entry["reported"]),
                reason=str(entry["reason"]),
                kind=str(entry.get("kind", "")),
                match=str(entry.get("match", "")),
                duplicate_of=str(entry.get("duplicate_of", "")),
            )
        except (KeyError, TypeError, ValueError) as error:
            raise CorpusError(f"{where}: {error!r}") from None
        if judgement.verdict not in VERDICTS:
            raise CorpusError(f"{where}: verdict must be one of {', '.join(VERDICTS)}")
        if judgement.verdict == "duplicate" and not judgement.duplicate_of:
            raise CorpusError(f"{where}: a duplicate names the finding it repeats")
        if judgement.code is None and (judgement.reported or not judgement.wanted):
            raise CorpusError(f"{where}: only an unreported true miss may have no code")
        if judgement.verdict != "true" and not judgement.kind:
            raise CorpusError(f"{where}: a false or duplicate finding names its kind")
        findings.append(judgement)
    keys = [item.test_id for item in findings]
    repeated = sorted({item for item in keys if keys.count(item) > 1})
    if repeated:
        raise CorpusError(f"{path}: judged twice: {', '.join(repeated)}")
    failures = [
        ParseFailure(
            repo=str(entry["repo"]),
            file=str(entry["file"]),
            message=str(entry["message"]),
            terraform_accepts=bool(entry["terraform_accepts"]),
        )
        for entry in document.get("parse_failures") or []
    ]
    return Judgements(findings, failures)


# --- Comparing a run with the judgements ----------------------------------------------------


def _identity(finding: dict[str, Any]) -> tuple[str, str, str]:
    return (str(finding.get("file")), str(finding.get("code")), str(finding.get("address")))


def match_findings(
    findings: Sequence[dict[str, Any]], judgements: Sequence[Judgement]
) -> tuple[dict[int, Judgement], list[dict[str, Any]]]:
    """Pair findings with judgements one to one: index of finding -> judgement, and the rest.

    A finding pairs with a judgement of the same file, code and address; among several, the
    closest wins: message holding `match` and same line, then `match`, then same line, then
    any. A rewritten message or a moved line still pairs. Misses without a code pair last,
    with any finding on their address that nothing else claimed."""
    paired: dict[int, Judgement] = {}
    free = [item for item in judgements if item.code is not None]

    def score(finding: dict[str, Any], judgement: Judgement) -> int:
        text_hit = bool(judgement.match) and judgement.match in str(finding.get("message", ""))
        line_hit = finding.get("line") == judgement.line
        return 2 * text_hit + line_hit

    for level in (3, 2, 1, 0):
        for index, finding in enumerate(findings):
            if index in paired:
                continue
            for judgement in free:
                same = (judgement.file, judgement.code, judgement.address) == _identity(finding)
                if same and score(finding, judgement) >= level:
                    paired[index] = judgement
                    free.remove(judgement)
                    break
    for judgement in (item for item in judgements if item.code is None):
        for index, finding in enumerate(findings):
            if index not in paired and (finding.get("file"), finding.get("address")) == (
                judgement.file,
                judgement.address,
            ):
                paired[index] = judgement
                break
    rest = [finding for index, finding in enumerate(findings) if index not in paired]
    return paired, rest


@dataclass
class RepoResult:
    """One repository's run against its judgements."""

    repo_id: str
    exit_code: int
    crashed: bool
    aborted: bool
    stderr: str
    true_positives: list[Judgement] = field(default_factory=list)
    false_positives: list[Judgement] = field(default_factory=list)
    duplicates: list[Judgement] = field(default_factory=list)
    missed: list[Judgement] = field(default_factory=list)
    unjudged: list[dict[str, Any]] = field(default_factory=list)
    # Judgements whose state differs from the recorded one, with what happened.
    changed: list[tuple[Judgement, str]] = field(default_factory=list)


def present_keys(run: LintRun, judgements: Sequence[Judgement]) -> set[str]:
    """The keys of the judgements this run's findings pair with."""
    paired, _ = match_findings(run.findings, judgements)
    return {judgement.key for judgement in paired.values()}


def is_reported(judgement: Judgement, present: set[str], judgements: Sequence[Judgement]) -> bool:
    """Whether the run reports this judgement's trap: its own finding, or, for a true finding,
    a duplicate of it that carries the trap once the two are merged into one report."""
    if judgement.key in present:
        return True
    if judgement.verdict != "true":
        return False
    return any(item.duplicate_of == judgement.key and item.key in present for item in judgements)


def compare(run: LintRun, judgements: Sequence[Judgement]) -> RepoResult:
    """Sort the run's findings by verdict and list every judgement whose state changed."""
    result = RepoResult(run.repo_id, run.exit_code, run.crashed, run.aborted, run.stderr)
    paired, result.unjudged = match_findings(run.findings, judgements)
    present = {judgement.key for judgement in paired.values()}
    buckets = {
        "true": result.true_positives,
        "false": result.false_positives,
        "duplicate": result.duplicates,
    }
    for judgement in paired.values():
        buckets[judgement.verdict].append(judgement)
    for judgement in judgements:
        reported = is_reported(judgement, present, judgements)
        if judgement.wanted and not reported:
            result.missed.append(judgement)
        if reported != judgement.reported:
            result.changed.append((judgement, _change(judgement, reported)))
    return result


def _change(judgement: Judgement, reported: bool) -> str:
    if judgement.wanted:
        return "caught (was missed)" if reported else "lost (was reported)"
    return "came back" if reported else "gone (was a false alarm)"


@dataclass
class Totals:
    true_positives: int = 0
    false_positives: int = 0
    duplicates: int = 0
    missed: int = 0
    unjudged: int = 0
    crashed: int = 0
    aborted: int = 0
    changed: int = 0

    @property
    def precision(self) -> float | None:
        """Findings judged true over all judged findings, duplicates left out."""
        judged = self.true_positives + self.false_positives
        return self.true_positives / judged if judged else None

    @property
    def strict_precision(self) -> float | None:
        """The same, with duplicate reports counted as false alarms."""
        judged = self.true_positives + self.false_positives + self.duplicates
        return self.true_positives / judged if judged else None


def totals(results: Iterable[RepoResult]) -> Totals:
    total = Totals()
    for result in results:
        total.true_positives += len(result.true_positives)
        total.false_positives += len(result.false_positives)
        total.duplicates += len(result.duplicates)
        total.missed += len(result.missed)
        total.unjudged += len(result.unjudged)
        total.crashed += result.crashed
        total.aborted += result.aborted
        total.changed += len(result.changed)
    return total


# --- Reporting ------------------------------------------------------------------------------


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f}%"


def _by_kind(judgements: Iterable[Judgement]) -> str:
    counts = Counter(item.kind or "unclassified" for item in judgements)
    return ", ".join(f"{kind} {count}" for kind, count in counts.most_common()) or "none"


def draft_entry(repo_id: str, finding: dict[str, Any]) -> dict[str, Any]:
    """A judgements.yaml entry for an unjudged finding, verdict left for a person to give."""
    return {
        "repo": repo_id,
        "file": finding.get("file"),
        "line": finding.get("line"),
        "code": finding.get("code"),
        "address": finding.get("address"),
        "verdict": "TODO true|false|duplicate",
        "reported": True,
        "reason": f"TODO: {finding.get('message')}",
    }


def render_text(results: Sequence[RepoResult]) -> str:
    """Per repository a line of counts and the details that need a person; then the totals."""
    width = max([len("repository")] + [len(result.repo_id) for result in results])
    lines = [
        f"{'repository':<{width}} {'exit':>4} {'true':>5} {'false':>5} {'dup':>4} "
        f"{'missed':>6} {'new':>4}"
    ]
    for result in results:
        flag = " CRASH" if result.crashed else " ABORTED (parse failure)" if result.aborted else ""
        lines.append(
            f"{result.repo_id:<{width}} {result.exit_code:>4} {len(result.true_positives):>5} "
            f"{len(result.false_positives):>5} {len(result.duplicates):>4} "
            f"{len(result.missed):>6} {len(result.unjudged):>4}{flag}"
        )
    total = totals(results)
    lines += [
        "",
        f"findings judged true: {total.true_positives}, false: {total.false_positives}, "
        f"duplicate reports: {total.duplicates}",
        f"precision: {_percent(total.precision)} "
        f"(duplicates counted as false: {_percent(total.strict_precision)})",
        f"traps missed: {total.missed}; unjudged findings: {total.unjudged}; "
        f"crashes: {total.crashed}; runs aborted by a parse failure: {total.aborted}",
        "false alarms by kind: " + _by_kind(item for r in results for item in r.false_positives),
        "traps missed by kind: " + _by_kind(item for r in results for item in r.missed),
    ]
    for result in results:
        if result.crashed or result.aborted:
            first = result.stderr.strip().splitlines()[-1:] or ["(no message)"]
            lines.append(f"\n{result.repo_id}: exit {result.exit_code}: {first[0]}")
    changed = [(result.repo_id, item, what) for result in results for item, what in result.changed]
    if changed:
        lines.append("\nchanged since recorded (set `reported` in judgements.yaml to match):")
        lines += [
            f"  {repo}:{item.key} {item.address} [{item.verdict}"
            f"{', ' + item.kind if item.kind else ''}]: {what}"
            for repo, item, what in changed
        ]
    drafts = [
        draft_entry(result.repo_id, finding) for result in results for finding in result.unjudged
    ]
    if drafts:
        lines.append("\nnot judged yet (judge, then add under `findings:` in judgements.yaml):")
        lines.append(yaml.safe_dump(drafts, sort_keys=False, width=100, allow_unicode=True))
    missed = [(result.repo_id, item) for result in results for item in result.missed]
    if missed:
        lines.append("\nstill missed:")
        lines += [
            f"  {repo}:{item.key} {item.address} ({item.kind or 'miss'}): {item.reason}"
            for repo, item in missed
        ]
    return "\n".join(lines)


def render_json(results: Sequence[RepoResult]) -> str:
    total = totals(results)
    document = {
        "totals": {
            **asdict(total),
            "precision": total.precision,
            "strict_precision": total.strict_precision,
        },
        "repositories": [
            {
                "id": result.repo_id,
                "exit_code": result.exit_code,
                "crashed": result.crashed,
                "aborted": result.aborted,
                "true_positives": [item.key for item in result.true_positives],
                "false_positives": [item.key for item in result.false_positives],
                "duplicates": [item.key for item in result.duplicates],
                "missed": [item.key for item in result.missed],
                "unjudged": result.unjudged,
                "changed": [{"key": item.key, "change": what} for item, what in result.changed],
            }
            for result in results
        ],
    }
    return json.dumps(document, indent=2)


# --- Command line ---------------------------------------------------------------------------


def measure(
    repositories: Sequence[Repository], judgements: Judgements, roots: dict[str, Path]
) -> list[RepoResult]:
    """Lint every repository and compare with its judgements."""
    var_files = supports_var_files()
    return [
        compare(
            run_lint(repository, roots[repository.id], var_files=var_files),
            judgements.for_repo(repository.id),
        )
        for repository in repositories
    ]


def _mirrors(option: str | None) -> Path:
    value = option or os.environ.get(MIRRORS_ENV)
    if not value:
        raise CorpusError(f"give --mirrors DIR or set ${MIRRORS_ENV} (see clone-commands)")
    return Path(value)


def _selected(repositories: list[Repository], only: list[str] | None) -> list[Repository]:
    if not only:
        return repositories
    known = {repository.id for repository in repositories}
    unknown = [item for item in only if item not in known]
    if unknown:
        raise CorpusError(f"unknown repository id(s): {', '.join(unknown)}")
    return [repository for repository in repositories if repository.id in only]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "command",
        nargs="?",
        default="measure",
        choices=("measure", "materialise", "clone-commands"),
    )
    parser.add_argument(
        "directory", nargs="?", help="materialise: where to write; clone-commands: where to clone"
    )
    parser.add_argument("--mirrors", help=f"directory of clones (default ${MIRRORS_ENV})")
    parser.add_argument("--only", nargs="+", metavar="ID", help="only these repositories")
    parser.add_argument("--json", action="store_true", help="print the comparison as JSON")
    options = parser.parse_args(argv)
    try:
        repositories = _selected(load_repositories(), options.only)
        if options.command == "clone-commands":
            print("\n".join(clone_commands(repositories, options.directory or "corpus-mirrors")))
            return 0
        if options.command == "materialise":
            if not options.directory:
                parser.error("materialise needs a DIRECTORY")
            materialise_all(repositories, _mirrors(options.mirrors), Path(options.directory))
            return 0
        judgements = load_judgements()
        with tempfile.TemporaryDirectory(prefix="batchform-corpus-") as scratch:
            roots = materialise_all(repositories, _mirrors(options.mirrors), Path(scratch))
            results = measure(repositories, judgements, roots)
    except CorpusError as error:
        print(f"lint_precision: {error}", file=sys.stderr)
        return 2
    print(render_json(results) if options.json else render_text(results))
    total = totals(results)
    return 1 if total.changed or total.unjudged or total.crashed else 0


if __name__ == "__main__":
    sys.exit(main())
