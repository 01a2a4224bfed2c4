"""The lint corpus: public AWS Batch Terraform, linted and compared with recorded judgements.

The comparison logic and the corpus files' consistency are tested always. The corpus itself
is linted only when $BATCHFORM_CORPUS_MIRRORS names a directory of clones of its repositories
(bench/lint_precision.py clone-commands); otherwise those tests skip. Then every repository
must lint without a crash, every finding must be judged, and every judgement must hold: a
judgement recorded as a known defect (a false alarm still reported, a trap still missed) is a
strict xfail, so the change that fixes it fails here by name until judgements.yaml records it.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

from batchform.lint.rules import all_rules

REPO = Path(__file__).resolve().parents[1]


def _load_harness() -> ModuleType:
    path = REPO / "bench" / "lint_precision.py"
    spec = importlib.util.spec_from_file_location("lint_precision", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["lint_precision"] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


harness = _load_harness()
REPOSITORIES = harness.load_repositories()
BY_ID = {repository.id: repository for repository in REPOSITORIES}
JUDGEMENTS = harness.load_judgements()


def judgement(**fields: Any) -> Any:
    """A Judgement with defaults for what a test does not care about."""
    values: dict[str, Any] = {
        "repo": "o__r",
        "file": "main.tf",
        "line": 1,
        "code": "BF001",
        "address": "aws_batch_compute_environment.a",
        "verdict": "true",
        "reported": True,
        "reason": "r",
        "kind": "",
    }
    values.update(fields)
    if values["verdict"] != "true" and not values["kind"]:
        values["kind"] = "k"
    return harness.Judgement(**values)


def finding(**fields: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "code": "BF001",
        "severity": "error",
        "file": "main.tf",
        "line": 1,
        "address": "aws_batch_compute_environment.a",
        "message": "m",
        "fix": "f",
    }
    values.update(fields)
    return values


def run(*findings: dict[str, Any], exit_code: int = 1, stderr: str = "") -> Any:
    return harness.LintRun("o__r", exit_code, list(findings), stderr)


# --- The corpus files hold together --------------------------------------------------------


def test_corpus_has_the_repositories_it_promises() -> None:
    assert len(REPOSITORIES) >= 15
    for repository in REPOSITORIES:
        assert repository.licence and repository.copyright, repository.id
        for path in repository.lint:
            assert path == "." or any(
                item.startswith(path.rstrip("/") + "/") for item in repository.paths
            ), (repository.id, path)


def test_every_judgement_points_into_the_corpus() -> None:
    codes = set(all_rules())
    for item in JUDGEMENTS.findings:
        assert item.repo in BY_ID, item.test_id
        assert item.file in BY_ID[item.repo].paths, item.test_id
        assert item.code is None or item.code in codes, item.test_id
    for failure in JUDGEMENTS.parse_failures:
        assert failure.file in BY_ID[failure.repo].paths, failure


def test_duplicates_name_a_true_judgement_of_their_repository() -> None:
    for item in JUDGEMENTS.findings:
        if item.verdict == "duplicate":
            targets = [
                other
                for other in JUDGEMENTS.for_repo(item.repo)
                if other.key == item.duplicate_of and other is not item
            ]
            assert [other.verdict for other in targets] == ["true"], item.test_id


def test_judgements_file_rejects_an_unknown_verdict(tmp_path: Path) -> None:
    path = tmp_path / "judgements.yaml"
    path.write_text(
        "findings:\n- {repo: o__r, file: main.tf, line: 1, code: BF001, address: a,"
        " verdict: maybe, reported: true, reason: r}\n",
        encoding="utf-8",
    )
    with pytest.raises(harness.CorpusError, match="verdict must be one of"):
        harness.load_judgements(path)


def test_fetch_list_rejects_a_short_commit_and_a_stray_var_file(tmp_path: Path) -> None:
    entry = (
        "- {id: o__r, repo: o/r, commit: %s, licence: MIT, copyright: c,"
        " paths: [main.tf], var_files: [%s]}\n"
    )
    path = tmp_path / "repositories.yaml"
    path.write_text(entry % ("abc123", "main.tf"), encoding="utf-8")
    with pytest.raises(harness.CorpusError, match="40 lower-case hex"):
        harness.load_repositories(path)
    path.write_text(entry % ("a" * 40, "dev.tfvars"), encoding="utf-8")
    with pytest.raises(harness.CorpusError, match="not among the paths"):
        harness.load_repositories(path)


# --- Pairing findings with judgements -------------------------------------------------------


def test_a_moved_and_reworded_finding_still_pairs() -> None:
    recorded = [judgement(line=13)]
    paired, rest = harness.match_findings([finding(line=20, message="new words")], recorded)
    assert paired == {0: recorded[0]} and rest == []


def test_match_tells_apart_two_findings_of_one_code_on_one_address() -> None:
    lifecycle = judgement(line=13)
    name = judgement(line=14, verdict="duplicate", match="fixed", duplicate_of="main.tf:13:BF001")
    # Both moved: only the message tells which is which.
    findings = [
        finding(line=30, message="a fixed `name`"),
        finding(line=31, message="no lifecycle"),
    ]
    paired, _ = harness.match_findings(findings, [lifecycle, name])
    assert paired == {0: name, 1: lifecycle}


def test_each_judgement_pairs_with_one_finding_at_most() -> None:
    paired, rest = harness.match_findings([finding(), finding(line=2)], [judgement()])
    assert len(paired) == 1 and len(rest) == 1


def test_a_miss_without_a_code_claims_a_new_finding_on_its_address() -> None:
    taken = judgement(code="BF012")
    miss = judgement(code=None, reported=False, kind="k")
    findings = [finding(code="BF012"), finding(code="BF999", message="new rule")]
    paired, rest = harness.match_findings(findings, [taken, miss])
    assert paired == {0: taken, 1: miss} and rest == []


# --- Comparing a run with the judgements ----------------------------------------------------


def test_compare_sorts_findings_by_verdict_and_lists_the_unjudged() -> None:
    recorded = [
        judgement(),
        judgement(code="BF100", verdict="false"),
        judgement(code="BF013", verdict="duplicate", duplicate_of="main.tf:1:BF001"),
        judgement(code="BF022", reported=False),
    ]
    result = harness.compare(
        run(finding(), finding(code="BF100"), finding(code="BF013"), finding(code="BF003")),
        recorded,
    )
    assert [item.code for item in result.true_positives] == ["BF001"]
    assert [item.code for item in result.false_positives] == ["BF100"]
    assert [item.code for item in result.duplicates] == ["BF013"]
    assert [item.code for item in result.missed] == ["BF022"]
    assert [item["code"] for item in result.unjudged] == ["BF003"]
    assert result.changed == []


def test_compare_names_every_kind_of_change() -> None:
    recorded = [
        judgement(code="BF100", verdict="false"),  # a false alarm that goes
        judgement(code="BF022", reported=False),  # a miss that is caught
        judgement(code="BF012"),  # a true finding that is lost
        judgement(code="BF007", verdict="false", reported=False),  # a false alarm that comes back
    ]
    result = harness.compare(run(finding(code="BF022"), finding(code="BF007")), recorded)
    changes = {item.code: what for item, what in result.changed}
    assert changes == {
        "BF100": "gone (was a false alarm)",
        "BF022": "caught (was missed)",
        "BF012": "lost (was reported)",
        "BF007": "came back",
    }


def test_a_true_finding_merged_into_its_duplicate_still_counts_as_reported() -> None:
    kept = judgement(code="BF010")
    double = judgement(code="BF100", verdict="duplicate", duplicate_of="main.tf:1:BF010")
    result = harness.compare(run(finding(code="BF100")), [kept, double])
    assert result.missed == []
    assert [what for _, what in result.changed] == []


def test_precision_leaves_duplicates_out_and_strict_precision_counts_them() -> None:
    result = harness.RepoResult("o__r", 1, False, False, "")
    result.true_positives = [judgement()] * 3
    result.false_positives = [judgement(verdict="false")]
    result.duplicates = [judgement(verdict="duplicate", duplicate_of="x")] * 2
    total = harness.totals([result])
    assert total.precision == 0.75
    assert total.strict_precision == 0.5


def test_a_traceback_or_exit_70_is_a_crash_and_exit_2_without_findings_an_abort() -> None:
    assert run(exit_code=70).crashed
    assert run(exit_code=1, stderr="Traceback (most recent call last):\n").crashed
    assert not run(exit_code=2).crashed and run(exit_code=2).aborted
    assert not run(finding(), exit_code=2).aborted


def test_the_report_prints_unjudged_findings_as_entries_to_paste() -> None:
    result = harness.compare(run(finding(code="BF003", message="heredoc")), [])
    text = harness.render_text([result])
    assert "not judged yet" in text
    assert "code: BF003" in text and "reason: 'TODO: heredoc'" in text


# --- Materialising from a clone -------------------------------------------------------------


def _git(directory: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(directory), *args], capture_output=True, text=True, check=True
    ).stdout.strip()


@pytest.fixture
def clone(tmp_path: Path) -> tuple[Path, str]:
    """A clone under tmp_path/mirrors/o/r holding main.tf and a link to it."""
    directory = tmp_path / "mirrors" / "o" / "r"
    (directory / "mod").mkdir(parents=True)
    _git(directory, "init", "-q")
    (directory / "mod" / "main.tf").write_text('resource "x" "y" {}\n', encoding="utf-8")
    (directory / "mod" / "link.tf").symlink_to("main.tf")
    _git(directory, "add", ".")
    _git(directory, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "c")
    return tmp_path / "mirrors", _git(directory, "rev-parse", "HEAD")


def _repository(commit: str, *paths: str) -> Any:
    return harness.Repository("o__r", "o/r", commit, "MIT", "c", paths)


def test_materialise_writes_files_unchanged_and_keeps_links(
    clone: tuple[Path, str], tmp_path: Path
) -> None:
    mirrors, commit = clone
    roots = harness.materialise_all(
        [_repository(commit, "mod/main.tf", "mod/link.tf")], mirrors, tmp_path / "out"
    )
    root = roots["o__r"]
    assert (root / "mod" / "main.tf").read_text(encoding="utf-8") == 'resource "x" "y" {}\n'
    assert (root / "mod" / "link.tf").is_symlink()
    assert os.readlink(root / "mod" / "link.tf") == "main.tf"


def test_materialise_refuses_a_missing_path_and_a_link_out_of_the_corpus(
    clone: tuple[Path, str], tmp_path: Path
) -> None:
    mirrors, commit = clone
    with pytest.raises(harness.CorpusError, match="not in o/r"):
        harness.materialise_all([_repository(commit, "mod/gone.tf")], mirrors, tmp_path / "a")
    with pytest.raises(harness.CorpusError, match="not a corpus path"):
        harness.materialise_all([_repository(commit, "mod/link.tf")], mirrors, tmp_path / "b")
    with pytest.raises(harness.CorpusError, match="no clone"):
        harness.materialise_all([_repository(commit, "mod/main.tf")], tmp_path, tmp_path / "c")


# --- The corpus itself (needs clones) -------------------------------------------------------

MIRRORS = os.environ.get(harness.MIRRORS_ENV)


class CorpusRuns:
    """Today's lint over each corpus repository, materialised and run on first use."""

    def __init__(self, mirrors: Path, target: Path) -> None:
        self.mirrors = mirrors
        self.target = target
        self.runs: dict[str, Any] = {}
        self.var_files: bool | None = None

    def get(self, repo_id: str) -> Any:
        if repo_id not in self.runs:
            repository = BY_ID[repo_id]
            mirror = harness.find_mirror(self.mirrors, repository.repo)
            if mirror is None:
                pytest.skip(f"no clone of {repository.repo} under ${harness.MIRRORS_ENV}")
            if self.var_files is None:
                self.var_files = harness.supports_var_files()
            root = harness.materialise(repository, mirror, self.target)
            self.runs[repo_id] = harness.run_lint(repository, root, var_files=self.var_files)
        return self.runs[repo_id]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> CorpusRuns:
    if not MIRRORS:
        pytest.skip(f"${harness.MIRRORS_ENV} is not set (bench/lint_precision.py clone-commands)")
    return CorpusRuns(Path(MIRRORS), tmp_path_factory.mktemp("corpus"))


