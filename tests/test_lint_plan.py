"""`batchform lint --plan`: the rules on `terraform show -json PLANFILE`, from real plans the
offline provider makes, against what lint finds from the same configuration's source."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from batchform.cli import run
from batchform.errors import PlanFileError
from batchform.harness import Terraform
from batchform.lifecycle import init_provider
from batchform.lint import lint_paths, lint_plan
from batchform.lint.plan.references import specific, split
from test_lint_rules import LINT, fixture_tree

GOLDEN = sorted(Path(__file__).parent.glob("golden/*/expected"))
REGISTRY = LINT / "plan" / "registry_module"
# Fixtures whose traps a plan made before anything exists shows: their values are planned.
FRESH = [
    "bf002/fail_depends_on_role",
    "bf004/fail_too_much_memory",
    "bf005/fail_no_nat",
    "bf006/fail_no_hostnames",
    "bf007/fail_no_egress",
    "bf007/fail_vpc_cidr_only",
    "bf009/fail_instance_type",
    "bf010/fail_mixed",
    "bf011/fail_role_arn",
    "bf013/fail_shared_through_module",
    "bf015/fail_empty_env",
    "bf017/fail_no_endpoints",
    "bf021/fail_wrong_trust",
    "bf022/fail_custom_ami",
]
# Fixtures whose job definitions hold the ARN of a role the plan creates: their
# container_properties are known from the plan made after the first apply.
APPLIED = ["bf008/fail_no_public_ip", "bf016/fail_key_case_and_typo"]
Found = set[tuple[str, str, str]]


def plan_of(tree: Path, out: Path, *, applied: bool = False) -> Path:
    """`terraform show -json` of a plan of `tree`, through the offline provider."""
    with Terraform(tree) as tf:
        init_provider(tf, "offline")
        plan = tf.plan()
        if applied:
            tf.apply(plan)
            plan = tf.plan()
        out.write_text(json.dumps(plan.raw), encoding="utf-8")
    return out


def found(result: object) -> Found:
    """What a lint run found, without where (a plan names no file or line)."""
    return {
        (item.code, item.address, item.message)
        for item in result.findings  # type: ignore[attr-defined]
    }


@pytest.mark.parametrize("stack", GOLDEN, ids=lambda path: path.parent.name)
def test_a_golden_stack_lints_the_same_from_its_plan(tmp_path: Path, stack: Path) -> None:
    from_plan = lint_plan(plan_of(stack, tmp_path / "plan.json"))
    assert found(from_plan) == found(lint_paths([stack])) == set()
    assert from_plan.files == [str(tmp_path / "plan.json")]


def _without_block(text: str, header: str) -> str:
    """`text` without the top-level block that starts with `header`."""
    start = text.index(header)
    end = text.index("\n}\n", start) + 3
    return text[:start] + text[end:]


def test_traps_put_into_a_golden_stack_are_found_from_its_plan(tmp_path: Path) -> None:
    stack = tmp_path / "stack"
    shutil.copytree(LINT.parent / "golden" / "ec2_nat" / "expected", stack)
    network = stack / "modules" / "network" / "main.tf"
    text = network.read_text()
    text = _without_block(text, 'resource "aws_route" "private_nat"')
    text = _without_block(text, 'resource "aws_vpc_security_group_egress_rule" "compute_https"')
    network.write_text(text)
    from_source = found(lint_paths([stack]))
    assert {code for code, _, _ in from_source} >= {"BF005", "BF007", "BF019"}
    # Before the first apply the job definition holds unknown role ARNs: the network traps
    # show, the job's own wait for the plan after it.
    fresh = found(lint_plan(plan_of(stack, tmp_path / "fresh.json")))
    assert fresh == {item for item in from_source if "job_definition" not in item[1]}
    assert found(lint_plan(plan_of(stack, tmp_path / "plan.json", applied=True))) == from_source


@pytest.mark.parametrize("name", FRESH)
def test_a_fixture_lints_the_same_from_its_plan(tmp_path: Path, name: str) -> None:
    tree = fixture_tree(tmp_path, LINT / name)
    from_source = found(lint_paths([tree], display_root=tree))
    assert name.split("/")[0].upper() in {code for code, _, _ in from_source}
    assert found(lint_plan(plan_of(tree, tmp_path / "plan.json"))) == from_source


@pytest.mark.parametrize("name", APPLIED)
def test_job_definitions_built_from_new_roles_lint_the_same_after_apply(
    tmp_path: Path, name: str
) -> None:
    tree = fixture_tree(tmp_path, LINT / name)
    from_source = found(lint_paths([tree], display_root=tree))
    assert name.split("/")[0].upper() in {code for code, _, _ in from_source}
    assert found(lint_plan(plan_of(tree, tmp_path / "plan.json", applied=True))) == from_source


def _registry_stack(tmp_path: Path) -> tuple[Path, Path]:
    """The stack as written (registry source) and a copy whose source is the local module."""
    written = tmp_path / "written"
    shutil.copytree(REGISTRY / "stack", written)
    local = tmp_path / "local"
    shutil.copytree(REGISTRY / "stack", local)
    shutil.copytree(REGISTRY / "module", local / "modules" / "batch")
    main = local / "main.tf"
    text = main.read_text()
    text = text.replace(
        'source  = "example-org/batch/aws"\n  version = "1.0.0"', 'source = "./modules/batch"'
    )
    assert 'source = "./modules/batch"' in text
    main.write_text(text)
    return written, local


def test_a_trap_behind_a_registry_module_is_found_from_the_plan(tmp_path: Path) -> None:
    written, local = _registry_stack(tmp_path)
    from_plan = lint_plan(plan_of(local, tmp_path / "plan.json"))
    behind = ("BF011", "module.batch.aws_batch_compute_environment.this")
    assert behind in {(code, address) for code, address, _ in found(from_plan)}
    # From source, the registry module is out of sight: only the stack's own trap.
    assert {(code, address) for code, address, _ in found(lint_paths([written]))} == {
        ("BF015", "aws_batch_job_definition.this")
    }
    # With the module's source in sight, source lint agrees with the plan.
    assert found(lint_paths([local])) == found(from_plan)
    # A plan names no file: the module's source path stands for it, with no line.
    where = {(item.file, item.line) for item in from_plan.findings if item.code == "BF011"}
    assert where == {("modules/batch", 0)}


def test_the_command_lints_a_plan_and_refuses_paths_with_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, local = _registry_stack(tmp_path)
    plan = plan_of(local, tmp_path / "plan.json")
    assert run(["lint", "--plan", str(plan)]) == 1
    out = capsys.readouterr().out
    assert re.search(
        r"^modules/batch: BF011 error module\.batch\.aws_batch_compute_environment\.this: ",
        out,
        re.MULTILINE,
    ), out
    assert run(["lint", "--plan", str(plan), "-f", "json"]) == 1
    listed = json.loads(capsys.readouterr().out)
    assert {item["line"] for item in listed} == {0}
    assert run(["lint", "--plan", str(plan), str(local)]) == 2
    assert "--plan lints the plan alone" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("{ not json", "not JSON"),
        ("[]", "not a JSON object"),
        ('{"format_version": "1.0", "values": {}}', "the JSON of a state, not of a plan"),
        ('{"format_version": "0.1", "planned_values": {}}', "format_version is 0.1"),
        ('{"format_version": "1.2", "planned_values": {}}', "has no `configuration` section"),
    ],
)
def test_a_file_that_is_not_a_plan_is_refused_with_what_is_wrong(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, problem: str
) -> None:
    path = tmp_path / "plan.json"
    path.write_text(content)
    with pytest.raises(PlanFileError, match=re.escape(problem)):
        lint_plan(path)
    assert run(["lint", "--plan", str(path)]) == 2
    error = capsys.readouterr().err
    assert problem in error and "terraform show -json tfplan" in error
    assert run(["lint", "--plan", str(tmp_path / "missing.json")]) == 2
    assert "cannot read it" in capsys.readouterr().err


def test_references_are_read_as_terraform_writes_them() -> None:
    steps = split("module.m[0].out")
    assert [(step.value, step.index) for step in steps] == [
        ("module", False),
        ("m", False),
        (0, True),
        ("out", False),
    ]
    assert [step.value for step in split('aws_x.y["k"].arn')] == ["aws_x", "y", "k", "arn"]
    assert specific(["aws_vpc.this.id", "aws_vpc.this", "var.x", "aws_vpc.this_other"]) == [
        "aws_vpc.this.id",
        "var.x",
        "aws_vpc.this_other",
    ]


def test_findings_name_each_module_by_its_source_path_from_the_root() -> None:
    from batchform.lint.plan.document import parse

    def call(source: str, calls: dict[str, object] | None = None) -> dict[str, object]:
        return {"source": source, "module": {"module_calls": calls or {}}}

    document = {
        "format_version": "1.2",
        "planned_values": {},
        "configuration": {
            "root_module": {
                "module_calls": {
                    "local": call("./modules/a", {"inner": call("../b")}),
                    "registry": call("org/batch/aws", {"inner": call("./modules/ce")}),
                }
            }
        },
    }
    root = parse(document, "plan.json").root
    assert {module.address: module.source for module in root.walk()} == {
        "": ".",
        "module.local": "modules/a",
        "module.local.module.inner": "modules/b",
        "module.registry": "org/batch/aws",
        "module.registry.module.inner": "org/batch/aws//modules/ce",
    }
