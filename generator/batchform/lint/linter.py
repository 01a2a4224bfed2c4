"""Run the rules over every stack found under the given paths."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from batchform.errors import UsageError
from batchform.lint.cache import ParseCache, default_cache_dir
from batchform.lint.engine.runner import few_collections, lint_modules
from batchform.lint.engine.suppression import Suppressions
from batchform.lint.findings import LintResult
from batchform.lint.loader import load_module_dir, load_tfvars, load_tree
from batchform.lint.rules import all_rules
from batchform.lint.syntax import SourceFile

_NOT_SET = object()


def parse_codes(codes: Iterable[str] | str | None) -> set[str] | None:
    """Codes from a list or a comma-separated string, checked against the registry."""
    if codes is None:
        return None
    items = [codes] if isinstance(codes, str) else list(codes)
    wanted = {part.strip().upper() for item in items for part in item.split(",") if part.strip()}
    known = all_rules()
    unknown = sorted(code for code in wanted if code not in known)
    if unknown:
        raise UsageError(
            f"unknown rule code(s): {', '.join(unknown)}; `batchform explain` lists them"
        )
    return wanted


@few_collections()
def lint_paths(
    paths: Iterable[str | Path],
    select: Iterable[str] | str | None = None,
    ignore: Iterable[str] | str | None = None,
    *,
    output_format: str = "text",
    use_cache: bool = True,
    cache_dir: Path | None | object = _NOT_SET,
    display_root: Path | None = None,
) -> LintResult:
    """Lint every .tf file under `paths`; the result carries its rendering in `output_format`.

    The parse cache is `cache_dir` when given, else the default location (see
    `default_cache_dir`); `use_cache=False` or `cache_dir=None` disables it.
    """
    from batchform.lint.report import FORMATS, render

    if output_format not in FORMATS:
        raise UsageError(f"--format {output_format!r}: expected one of {', '.join(FORMATS)}")
    path_list = [Path(path) for path in paths]
    if not path_list:
        raise UsageError("give at least one PATH to lint")
    selected = parse_codes(select)
    ignored = parse_codes(ignore) or set()
    rules = [
        rule
        for code, rule in all_rules().items()
        if (selected is None or code in selected) and code not in ignored
    ]
    directory = default_cache_dir() if cache_dir is _NOT_SET else cache_dir
    if not use_cache:
        directory = None
    cache = ParseCache(directory if isinstance(directory, Path) else None)
    tree = load_tree(path_list, cache, display_root=display_root)
    extra: dict[Path, list[SourceFile]] = {}

    def load_module(module_dir: Path) -> list[SourceFile]:
        if module_dir in tree.modules:
            return tree.modules[module_dir]
        if module_dir not in extra:
            extra[module_dir] = (
                load_module_dir(module_dir, cache, display_root) if module_dir.is_dir() else []
            )
        return extra[module_dir]

    findings = lint_modules(
        tree.modules, load_module, lambda root: load_tfvars(root, display_root), rules
    )
    sources = tree.files() + [source for files in extra.values() for source in files]
    suppressions = Suppressions(sources)
    kept = sorted(finding for finding in findings if not suppressions.covers(finding))
    result = LintResult(
        findings=kept,
        files=[source.path for source in sources],
        suppressed=len(findings) - len(kept),
        cache_hits=cache.hits,
        cache_misses=cache.misses,
    )
    result.rendered = render(result, output_format)
    return result


def explain(code: str | None = None) -> str:
    """The explanation of one rule (title, severity, why, fix); every rule listed without one."""
    if code is None:
        return rule_table()
    rules = all_rules()
    key = code.strip().upper()
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
    return "\n".join(
        f"{rule.code}  {rule.severity:<7}  {rule.title}" for rule in all_rules().values()
    )
