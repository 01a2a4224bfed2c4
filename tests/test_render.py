"""What the generator writes for the AWS rules: names AWS accepts, roles, secrets, fair share."""

from __future__ import annotations

import copy
import json
import re
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


LAUNCH_TEMPLATE = "module.compute_environment_ondemand.aws_launch_template.instance"
ENVIRONMENT = "module.compute_environment_ondemand.aws_batch_compute_environment.this"


@pytest.mark.lifecycle
@pytest.mark.parametrize(("service_role", "action", "readme"), [
    ("service-linked", "update", "`ondemand` takes the new version in place"),
    ("custom", "replace", "`ondemand` is replaced for the new version, new before old"),
])
def test_a_launch_template_change_reaches_the_environment_as_the_readme_says(
    batchform_stack: StackFactory, service_role: str, action: str, readme: str
) -> None:
    data = starter()
    data["service_role"] = service_role
    data["compute_environments"][0]["launch_template"] = {"root_volume_gib": 100}
    stack = batchform_stack(data, provider="offline")
    data["compute_environments"][0]["launch_template"]["root_volume_gib"] = 200
    plan = stack.change(data)
    # A new template version, which the environment follows through latest_version.
    assert plan[LAUNCH_TEMPLATE].action == "update"
    assert plan[ENVIRONMENT].action == action
    assert readme in " ".join(render(data)["README.md"].split())
    stack.apply(plan)
    stack.terraform.check_idempotent()


def test_launch_templates_are_followed_by_latest_version_never_latest() -> None:
    data = starter()
    data["compute_environments"][0]["launch_template"] = {"imdsv2": True}
    module = render(data)["modules/compute_environment/main.tf"]
    assert "version            = aws_launch_template.instance.latest_version" in module
    assert not re.search(r'version\s*=\s*"\$', module)
    assert "http_tokens = var.launch_template.http_tokens" in module
    assert 'http_tokens = "required"' in render(data)["main.tf"]
    data["compute_environments"][0]["launch_template"] = {"imdsv2": False}
    assert 'http_tokens = "optional"' in render(data)["main.tf"]


def test_features_render_only_when_the_spec_uses_them() -> None:
    plain = render(starter())
    text = "\n".join(plain.values())
    for absent in ("aws_launch_template", "aws_placement_group", "update_policy", "gpus",
                   "evaluate_on_exit", "node_properties", "efs_volumes", "permissions_boundary",
                   "backend \"s3\"", "elasticfilesystem", "runtimePlatform", "ephemeralStorage"):
        assert absent not in text, absent
    assert "backend.tf" not in plain and not any(name.startswith("user_data/") for name in plain)


def test_a_mixed_stack_counts_what_only_some_environments_use() -> None:
    data = starter()
    data["compute_environments"].append(
        {"name": "spare", "instance_types": ["c6i.large"], "placement_group": "cluster",
         "launch_template": {"root_volume_gib": 60}}
    )
    data["job_queues"][0]["compute_environments"].append("spare")
    files = render(data)
    module = files["modules/compute_environment/main.tf"]
    assert "count = var.launch_template == null ? 0 : 1" in module
    assert "count = var.placement_group == null ? 0 : 1" in module
    assert 'dynamic "launch_template"' in module
    assert re.search(r"placement_group +=[ ]one\(aws_placement_group\.instance\[\*\]\.name\)", module)
    assert 'placement_group     = "cluster"' in files["main.tf"]


def test_an_iam_path_and_boundary_reach_every_role() -> None:
    data = starter()
    data["network"]["flow_logs"] = True
    data["service_role"] = "custom"
    data["iam"] = {"path": "/batch/", "permissions_boundary_arn":
                   f"arn:aws:iam::{ACCOUNT}:policy/Boundary"}
    files = render(data)
    roles = 0
    for name, text in files.items():
        for block in re.findall(r'resource "aws_iam_(?:role|instance_profile)" "\w+" \{.*?\n\}',
                                text, re.S):
            roles += 1
            assert "path" in block and "= var.iam_path" in block, (name, block)
            if "aws_iam_role\"" in block:
                assert "permissions_boundary = var.permissions_boundary_arn" in block
    assert roles == 5  # service, instance and its profile, job, flow logs
    assert re.search(r'iam_path += "/batch/"', files["main.tf"])


def test_the_root_has_tunable_variables_and_a_gitignore() -> None:
    files = render(starter())
    assert 'max_vcpus           = var.max_vcpus["ondemand"]' in files["main.tf"]
    assert 'image              = var.images["hello"]' in files["main.tf"]
    assert "region = var.region" in files["main.tf"]
    assert "ondemand = 64" in files["variables.tf"]
    assert ".terraform/" in files[".gitignore"] and "*.tfstate.*" in files[".gitignore"]


def efs_stack(network: dict[str, Any], security_group: str | None = None) -> dict[str, Any]:
    data = starter()
    data["network"] = network
    efs: dict[str, Any] = {"file_system_id": "fs-0123456789abcdef0"}
    if security_group:
        efs["security_group_id"] = security_group
    data["job_definitions"][0]["volumes"] = [{"name": "d", "mount_path": "/d", "efs": efs}]
    return data


def test_compute_reaches_nfs_in_the_vpc_or_the_mount_targets_group() -> None:
    vpc = render(efs_stack({"mode": "nat"}))["modules/network/main.tf"]
    assert 'resource "aws_vpc_security_group_egress_rule" "compute_nfs"' in vpc
    assert "cidr_ipv4         = aws_vpc.this.cidr_block" in vpc and "from_port         = 2049" in vpc
    group = render(efs_stack({"mode": "nat"}, "sg-0123456789abcdef0"))
    assert "compute_nfs_mount_targets" in group["modules/network/main.tf"]
    assert '"compute_nfs"' not in group["modules/network/main.tf"]
    assert 'efs_security_group_ids = ["sg-0123456789abcdef0"]' in group["main.tf"]
    existing = {"mode": "existing", "vpc_id": "vpc-0123456789abcdef0",
                "subnet_ids": ["subnet-0123456789abcdef0"]}
    own = render(efs_stack(existing))["modules/network/main.tf"]
    assert 'data "aws_vpc" "this"' in own and "data.aws_vpc.this.cidr_block" in own
    theirs = render(efs_stack(dict(existing, security_group_ids=["sg-0123456789abcdef1"])))
    assert "2049" not in theirs["modules/network/main.tf"]
    assert "security_group_ids must" in " ".join(theirs["README.md"].split())


def test_finding_each_jobs_queues_does_not_grow_with_jobs_times_queues(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A queue's platform is worked out once per spec: per job it made 1,000 jobs on 100
    # queues spend seconds in it.
    calls = {"count": 0}
    real = Spec.queue_family

    def counting(self: Spec, *args: Any) -> Any:
        calls["count"] += 1
        return real(self, *args)

    monkeypatch.setattr(Spec, "queue_family", counting)

    def count_for(jobs: int) -> int:
        data = {
            "name": "scale",
            "compute_environments": [
                {"name": f"ce{index}", "instance_types": ["c6i.large"]} for index in range(10)
            ],
            "job_queues": [{"name": f"q{index}", "compute_environments": [f"ce{index}"]}
                           for index in range(10)],
            "job_definitions": [
                {"name": f"job{index}", "image": "public.ecr.aws/docker/library/alpine:3.20"}
                for index in range(jobs)
            ],
        }
        calls["count"] = 0
        render_stack(Spec.model_validate(data))
        return calls["count"]

    assert count_for(200) <= count_for(20) + 10
