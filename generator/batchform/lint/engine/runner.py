"""Run rules over configurations and turn what they report into findings."""

from __future__ import annotations

import gc
from collections.abc import Callable, Collection, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from batchform.hcl.syntax import Attribute, SourceFile
from batchform.lint.engine.configuration import SourceConfiguration
from batchform.lint.engine.modules import ModuleGraph, ModuleLoader
from batchform.lint.engine.resolver import Resolver
from batchform.lint.findings import Finding
from batchform.lint.model import Configuration
from batchform.lint.rules.rule import Rule


@dataclass
class RootInputs:
    """What a root module takes from outside its .tf files: variable values (tfvars files and
    -var, in Terraform's order, later ones winning) and its parsed .terraform.lock.hcl."""

    tfvars: dict[str, Attribute] = field(default_factory=dict)
    lock: SourceFile | None = None


@dataclass
class ModulesLinted:
    """The findings of every root module, and notes on how they were judged (for --verbose)."""

    findings: set[Finding] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)


def lint_modules(
    modules: dict[Path, list[SourceFile]],
    load_module: ModuleLoader,
    load_inputs: Callable[[Path], RootInputs],
    rules: Iterable[Rule],
    unparsed: Collection[Path] = (),
    display: Callable[[Path], str] = str,
) -> ModulesLinted:
    """Every finding of the rules in every root module among `modules` (the parsed files by
    directory); called modules outside them come from `load_module`; `unparsed` names the
    directories with a file that could not be parsed."""
    graph = ModuleGraph(modules, load_module)
    resolver = Resolver(load_module, graph)
    selected = list(rules)
    result = ModulesLinted()
    for root in graph.roots():
        inputs = load_inputs(root)
        module = resolver.root(root, load_module(root), inputs.tfvars, lock=inputs.lock)
        configuration = SourceConfiguration(module, graph, unparsed)
        result.findings |= run_rules(selected, configuration)
        result.notes += provider_notes(display(root), configuration)
    return result


def provider_notes(where: str, configuration: Configuration) -> list[str]:
    """Why arguments removed in a provider major were not reported, when the configuration
    selects an older major than the schema's."""
    from batchform.schema import load_provider_schema

    versions = configuration.aws_provider
    newest = versions.newest_major()
    if newest is None:
        return []
    schema_version = load_provider_schema().version
    if newest >= int(schema_version.split(".")[0]):
        return []
    return [
        f"{where}: hashicorp/aws {versions.describe()} selects provider {newest}.x; the schema "
        f"checked against is {schema_version}, so arguments removed after provider {newest} "
        "are not reported"
    ]


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
