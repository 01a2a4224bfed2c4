"""What the generator writes for the AWS rules: names AWS accepts, roles, secrets, fair share."""

from __future__ import annotations

import copy
import json
import tomllib
from typing import TYPE_CHECKING, Any

import pytest

from batchform.aws import constraints
from batchform.generate import render_stack
from batchform.spec import Spec
from batchform.specfile import starter_spec_text

if TYPE_CHECKING:
    from batchform.pytest_plugin import StackFactory

ACCOUNT = "123456789012"
SECRET = f"arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:app/db-AbCdEf"
KEY = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def starter() -> dict[str, Any]:
    data: dict[str, Any] = tomllib.loads(starter_spec_text())
    return data


def render(data: dict[str, Any]) -> dict[str, str]:
    return render_stack(Spec.model_validate(data))


def with_fair_share(data: dict[str, Any], shares: dict[str, Any]) -> dict[str, Any]:
    """The starter with fair share on its queue; its job then needs a scheduling priority."""
    data["job_queues"][0]["fair_share"] = {"shares": shares}
    data["job_definitions"][0]["scheduling_priority"] = 1
    return data


def test_a_stack_named_sg_gets_security_group_names_ec2_accepts() -> None:
    data = starter()
    data["name"] = "sg-data"
    network = render(data)["modules/network/main.tf"]
    assert 'name_prefix = "batch-${var.name}-compute-"' in network
    assert 'EC2 keeps names starting with "sg-"' in network
    accepted = {"name_prefix": "batch-sg-data-compute-"}
    assert constraints.check("aws_security_group", accepted) == []
    # What the module would otherwise write is refused by the provider.
    assert constraints.check("aws_security_group", {"name_prefix": "sg-data-compute-"})
    plain = render(starter())["modules/network/main.tf"]
    assert 'name_prefix = "${var.name}-compute-"' in plain and "batch-${var.name}" not in plain


@pytest.mark.parametrize(("shares", "identifier"), [
    ({"teama": 1, "teamb": 2}, "teama"), ({"team*": 1}, "team1"), ({}, "default"),
])
def test_the_readme_submits_to_a_fair_share_queue_with_a_share_identifier(
    shares: dict[str, int], identifier: str
) -> None:
    data = starter()
    with_fair_share(data, shares)
    readme = render(data)["README.md"]
    assert f"  --share-identifier {identifier}\n```" in readme
    assert f"--share-identifier {identifier}`." in readme
    assert "--share-identifier" not in render(starter())["README.md"]


def test_fair_share_replaces_the_queue_when_it_is_switched() -> None:
    queue = render(starter())["modules/job_queue/main.tf"]
    assert "replace_triggered_by = [terraform_data.scheduling.output]" in queue
    assert 'input = "first-in-first-out"' in queue
    data = starter()
    with_fair_share(data, {"teama": 1})
    assert 'input = "fair-share"' in render(data)["modules/job_queue/main.tf"]


def test_the_service_linked_role_by_default_and_a_custom_role_on_request() -> None:
    default = render(starter())["modules/compute_environment/main.tf"]
    assert "service_role" not in default.split("# No service_role")[1].split("compute_resources")[0]
    assert 'resource "aws_iam_role" "service"' not in default
    assert "aws_iam_role_policy_attachment.service" not in default
    data = starter()
    data["service_role"] = "custom"
    custom = render(data)["modules/compute_environment/main.tf"]
    assert "service_role = aws_iam_role.service.arn" in custom
    assert "    aws_iam_role_policy_attachment.service,\n" in custom
    assert "A change replaces the environment." in render(data)[
        "modules/compute_environment/variables.tf"]
    assert "Changes apply in place." in render(starter())["modules/compute_environment/variables.tf"]


def secret_stack() -> dict[str, Any]:
    data = starter()
    data["name"] = "sg-secrets"
    data["secrets_kms_key_arn"] = KEY
    with_fair_share(data, {"teama": 1})
    data["job_definitions"][0]["secrets"] = {
        "DB_PASSWORD": f"{SECRET}:password::",
        "API_TOKEN": f"arn:aws:ssm:us-east-1:{ACCOUNT}:parameter/app/token",
    }
    return data


def test_secrets_keep_their_json_key_for_ecs_and_the_key_is_granted() -> None:
    files = render(secret_stack())
    assert f'DB_PASSWORD = "{SECRET}:password::"' in files["main.tf"]
    assert f'secrets_kms_key_arn = "{KEY}"' in files["main.tf"]
    job = files["modules/job_definition/main.tf"]
    assert "resources = local.secret_arns" in job
    assert 'actions   = ["kms:Decrypt"]' in job
    assert "resources = [var.secrets_kms_key_arn]" in job
    without_key = copy.deepcopy(secret_stack())
    del without_key["secrets_kms_key_arn"]
    assert "kms:Decrypt" not in render(without_key)["modules/job_definition/main.tf"]


@pytest.mark.lifecycle
def test_the_stack_of_every_aws_rule_passes_the_offline_lifecycle(
    batchform_stack: StackFactory,
) -> None:
    # A stack named sg-..., a fair-share queue, secrets with a JSON key and a KMS key: the
    # offline provider validates it like the real one and its account refuses nothing.
    stack = batchform_stack(secret_stack(), provider="offline")
    state = stack.terraform.state_show()
    policies = [
        json.loads(resource["values"]["json"])
        for module in state["values"]["root_module"].get("child_modules", [])
        for resource in module.get("resources", [])
        if resource["address"].endswith("data.aws_iam_policy_document.secrets[0]")
        or resource["address"].endswith("data.aws_iam_policy_document.secrets")
    ]
    assert policies, "no secrets policy in the state"
    statements = policies[0]["Statement"]
    resources = [statement["Resource"] for statement in statements]
    assert sorted(resources[0]) == sorted([SECRET, f"arn:aws:ssm:us-east-1:{ACCOUNT}:parameter/app/token"])
    assert resources[1] == KEY