def _lint_params() -> list[Any]:
    aborted = {failure.repo: failure for failure in JUDGEMENTS.parse_failures}
    params = []
    for repository in REPOSITORIES:
        marks = []
        if repository.id in aborted:
            failure = aborted[repository.id]
            marks.append(
                pytest.mark.xfail(
                    strict=True, reason=f"known parse failure: {failure.file}: {failure.message}"
                )
            )
        params.append(pytest.param(repository.id, id=repository.id, marks=marks))
    return params


@pytest.mark.parametrize("repo_id", _lint_params())
def test_repository_lints_without_crash(corpus: CorpusRuns, repo_id: str) -> None:
    result = corpus.get(repo_id)
    assert not result.crashed, f"exit {result.exit_code}\n{result.stderr}"
    assert result.exit_code in (0, 1), f"exit {result.exit_code}: {result.stderr.strip()}"


@pytest.mark.parametrize("repo_id", [pytest.param(item.id, id=item.id) for item in REPOSITORIES])
def test_every_finding_is_judged(corpus: CorpusRuns, repo_id: str) -> None:
    result = harness.compare(corpus.get(repo_id), JUDGEMENTS.for_repo(repo_id))
    drafts = [harness.draft_entry(repo_id, item) for item in result.unjudged]
    assert not drafts, "judge these and add them to tests/lint/corpus/judgements.yaml:\n" + (
        yaml.safe_dump(drafts, sort_keys=False, width=100)
    )


def _judgement_params() -> list[Any]:
    params = []
    for item in JUDGEMENTS.findings:
        marks = []
        if item.reported != item.wanted:
            what = "false alarm still reported" if item.reported else "trap still missed"
            kind = f" ({item.kind})" if item.kind else ""
            marks.append(pytest.mark.xfail(strict=True, reason=f"{what}{kind}: {item.reason}"))
        params.append(pytest.param(item, id=item.test_id, marks=marks))
    return params


@pytest.mark.parametrize("item", _judgement_params())
def test_judgement_holds(corpus: CorpusRuns, item: Any) -> None:
    recorded = JUDGEMENTS.for_repo(item.repo)
    present = harness.present_keys(corpus.get(item.repo), recorded)
    reported = harness.is_reported(item, present, recorded)
    should = "reported" if item.wanted else "not reported"
    assert reported == item.wanted, (
        f"{item.address} ({item.verdict}, {item.kind or 'no kind'}) should be {should}: "
        f"{item.reason}"
    )
