"""Each AWS fact lives in the facts package only: spec, lint and the offline provider import it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from batchform import aws, render, spec
from batchform.aws import ecr, endpoints, fargate, instance_types, names, provider, rules
from batchform.lint.knowledge import compute_network, images
from batchform.lint.knowledge import network as lint_network
from batchform.lint.rules import bf004_job_fit, bf008_fargate_job, bf014_batch_names
from batchform.provider import account, planning, validation

PACKAGE = Path(aws.__file__).resolve().parents[1]
FACTS = Path(aws.__file__).resolve().parent

# Text that only a copy of a fact would hold, with the fact it gives away.
LITERALS = {
    "A-Za-z0-9_-]{1,128}": "the Batch name alphabet",
    "0-9A-Za-z][0-9A-Za-z_-]": "the Batch name alphabet",
    r"dkr\.ecr": "the private ECR registry host",
    '"ecs-agent", "ecs-telemetry"': "the ECS interface endpoints",
    '"ecr.api", "ecr.dkr"': "the ECR interface endpoints",
    "registry.terraform.io/hashicorp/aws": "the provider address",
    '"~> 6.0"': "the provider version constraint",
    "aws-service-role/batch": "the Batch service-linked role",
    "instance_types.json": "the instance-type catalogue",
    "122880": "the Fargate task sizes",
    "3653": "the CloudWatch Logs retentions",
    "BEST_FIT_PROGRESSIVE\",\n    \"SPOT_CAPACITY_OPTIMIZED\",\n    \"SPOT_PRICE": "the updatable strategies",
}


def _sources() -> list[Path]:
    return [
        path for path in PACKAGE.rglob("*.py")
        if FACTS not in path.parents and "protocol" not in path.parts
    ]


@pytest.mark.parametrize("literal", sorted(LITERALS), ids=lambda text: LITERALS[text])
def test_no_copy_of_a_fact_outside_the_package(literal: str) -> None:
    holders = [str(path.relative_to(PACKAGE)) for path in _sources() if literal in path.read_text("utf-8")]
    assert holders == [], f"{LITERALS[literal]} is copied in {holders}; import it from batchform.aws"


def _imports(module: object) -> set[str]:
    tree = ast.parse(Path(str(getattr(module, "__file__", ""))).read_text("utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


@pytest.mark.parametrize(("module", "facts"), [
    (spec, {"batchform.aws.ecr", "batchform.aws.fargate", "batchform.aws.instance_types",
            "batchform.aws.names", "batchform.aws.regions", "batchform.aws.rules",
            "batchform.aws.secrets", "batchform.aws.validators"}),
    (render, {"batchform.aws.endpoints", "batchform.aws.provider", "batchform.aws.secrets"}),
    (bf014_batch_names, {"batchform.aws.names"}),
    (images, {"batchform.aws.ecr"}),
    (compute_network, {"batchform.aws.endpoints"}),
    (lint_network, {"batchform.aws.endpoints"}),
    (bf004_job_fit, {"batchform.aws.instance_types"}),
    (bf008_fargate_job, {"batchform.aws.fargate"}),
    (validation, {"batchform.aws.constraints"}),
    (planning, {"batchform.aws.rules"}),
    (account, {"batchform.aws.rules"}),
], ids=lambda value: getattr(value, "__name__", "facts"))
def test_consumers_import_the_facts(module: object, facts: set[str]) -> None:
    assert facts <= _imports(module)


def test_the_same_objects_reach_every_consumer() -> None:
    assert spec.fargate is fargate and bf008_fargate_job.fargate is fargate
    assert bf004_job_fit.instance_types is instance_types
    assert bf014_batch_names.names is names and spec.names is names
    assert images.ecr is ecr and spec.ecr is ecr
    assert lint_network.SERVICES is endpoints.KNOWN
    assert compute_network.ECS_SERVICES is endpoints.ECS
    assert planning.rules is rules and account.rules is rules
    assert render.provider is provider
