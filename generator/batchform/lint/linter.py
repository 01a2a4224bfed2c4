"""Run the rules over every stack found under the given paths."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from batchform.errors import UsageError
from batchform.lint.cache import ParseCache, default_cache_dir
from batchform.lint.engine.resolver import Resolver, Stack
from batchform.lint.engine.suppression import Suppressions
from batchform.lint.findings import Finding, LintResult
from batchform.lint.loader import LoadedTree, load_module_dir, load_tfvars, load_tree
from batchform.lint.rules import Rule, all_rules
from batchform.lint.syntax import Attribute, Literal, SourceFile, Template

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

    resolver = Resolver(load_module)
    findings: set[Finding] = set()
    for root in _roots(tree):
        tfvars = load_tfvars(root, display_root)
        stack = Stack(resolver.root(root, tree.modules[root], tfvars))
        findings |= _run(rules, stack)
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


def _run(rules: list[Rule], stack: Stack) -> set[Finding]:
    found: set[Finding] = set()
    for rule in rules:
        for item in rule.check(stack):
            found.add(
                Finding(
                    file=item.file,
                    line=item.line,
                    code=rule.code,
                    severity=rule.severity,
                    address=item.address,
                    message=item.message,
                    fix=rule.fix,
                )
            )
    return found


def _roots(tree: LoadedTree) -> list[Path]:
    """Module directories no other loaded module calls through a local `source`."""
    called: set[Path] = set()
    for directory, sources in tree.modules.items():
        for source in sources:
            for block in source.blocks:
                if block.type != "module":
                    continue
                text = _literal_text(block.attributes.get("source"))
                if text is not None and text.startswith(("./", "../")):
                    called.add((directory / text).resolve())
    return [directory for directory in sorted(tree.modules) if directory not in called]


def _literal_text(attribute: Attribute | None) -> str | None:
    """The text of a plain string attribute (`source = "./modules/x"`), else None."""
    expr = attribute.expr if attribute is not None else None
    if isinstance(expr, Template) and len(expr.parts) == 1 and isinstance(expr.parts[0], str):
        return expr.parts[0]
    if isinstance(expr, Literal) and isinstance(expr.value, str):
        return expr.value
    return None


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
