"""Security posture of the generated stacks: checkov finds nothing, IAM and network stay narrow.

checkov cannot share a virtual environment with batchform: it depends on bc-python-hcl2, which
installs a second `hcl2` package over python-hcl2 8.x. It is installed into a cached virtual
environment of its own (or taken from $BATCHFORM_CHECKOV): the first run downloads it from PyPI
(about three minutes); without network those tests skip, saying why.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import hcl2
import pytest

from batchform.roundtrip import blocks, value
from batchform.spec import Spec
from batchform.specfile import load_spec
from conftest import REPO, golden_cases, golden_spec

CHECKOV_VERSION = "3.3.30"
CASES = golden_cases()
IDS = [case.name for case in CASES]

# Every check the generated code may suppress, and why a reviewer would accept it.
ACCEPTED_SUPPRESSIONS = {
    "CKV_AWS_130": "public mode: compute reaches ECS and the registry only through a public IP",
    "CKV_AWS_338": "log retention is the spec's choice (30 days unless set), not a year by force",
    "CKV2_AWS_5": "the compute security group is used by the compute environments, through a "
    "module output that checkov does not follow",
    "CKV_AWS_394": "a zone count takes the region's first zones; listing zone names pins them",
    "CKV2_AWS_11": "emitted only when the spec leaves network.flow_logs off",
}
# AWS managed policies, each only on the role AWS documents it for (AWS Batch user guide:
# service role, Amazon ECS instance role; Amazon ECS developer guide: task execution role).
MANAGED_POLICIES = {
    "service": "service-role/AWSBatchServiceRole",
    "instance": "service-role/AmazonEC2ContainerServiceforEC2Role",
    "execution": "service-role/AmazonECSTaskExecutionRolePolicy",
}
# What pip says when the index cannot be reached at all (as opposed to a broken install).
NO_NETWORK = re.compile(
    r"Temporary failure in name resolution|Name or service not known|Network is unreachable"
    r"|Failed to establish a new connection"
)
SKIP_LINE = re.compile(r"^(\s*)#checkov:skip=(CKV2?_AWS_\d+):(.*)$")


def checkov_venv() -> Path:
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    return cache / "batchform" / f"checkov-{CHECKOV_VERSION}"


@pytest.fixture(scope="session")
def checkov_bin() -> str:
    """checkov from $BATCHFORM_CHECKOV, or installed once into a cached venv of its own."""
    given = os.environ.get("BATCHFORM_CHECKOV")
    if given:
        return given
    venv = checkov_venv()
    binary = venv / "bin" / "checkov"
    venv.parent.mkdir(parents=True, exist_ok=True)
    # Several test workers may get here at once: one installs, the others wait.
    with open(venv.parent / f"{venv.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not binary.exists():
            subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True)
            install = subprocess.run(
                [str(venv / "bin" / "pip"), "install", "--quiet", "--retries", "1",
                 "--timeout", "20", f"checkov=={CHECKOV_VERSION}"],
                capture_output=True, text=True, check=False, timeout=1200,
            )
            if install.returncode != 0:
                binary.unlink(missing_ok=True)
                unreachable = NO_NETWORK.search(install.stderr)
                if unreachable:
                    pytest.skip(
                        f"checkov {CHECKOV_VERSION} cannot be installed from PyPI: no network "
                        f"({unreachable.group(0)}); set BATCHFORM_CHECKOV to a checkov binary"
                    )
                pytest.fail(f"cannot install checkov {CHECKOV_VERSION}:\n{install.stderr[-3000:]}")
    return str(binary)


def run_checkov(checkov: str, stack: Path) -> dict[str, Any]:
    result = subprocess.run(
        [checkov, "-d", str(stack), "--framework", "terraform", "--skip-download", "-o", "json"],
        capture_output=True, text=True, check=False, timeout=600,
        env={**os.environ, "BC_SKIP_MAPPING": "TRUE", "CHECKOV_RUN_SCA_PACKAGE_SCAN_V2": ""},
    )
    assert result.returncode in (0, 1), result.stderr[-3000:]
    report = json.loads(result.stdout)
    assert isinstance(report, dict), "checkov found nothing to scan"
    return report


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_checkov_finds_nothing_in_the_golden_stack(case: Path, checkov_bin: str) -> None:
    report = run_checkov(checkov_bin, case / "expected")
    summary = report["summary"]
    failed = [
        f"{check['check_id']} {check['check_name']}: {check['resource']} "
        f"({check['file_path']}:{check['file_line_range'][0]})"
        for check in report["results"]["failed_checks"]
    ]
    assert failed == [], "\n".join(failed)
    assert summary["parsing_errors"] == 0
    assert summary["passed"] > 30
    for check in report["results"]["skipped_checks"]:
        assert check["check_id"] in ACCEPTED_SUPPRESSIONS, check["check_id"]
        assert len(check["check_result"].get("suppress_comment", "")) > 20, check


def template_and_stack_files() -> Iterator[Path]:
    yield from sorted((REPO / "templates").rglob("*.tf.j2"))
    for case in CASES:
        yield from sorted((case / "expected").rglob("*.tf"))


def test_every_suppression_is_an_accepted_check_with_a_reason_inside_a_block() -> None:
    seen = set()
    for path in template_and_stack_files():
        for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
            if "checkov" not in line:
                continue
            match = SKIP_LINE.match(line)
            where = f"{path.relative_to(REPO)}:{number}"
            assert match, f"{where}: not a `#checkov:skip=CHECK:reason` line"
            indent, check, reason = match.groups()
            assert indent, f"{where}: the suppression must sit inside the block it is about"
            assert check in ACCEPTED_SUPPRESSIONS, f"{where}: {check} is not an accepted one"
            assert len(reason.strip()) > 20, f"{where}: say why"
            seen.add(check)
    assert seen == set(ACCEPTED_SUPPRESSIONS), "an accepted suppression is no longer used"


# --------------------------------------------------------------------------------------------
# The posture itself, read from the generated stacks
# --------------------------------------------------------------------------------------------


def parsed_stack(case: Path) -> dict[str, dict[str, Any]]:
    root = case / "expected"
    return {
        path.relative_to(root).as_posix(): hcl2.loads(path.read_text("utf-8"))
        for path in sorted(root.rglob("*.tf"))
    }


def resources(stack: dict[str, dict[str, Any]], kind: str) -> list[tuple[str, str, Any]]:
    """(file, name, body) of every resource of one type."""
    return [
        (path, labels[1], body)
        for path, parsed in stack.items()
        for labels, body in blocks(parsed, "resource")
        if labels[0] == kind
    ]


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_no_wildcard_iam_actions_or_resources_on_writes(case: Path) -> None:
    stack = parsed_stack(case)
    statements = [
        (path, labels[1], statement)
        for path, parsed in stack.items()
        for labels, body in blocks(parsed, "data")
        if labels[0] == "aws_iam_policy_document"
        for statement in body.get("statement", [])
    ]
    assert statements
    for path, name, statement in statements:
        actions = value(statement.get("actions", []))
        assert actions and all("*" not in action for action in actions), (path, name, actions)
        assert "not_actions" not in statement, (path, name)
        if value(statement.get("resources")) == ["*"]:
            pytest.fail(f"{path}: {name} grants {actions} on every resource")
    for path, name, body in resources(stack, "aws_iam_role_policy"):
        assert "jsonencode" not in str(body.get("policy")), f"{path}: {name} bypasses documents"


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_managed_policies_only_on_the_roles_aws_documents_them_for(case: Path) -> None:
    stack = parsed_stack(case)
    spec = load_spec(golden_spec(case))
    for path, name, body in resources(stack, "aws_iam_role_policy_attachment"):
        role = str(body["role"])
        policy = str(body["policy_arn"]).strip("\"")
        if name == "job":
            # The job role gets exactly what the spec lists, nothing batchform picks.
            assert role == "${aws_iam_role.job.name}"
            assert policy == "${each.value}"
            assert body["for_each"] == "${toset(var.job_role_policy_arns)}"
            continue
        assert name in MANAGED_POLICIES, (path, name, policy)
        assert f"aws_iam_role.{name}" in role, (path, name, role)
        assert policy.endswith(f":iam::aws:policy/{MANAGED_POLICIES[name]}"), (path, policy)
    root = blocks(stack["main.tf"], "module")
    for labels, body in root:
        if labels[0].startswith("job_definition_"):
            job = next(j for j in spec.job_definitions if labels[0] == f"job_definition_{j.name}")
            assert value(body.get("job_role_policy_arns", [])) == job.job_role_policy_arns
    policies = [name for _, name, _ in resources(stack, "aws_iam_role_policy")]
    assert set(policies) <= {"secrets", "flow_logs", "efs"}
    efs_iam = any(v.efs.iam for job in spec.job_definitions for v in job.efs_volumes if v.efs)
    assert ("efs" in policies) == efs_iam


def network_expectations(spec: Spec) -> tuple[bool, bool, str]:
    """Internet gateway, public IPs on launch, Fargate's assignPublicIp: what the mode needs."""
    mode = spec.network.mode
    fargate_public = mode == "public" or (mode == "existing" and spec.network.assign_public_ip)
    return mode in ("public", "nat"), mode == "public", "ENABLED" if fargate_public else "DISABLED"


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_public_ips_and_internet_gateway_only_where_the_mode_needs_them(case: Path) -> None:
    stack = parsed_stack(case)
    spec = load_spec(golden_spec(case))
    gateway, public_on_launch, assign = network_expectations(spec)
    assert bool(resources(stack, "aws_internet_gateway")) is gateway
    on_launch = [body.get("map_public_ip_on_launch") for _, _, body in resources(stack, "aws_subnet")]
    assert any(flag is True for flag in on_launch) is public_on_launch
    if public_on_launch:
        # Only the public subnets, where compute runs in public mode.
        for _, name, body in resources(stack, "aws_subnet"):
            assert (body.get("map_public_ip_on_launch") is True) is (name == "public")
    calls = blocks(stack["main.tf"], "module")
    given = {value(body["assign_public_ip"]) for _, body in calls if "assign_public_ip" in body}
    assert given <= {assign}
    for _, _, body in resources(stack, "aws_instance"):
        pytest.fail(f"stray instance {body}")


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_log_groups_have_retention_and_take_a_kms_key(case: Path) -> None:
    stack = parsed_stack(case)
    groups = resources(stack, "aws_cloudwatch_log_group")
    assert groups
    for path, name, body in groups:
        assert str(body.get("retention_in_days", "")).startswith("${var."), (path, name)
        assert body.get("kms_key_id") == "${var.log_kms_key_id}", (path, name)
        declared = stack[path.replace("main.tf", "variables.tf")]
        variables = {labels[0]: var for labels, var in blocks(declared, "variable")}
        assert variables["log_kms_key_id"].get("default") is None
        assert "description" in variables["log_kms_key_id"]


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_flow_logs_follow_the_spec(case: Path) -> None:
    stack = parsed_stack(case)
    spec = load_spec(golden_spec(case))
    flow_logs = resources(stack, "aws_flow_log")
    assert bool(flow_logs) is (spec.network.flow_logs and spec.network.mode != "existing")
    for _, _, body in flow_logs:
        assert value(body["traffic_type"]) == "ALL"


def test_the_golden_cases_cover_flow_logs_on_and_off() -> None:
    flags = {load_spec(golden_spec(case)).network.flow_logs for case in CASES}
    assert flags == {True, False}
