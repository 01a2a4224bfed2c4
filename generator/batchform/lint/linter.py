"""Run the rules over every stack found under the given paths."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path

from batchform.cache import Cache
from batchform.errors import HclParseError, UsageError
from batchform.hcl.codec import trees_frozen
from batchform.hcl.loader import LoadedTree, Loader
from batchform.hcl.syntax import SourceFile
from batchform.lint.engine.runner import (
    RootInputs,
    few_collections,
    lint_modules,
    provider_notes,
    run_rules,
)
from batchform.lint.engine.suppression import Suppressions
from batchform.lint.findings import (
    PARSE_ERROR,
    PARSE_ERROR_EXPLANATION,
    PARSE_ERROR_FIX,
    PARSE_ERROR_TITLE,
    Finding,
    LintResult,
)
from batchform.lint.rules import Rule, all_rules
from batchform.lint.variables import Given, check_given, root_values


def parse_codes(codes: Iterable[str] | str | None) -> set[str] | None:
    """Codes from a list or a comma-separated string, checked against the registry."""
    if codes is None:
        return None
    items = [codes] if isinstance(codes, str) else list(codes)
    wanted = {part.strip().upper() for item in items for part in item.split(",") if part.strip()}
    known = {*all_rules(), PARSE_ERROR}
    unknown = sorted(code for code in wanted if code not in known)
    if unknown:
        raise UsageError(
            f"unknown rule code(s): {', '.join(unknown)}; `batchform explain` lists them"
        )
    return wanted


def lint_paths(
    paths: Iterable[str | Path],
    select: Iterable[str] | str | None = None,
    ignore: Iterable[str] | str | None = None,
    *,
    cache: Cache | None = None,
    display_root: Path | None = None,
    variables: Sequence[Given] = (),
) -> LintResult:
    """Lint every .tf file under `paths` (parse trees through `cache` when given, see
    `batchform.cache.open_cache`); file names are shown relative to `display_root`.
    `variables` (`VarFile`, `VarValue`) are given to every root module after the tfvars files
    Terraform loads by itself, in order, as `-var-file` and `-var` are."""
    path_list = [Path(path) for path in paths]
    if not path_list:
        raise UsageError("give at least one PATH to lint, or --plan PLAN_JSON")
    given = check_given(variables)
    loader = Loader(cache, display_root)
    return _lint(lambda: loader.tree(path_list), loader, select, ignore, given)


def lint_files(
    files: Mapping[str, str],
    select: Iterable[str] | str | None = None,
    ignore: Iterable[str] | str | None = None,
    *,
    root: Path,
    cache: Cache | None = None,
) -> LintResult:
    """Lint files held in memory, {path relative to `root`: text}, as if written under `root`
    (the generator reads what it is about to write); local modules not among them are read
    from disk."""
    loader = Loader(cache, root)
    return _lint(lambda: loader.memory_tree(root, files), loader, select, ignore, [])


def lint_plan(
    plan: str | Path,
    select: Iterable[str] | str | None = None,
    ignore: Iterable[str] | str | None = None,
) -> LintResult:
    """Lint the JSON of a saved plan (`terraform show -json PLANFILE`): the same rules on the
    values Terraform planned, through every module, registry ones included. A plan names no
    file or line: findings name the module's source path (`.` for the root) and line 0."""
    from batchform.lint.plan import read_plan

    selected = parse_codes(select)
    ignored = parse_codes(ignore) or set()
    rules = _chosen_rules(selected, ignored)
    path = Path(plan)
    configuration = read_plan(path, str(plan))
    findings = run_rules(rules, configuration)
    notes = provider_notes(str(plan), configuration)
    return LintResult(findings=sorted(findings), files=[str(plan)], notes=notes)


def _chosen_rules(selected: set[str] | None, ignored: set[str]) -> list[Rule]:
    """The rules `--select` keeps (all when None) less those `--ignore` names."""
    return [
        rule
        for code, rule in all_rules().items()
        if (selected is None or code in selected) and code not in ignored
    ]


def _lint(
    load: Callable[[], LoadedTree],
    loader: Loader,
    select: Iterable[str] | str | None,
    ignore: Iterable[str] | str | None,
    given: Sequence[Given],
) -> LintResult:
    selected = parse_codes(select)
    ignored = parse_codes(ignore) or set()
    rules = _chosen_rules(selected, ignored)
    with few_collections(), trees_frozen(load) as tree:
        return _check(tree, loader, rules, selected, ignored, given)


def _check(
    tree: LoadedTree,
    loader: Loader,
    rules: list[Rule],
    selected: set[str] | None,
    ignored: set[str],
    given: Sequence[Given],
) -> LintResult:
    extra: dict[Path, list[SourceFile]] = {}

    def load_module(module_dir: Path) -> list[SourceFile]:
        if module_dir in tree.modules:
            return tree.modules[module_dir]
        if module_dir not in extra:
            extra[module_dir] = loader.module_dir(module_dir)
        return extra[module_dir]

    def load_inputs(root: Path) -> RootInputs:
        values = root_values(root, load_module(root), given, loader.tfvars_file)
        return RootInputs(values, loader.lock_file(root))

    linted = lint_modules(
        tree.modules,
        load_module,
        load_inputs,
        rules,
        loader.unparsed,
        lambda root: loader.display(root) or ".",
    )
    findings = linted.findings
    sources = tree.files() + [source for files in extra.values() for source in files]
    suppressions = Suppressions(sources)
    kept = sorted(finding for finding in findings if not suppressions.covers(finding))
    suppressed = len(findings) - len(kept)
    if (selected is None or PARSE_ERROR in selected) and PARSE_ERROR not in ignored:
        kept = sorted(kept + [_parse_finding(error) for error in loader.errors.values()])
    return LintResult(
        findings=kept,
        files=sorted({source.path for source in sources} | set(loader.errors)),
        suppressed=suppressed,
        cache_hits=loader.cache_hits,
        cache_misses=loader.cache_misses,
        skipped=list(loader.notes),
        notes=linted.notes,
        unreadable=list(loader.unreadable),
    )


def _parse_finding(error: HclParseError) -> Finding:
    return Finding(
        file=error.path,
        line=error.line or 1,
        code=PARSE_ERROR,
        severity="error",
        address=error.path,
        message=error.detail,
        fix=PARSE_ERROR_FIX,
        column=error.column or 0,
    )


def explain(code: str | None = None) -> str:
    """The explanation of one rule (title, severity, why, fix); every rule listed without one."""
    if code is None:
        return rule_table()
    rules = all_rules()
    key = code.strip().upper()
    if key == PARSE_ERROR:
        return (f"{PARSE_ERROR} (error): {PARSE_ERROR_TITLE}\n\n{PARSE_ERROR_EXPLANATION}\n\n"
                f"Fix: {PARSE_ERROR_FIX}")
    if key not in rules:
        raise UsageError(f"unknown rule code {code!r}; known: {', '.join(rules)}")
    rule = rules[key]
    return (
        f"{rule.code} ({rule.severity}): {rule.title}\n\n{rule.explanation}\n\n"
        f"Fix: {rule.fix}\n\nSuppress one occurrence with a comment on or above the block:\n"
        f"  # batchform:ignore {rule.code} <reason>"
    )


def rule_table() -> str:
    """One line per rule: code, severity, title."""
    lines = [f"{PARSE_ERROR}  {'error':<7}  {PARSE_ERROR_TITLE}"]
    lines += [f"{rule.code}  {rule.severity:<7}  {rule.title}" for rule in all_rules().values()]
    return "\n".join(lines)
