"""Run rules over configurations and turn what they report into findings."""

from __future__ import annotations

import gc
from collections.abc import Callable, Collection, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from batchform.hcl.syntax import Attribute, SourceFile
from batchform.lint.engine.configuration import SourceConfiguration
from batchform.lint.engine.modules import ModuleGraph, ModuleLoader
from batchform.lint.engine.resolver import Resolver
from batchform.lint.findings import Finding
from batchform.lint.model import Configuration
from batchform.lint.rules.rule import Rule

# The values Terraform loads by itself for a root module directory (terraform.tfvars, ...).
TfvarsLoader = Callable[[Path], dict[str, Attribute]]


def lint_modules(
    modules: dict[Path, list[SourceFile]],
    load_module: ModuleLoader,
    load_tfvars: TfvarsLoader,
    rules: Iterable[Rule],
    unparsed: Collection[Path] = (),
) -> set[Finding]:
    """Every finding of the rules in every root module among `modules` (the parsed files by
    directory); called modules outside them come from `load_module`; `unparsed` names the
    directories with a file that could not be parsed."""
    graph = ModuleGraph(modules, load_module)
    resolver = Resolver(load_module, graph)
    selected = list(rules)
    findings: set[Finding] = set()
    for root in graph.roots():
        module = resolver.root(root, load_module(root), load_tfvars(root))
        findings |= run_rules(selected, SourceConfiguration(module, graph, unparsed))
    return findings


def run_rules(rules: Iterable[Rule], configuration: Configuration) -> set[Finding]:
    """Every finding the rules report for one configuration (duplicates merged)."""
    found: set[Finding] = set()
    for rule in rules:
        for item in rule.check(configuration):
            found.add(
                Finding(
                    file=item.file,
                    line=item.line,
                    code=rule.code,
                    severity=_severity(rule, item.severity),
                    address=item.address,
                    message=item.message,
                    fix=rule.fix,
                )
            )
    return found


def _severity(rule: Rule, asked: str | None) -> str:
    if asked is None or asked == rule.severity:
        return rule.severity
    if asked not in rule.severities:
        raise ValueError(f"{rule.code} reported a {asked} finding; it declares {rule.severity}")
    return asked


@contextmanager
def few_collections() -> Iterator[None]:
    """Let the garbage collector run rarely while linting: a run allocates millions of small
    objects that live until it ends (syntax trees, views, values) and makes few cycles, and at
    the default thresholds the collector walked them over and over (half the CPU time of a
    10,000-job stack)."""
    thresholds = gc.get_threshold()
    gc.set_threshold(200_000, 20, 20)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
