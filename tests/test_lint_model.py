"""The resource model: rules read it and nothing else, so another source can feed them."""

from __future__ import annotations

import ast
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import pytest

from batchform.lint.engine.runner import run_rules
from batchform.lint.model import (
    Argument,
    Input,
    Lifecycle,
    ModuleCycle,
    UndeclaredReference,
    WrittenBlock,
)
from batchform.lint.model.values import AttrRef
from batchform.lint.model.versions import ProviderVersions
from batchform.lint.rules import all_rules

PACKAGE = Path(__file__).resolve().parents[1] / "generator" / "batchform" / "lint"
# What reads Terraform source, and the engine that evaluates it: no rule may depend on them.
SOURCE_SIDE = (
    "batchform.lint.engine",
    "batchform.hcl.loader",
    "batchform.hcl.parser",
    "batchform.lint.cache",
    "batchform.lint.linter",
)
T = TypeVar("T")


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            found |= {node.module} | {f"{node.module}.{alias.name}" for alias in node.names}
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
    return found


RULE_SIDE = sorted([*(PACKAGE / "rules").glob("*.py"), *(PACKAGE / "knowledge").glob("*.py")])


@pytest.mark.parametrize("path", RULE_SIDE, ids=lambda path: f"{path.parent.name}/{path.name}")
def test_rules_and_knowledge_import_nothing_from_the_source_side(path: Path) -> None:
    wrong = sorted(name for name in _imports(path) if name.startswith(SOURCE_SIDE))
    assert wrong == []


# -- a configuration that does not come from .tf files -------------------------------------


@dataclass(eq=False)
class Block:
    """A block of an adapter's own: values as plain data, as a plan's planned_values gives them."""

    file: str
    line: int
    values: dict[str, Any] = field(default_factory=dict)
    children: dict[str, list[Block]] = field(default_factory=dict)

    def has(self, name: str) -> bool:
        return name in self.values

    def get(self, name: str, default: Any = None) -> Any:
        return self.values.get(name, default)

    def line_of(self, name: str) -> int:
        return self.line

    def nested(self, block_type: str) -> tuple[list[Block], bool]:
        return self.children.get(block_type, []), True

    def first(self, block_type: str) -> Block | None:
        return next(iter(self.children.get(block_type, [])), None)

    def arguments(self) -> list[Argument]:
        return [Argument(name, self.line) for name in self.values]

    def blocks(self) -> list[WrittenBlock]:
        return [
            WrittenBlock(kind, child.line, False, child)
            for kind, children in self.children.items()
            for child in children
        ]

    def origin(self, name: str) -> None:
        return None

    def expressions(self, name: str) -> list[Any]:
        return []

    def references(self, name: str) -> list[Instance]:
        return []

    def inputs(self, name: str) -> list[Input]:
        return []


@dataclass(eq=False)
class Instance(Block):
    type: str = ""
    mode: str = "resource"
    address: str = ""

    def lifecycle(self) -> Lifecycle:
        return Lifecycle()  # a plan does not say

    def dependencies(self) -> list[Instance]:
        return []


@dataclass
class Plan:
    """The `Configuration` protocol over a list of instances."""

    resources: list[Instance]
    opaque: bool = False
    aws_provider: ProviderVersions = field(default_factory=ProviderVersions)
    memo: dict[Hashable, Any] = field(default_factory=dict)

    def instances(self, resource_type: str | None = None, mode: str = "resource") -> list[Instance]:
        return [
            instance
            for instance in self.resources
            if instance.mode == mode and resource_type in (None, instance.type)
        ]

    def declared(self, resource_type: str | None = None, mode: str = "resource") -> list[Instance]:
        return self.instances(resource_type, mode)

    def module_cycles(self) -> list[ModuleCycle]:
        return []

    def undeclared_references(self) -> list[UndeclaredReference]:
        return []  # terraform plan refuses a configuration that has any

    def derived(self, key: Hashable, compute: Callable[[], T]) -> T:
        if key not in self.memo:
            self.memo[key] = compute()
        value: T = self.memo[key]
        return value


def _plan() -> Plan:
    where = "plan.json"
    vpc = Instance(
        where, 0, {"cidr_block": "10.0.0.0/16", "enable_dns_hostnames": False},
        type="aws_vpc", address="aws_vpc.this",
    )  # fmt: skip
    endpoint = Instance(
        where, 0,
        {
            "vpc_id": AttrRef(vpc, ("id",)),
            "service_name": "com.amazonaws.us-east-1.ecs",
            "vpc_endpoint_type": "Interface",
            "private_dns_enabled": True,
        },
        type="aws_vpc_endpoint", address="aws_vpc_endpoint.ecs",
    )  # fmt: skip
    ce = Instance(
        where, 0,
        {"name": "batch", "type": "MANAGED"},
        {"compute_resources": [Block(where, 0, {"type": "FARGATE", "max_vcpus": 4})]},
        type="aws_batch_compute_environment", address="aws_batch_compute_environment.this",
    )  # fmt: skip
    order = Block(where, 0, {"order": 1, "compute_environment": AttrRef(ce, ("arn",))})
    queue = Instance(
        where, 0,
        {"name": "bad name", "state": "ENABLED", "priority": 1},
        {"compute_environment_order": [order]},
        type="aws_batch_job_queue", address="aws_batch_job_queue.this",
    )  # fmt: skip
    return Plan([vpc, endpoint, ce, queue])


def test_the_rules_judge_a_configuration_from_elsewhere() -> None:
    found = {
        (finding.code, finding.address) for finding in run_rules(all_rules().values(), _plan())
    }
    assert found == {
        ("BF006", "aws_vpc_endpoint.ecs"),  # private DNS in a VPC without DNS hostnames
        ("BF014", "aws_batch_job_queue.this"),  # a space in the queue's name
        ("BF001", "aws_batch_compute_environment.this"),  # a queued CE with a fixed name
        ("BF101", "aws_batch_compute_environment.this"),  # compute_resources without subnets
    }
    messages = [f.message for f in run_rules([all_rules()["BF001"]], _plan())]
    # The lifecycle is not known here: BF001 says nothing about create_before_destroy.
    assert len(messages) == 1 and "fixed `name`" in messages[0]


def test_a_hit_takes_only_a_severity_its_rule_declares() -> None:
    from batchform.lint.rules.rule import Hit, Rule

    def hits(severity: str) -> Rule:
        return Rule("BF999", "error", "t", "e", "f",
                    lambda configuration: iter([Hit("a.tf", 1, "x.y", "m", severity)]),
                    severities=("warning",))

    (finding,) = run_rules([hits("warning")], _plan())
    assert finding.severity == "warning"
    with pytest.raises(ValueError, match="BF999 reported a note finding"):
        run_rules([hits("note")], _plan())
