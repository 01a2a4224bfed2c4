"""One stack, one trap, one code: `batchform lint` on its Terraform and `batchform doctor` on
the same stack made in moto with boto3 calls that mirror it report the same shared codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from batchform.doctor import RULE_CODES
from batchform.lint import lint_paths
from batchform.lint.rules import ACCOUNT_ONLY
from doctor_support import (
    PUBLIC_IMAGE,
    REGION,
    Builder,
    Plan,
    terraform_stack,
)

HEALTHY = Plan()
# (the trap, the plan that plants it, the code both must give)
TRAPS = [
    ("no NAT and no endpoints", replace(HEALTHY, nat=False), "BF005"),
    (
        "endpoints without private DNS",
        replace(HEALTHY, nat=False, endpoints=True, private_dns=False),
        "BF025",
    ),
    ("no egress", replace(HEALTHY, egress=False), "BF007"),
    ("instance role without the ECS policy", replace(HEALTHY, ecs_policy=False), "BF011"),
    ("job larger than every instance type", replace(HEALTHY, vcpus="8", memory="65536"), "BF004"),
    (
        "outside image without NAT",
        replace(HEALTHY, nat=False, endpoints=True, image=PUBLIC_IMAGE),
        "BF019",
    ),
    (
        "S3 gateway off the route table",
        replace(HEALTHY, nat=False, endpoints=True, s3_on_route_table=False),
        "BF026",
    ),
]
SHARED = set(RULE_CODES) - ACCOUNT_ONLY


def lint_codes(tmp_path: Path, plan: Plan) -> set[str]:
    stack = tmp_path / "stack"
    stack.mkdir()
    (stack / "main.tf").write_text(terraform_stack(plan))
    result = lint_paths([stack], display_root=stack)
    return {finding.code for finding in result.findings}


def doctor_codes(aws: Builder, plan: Plan) -> set[str]:
    built = aws.build(plan)
    aws.submit_runnable(built)
    run = subprocess.run(
        [sys.executable, "-m", "batchform", "doctor", "--endpoint-url", aws.url,
         "--region", REGION, "--queue", built.queue, "--format", "json"],
        capture_output=True, text=True, timeout=120, env=os.environ.copy(),
    )  # fmt: skip
    assert run.returncode in (0, 1), run.stderr
    return {finding["code"] for finding in json.loads(run.stdout)}


@pytest.mark.parametrize(
    ("plan", "code"), [trap[1:] for trap in TRAPS], ids=[trap[0] for trap in TRAPS]
)
def test_same_trap_same_code_from_source_and_account(
    aws: Builder, tmp_path: Path, plan: Plan, code: str
) -> None:
    from_source = lint_codes(tmp_path, plan) & SHARED
    from_account = doctor_codes(aws, plan) & SHARED
    assert code in from_source
    assert from_account == from_source


def test_the_healthy_stack_is_clean_both_ways(aws: Builder, tmp_path: Path) -> None:
    assert lint_codes(tmp_path, HEALTHY) & SHARED == set()
    assert doctor_codes(aws, HEALTHY) == set()
