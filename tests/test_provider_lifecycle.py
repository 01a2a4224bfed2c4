"""The offline provider driven by the real terraform binary: validate, plan, apply, replace, destroy."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from batchform.aws import constraints
from batchform.provider import install
from batchform.schema import SNAPSHOT_PATH, Block, load_provider_schema

TERRAFORM = shutil.which("terraform")
pytestmark = [
    pytest.mark.lifecycle,
    pytest.mark.skipif(TERRAFORM is None, reason="terraform is not on PATH"),
]

HEADER = """
terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = "~> 6.0" }
  }
}

provider "aws" {
  region = "eu-west-1"
  default_tags {
    tags = { Project = "demo" }
  }
}
"""

STACK = (
    HEADER
    + """
data "aws_iam_policy_document" "batch_trust" {
  statement {
    sid     = "BatchAssume"
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["batch.amazonaws.com"]
    }
  }
}

data "aws_iam_policy_document" "pull" {
  statement {
    actions   = ["ecr:GetAuthorizationToken", "ecr:BatchGetImage", "logs:PutLogEvents"]
    resources = ["*"]
    condition {
      test     = "StringEquals"
      variable = "aws:RequestedRegion"
      values   = ["eu-west-1"]
    }
  }
}

data "aws_availability_zones" "available" {}
data "aws_partition" "current" {}
data "aws_caller_identity" "current" {}

resource "aws_iam_role" "service" {
  name               = "batch-service"
  assume_role_policy = data.aws_iam_policy_document.batch_trust.json
}

resource "aws_iam_role_policy_attachment" "service" {
  role       = aws_iam_role.service.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/service-role/AWSBatchServiceRole"
}

resource "aws_batch_compute_environment" "this" {
  name_prefix  = "batch-"
  type         = "MANAGED"
  service_role = aws_iam_role.service.arn

  compute_resources {
    type                = "EC2"
    allocation_strategy = "BEST_FIT_PROGRESSIVE"
    max_vcpus           = MAX_VCPUS
    instance_type       = [INSTANCE_TYPE]
    instance_role       = "arn:aws:iam::123456789012:instance-profile/batch-instance"
    subnets             = ["subnet-0123456789abcdef0"]
    security_group_ids  = ["sg-0123456789abcdef0"]
  }

  lifecycle {
    create_before_destroy = true
  }

  depends_on = [aws_iam_role_policy_attachment.service]
}

resource "aws_batch_job_queue" "this" {
  name     = "jobs"
  state    = "ENABLED"
  priority = 1

  compute_environment_order {
    order               = 1
    compute_environment = aws_batch_compute_environment.this.arn
  }
}

output "queue_arn" { value = aws_batch_job_queue.this.arn }
output "ce_name" { value = aws_batch_compute_environment.this.name }
output "pull_policy" { value = data.aws_iam_policy_document.pull.json }
output "zones" { value = data.aws_availability_zones.available.names }
output "account" { value = data.aws_caller_identity.current.account_id }
"""
)


class Workspace:
    """A throwaway Terraform working directory using the offline provider."""

    def __init__(self, root: Path, plugin_dir: Path) -> None:
        self.root = root
        self.plugin_dir = plugin_dir
        cli_config = root / "terraform.rc"
        cli_config.write_text("disable_checkpoint = true\n", encoding="utf-8")
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("TF_LOG")}
        self.env.update(
            TF_CLI_CONFIG_FILE=str(cli_config),
            TF_DATA_DIR=str(root / ".terraform"),
            TF_IN_AUTOMATION="1",
            CHECKPOINT_DISABLE="1",
        )

    def write(self, text: str) -> None:
        (self.root / "main.tf").write_text(text, encoding="utf-8")

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        assert TERRAFORM is not None
        result = subprocess.run(
            [TERRAFORM, *args],
            cwd=self.root,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if check and result.returncode != 0:
            raise AssertionError(
                f"terraform {' '.join(args)} exited {result.returncode}:\n{result.stdout}\n{result.stderr}"
            )
        return result

    def init(self) -> None:
        self.run("init", "-input=false", "-no-color", f"-plugin-dir={self.plugin_dir}")

    def plan(self) -> dict[str, str]:
        """Plan and return the actions of each changing resource, e.g. {"aws_x.y": "create"}."""
        self.run("plan", "-input=false", "-no-color", "-out=tfplan")
        shown = json.loads(self.run("show", "-json", "tfplan").stdout)
        return {
            change["address"]: "-".join(change["change"]["actions"])
            for change in shown.get("resource_changes", [])
            if change["change"]["actions"] != ["no-op"]
        }

    def apply(self) -> None:
        self.run("apply", "-input=false", "-no-color", "-auto-approve")

    def assert_no_changes(self) -> None:
        result = self.run("plan", "-input=false", "-no-color", "-detailed-exitcode", check=False)
        assert result.returncode == 0, f"re-plan is not empty:\n{result.stdout}\n{result.stderr}"

    def outputs(self) -> dict[str, Any]:
        raw = json.loads(self.run("output", "-json").stdout)
        return {name: value["value"] for name, value in raw.items()}


@pytest.fixture(scope="session")
def plugin_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("plugins")
    install(path)
    return path


@pytest.fixture
def workspace(tmp_path: Path, plugin_dir: Path) -> Workspace:
    return Workspace(tmp_path, plugin_dir)


def stack(instance_type: str = "m5.large", max_vcpus: int = 16) -> str:
    return STACK.replace("INSTANCE_TYPE", json.dumps(instance_type)).replace(
        "MAX_VCPUS", str(max_vcpus)
    )


BAD_CONFIGS = {
    "misspelled_argument": (
        """
resource "aws_batch_compute_environment" "this" {
  type = "MANAGED"
  compute_resources {
    type      = "FARGATE"
    max_vcpu  = 4
    subnets   = ["subnet-1"]
  }
}
""",
        ["Unsupported argument", 'An argument named "max_vcpu" is not expected here'],
    ),
    "missing_required_argument": (
        """
resource "aws_batch_job_queue" "this" {
  name  = "jobs"
  state = "ENABLED"
}
""",
        ["Missing required argument", 'The argument "priority" is required'],
    ),
    "batch_name_with_a_space": (
        """
resource "aws_batch_job_queue" "this" {
  name     = "job queue"
  state    = "ENABLED"
  priority = 1
}
""",
        ['"name" ("job queue") must be up to 128 letters', 'resource "aws_batch_job_queue" "this"'],
    ),
    "allocation_strategy_misspelt": (
        """
resource "aws_batch_compute_environment" "this" {
  type = "MANAGED"
  compute_resources {
    type                = "EC2"
    allocation_strategy = "BEST_FITT"
    max_vcpus           = 4
    subnets             = ["subnet-1"]
  }
}
""",
        ["expected compute_resources.0.allocation_strategy to be one of",
         '"BEST_FIT_PROGRESSIVE"', "got BEST_FITT", "allocation_strategy = \"BEST_FITT\""],
    ),
    "compute_type_unknown": (
        """
resource "aws_batch_compute_environment" "this" {
  type = "MANAGED"
  compute_resources {
    type      = "EC3"
    max_vcpus = 4
    subnets   = ["subnet-1"]
  }
}
""",
        ['expected compute_resources.0.type to be one of ["EC2" "SPOT" "FARGATE" "FARGATE_SPOT"',
         "got EC3"],
    ),
    "log_retention_not_allowed": (
        """
resource "aws_cloudwatch_log_group" "this" {
  name              = "/aws/batch/job"
  retention_in_days = 45
}
""",
        ["expected retention_in_days to be one of [0 1 3 5 7 14 30 60 90", "got 45"],
    ),
    "queue_state_unknown": (
        """
resource "aws_batch_job_queue" "this" {
  name     = "jobs"
  state    = "ON"
  priority = 1
}
""",
        ['expected state to be one of ["ENABLED" "DISABLED"], got ON'],
    ),
    "time_limit_action_unknown": (
        """
resource "aws_batch_job_queue" "this" {
  name     = "jobs"
  state    = "ENABLED"
  priority = 1
  job_state_time_limit_action {
    action           = "KILL"
    max_time_seconds = 600
    reason           = "CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY"
    state            = "RUNNABLE"
  }
}
""",
        ['expected job_state_time_limit_action.0.action to be one of ["CANCEL" "TERMINATE"]',
         "got KILL"],
    ),
    "security_group_prefix_sg": (
        """
resource "aws_security_group" "this" {
  name_prefix = "sg-data-compute-"
}
""",
        ["invalid value for name_prefix (cannot begin with sg-)"],
    ),
    "block_given_twice": (
        """
resource "aws_batch_compute_environment" "this" {
  type = "MANAGED"
  compute_resources {
    type      = "FARGATE"
    max_vcpus = 4
    subnets   = ["subnet-1"]
  }
  compute_resources {
    type      = "FARGATE"
    max_vcpus = 8
    subnets   = ["subnet-2"]
  }
}
""",
        ["Too many compute_resources blocks", 'No more than 1 "compute_resources" blocks'],
    ),
}


@pytest.fixture(scope="module")
def validate_workspace(tmp_path_factory: pytest.TempPathFactory, plugin_dir: Path) -> Workspace:
    space = Workspace(tmp_path_factory.mktemp("validate"), plugin_dir)
    space.write(HEADER)
    space.init()
    return space


def _without_description_kind(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            k: _without_description_kind(v) for k, v in value.items() if k != "description_kind"
        }
    return value


def test_served_schema_is_the_snapshot(validate_workspace: Workspace) -> None:
    validate_workspace.write(HEADER)
    served = json.loads(validate_workspace.run("providers", "schema", "-json").stdout)
    snapshot = json.loads(SNAPSHOT_PATH.read_text(encoding="utf-8"))
    assert served["format_version"] == snapshot["format_version"]
    assert _without_description_kind(served["provider_schemas"]) == _without_description_kind(
        snapshot["provider_schemas"]
    )


def test_valid_configuration_passes_validate(validate_workspace: Workspace) -> None:
    validate_workspace.write(stack())
    result = validate_workspace.run("validate", "-no-color")
    assert "The configuration is valid" in result.stdout


@pytest.mark.parametrize("case", sorted(BAD_CONFIGS), ids=sorted(BAD_CONFIGS))
def test_validate_names_the_problem(validate_workspace: Workspace, case: str) -> None:
    body, messages = BAD_CONFIGS[case]
    validate_workspace.write(HEADER + body)
    result = validate_workspace.run("validate", "-no-color", check=False)
    assert result.returncode == 1
    for message in messages:
        assert message in result.stderr, result.stderr


def test_lifecycle_replace_then_update_then_destroy(workspace: Workspace) -> None:
    workspace.write(stack())
    workspace.init()
    assert workspace.plan() == {
        "aws_iam_role.service": "create",
        "aws_iam_role_policy_attachment.service": "create",
        "aws_batch_compute_environment.this": "create",
        "aws_batch_job_queue.this": "create",
    }
    workspace.apply()
    workspace.assert_no_changes()
    first = workspace.outputs()
    assert first["queue_arn"] == "arn:aws:batch:eu-west-1:123456789012:job-queue/jobs"
    assert first["ce_name"].startswith("batch-") and len(first["ce_name"]) == len("batch-") + 26
    assert first["zones"] == ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
    assert first["account"] == "123456789012"

    # A custom service role makes the environment non-updatable: a new instance type replaces it.
    workspace.write(stack(instance_type="c5.large"))
    assert workspace.plan() == {
        "aws_batch_compute_environment.this": "create-delete",
        "aws_batch_job_queue.this": "update",
    }
    workspace.apply()
    workspace.assert_no_changes()
    second = workspace.outputs()
    assert second["ce_name"] != first["ce_name"]

    workspace.write(stack(instance_type="c5.large", max_vcpus=32))
    assert workspace.plan() == {"aws_batch_compute_environment.this": "update"}
    workspace.apply()
    workspace.assert_no_changes()

    workspace.run("destroy", "-input=false", "-no-color", "-auto-approve")
    state = workspace.run("state", "list", check=False)
    assert state.stdout.strip() == ""


def test_policy_document_renders_iam_json(workspace: Workspace) -> None:
    workspace.write(
        HEADER
        + """
data "aws_iam_policy_document" "pull" {
  statement {
    actions   = ["ecr:GetAuthorizationToken", "ecr:BatchGetImage", "logs:PutLogEvents"]
    resources = ["*"]
    condition {
      test     = "StringEquals"
      variable = "aws:RequestedRegion"
      values   = ["eu-west-1"]
    }
  }
  statement {
    sid     = "Assume"
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com", "batch.amazonaws.com"]
    }
  }
}

output "json" { value = data.aws_iam_policy_document.pull.json }
output "minified" { value = data.aws_iam_policy_document.pull.minified_json }
"""
    )
    workspace.init()
    workspace.apply()
    outputs = workspace.outputs()
    document = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": ["logs:PutLogEvents", "ecr:GetAuthorizationToken", "ecr:BatchGetImage"],
                "Resource": "*",
                "Condition": {"StringEquals": {"aws:RequestedRegion": "eu-west-1"}},
            },
            {
                "Sid": "Assume",
                "Effect": "Allow",
                "Action": "sts:AssumeRole",
                "Principal": {"Service": ["ecs-tasks.amazonaws.com", "batch.amazonaws.com"]},
            },
        ],
    }
    assert outputs["json"] == json.dumps(document, indent=2)
    assert outputs["minified"] == json.dumps(document, separators=(",", ":"))


TRAP = (
    HEADER
    + """
resource "aws_batch_compute_environment" "this" {
  NAME_ARGUMENT
  type         = "MANAGED"
  service_role = "arn:aws:iam::123456789012:role/batch-service"

  compute_resources {
    type               = "EC2"
    max_vcpus          = 16
    instance_type      = [INSTANCE_TYPE]
    instance_role      = "arn:aws:iam::123456789012:instance-profile/batch-instance"
    subnets            = ["subnet-0123456789abcdef0"]
    security_group_ids = ["sg-0123456789abcdef0"]
  }
  LIFECYCLE
}

resource "aws_batch_job_queue" "this" {
  name     = "jobs"
  state    = "ENABLED"
  priority = 1

  compute_environment_order {
    order               = 1
    compute_environment = aws_batch_compute_environment.this.arn
  }
}
"""
)


@pytest.mark.parametrize(
    ("name_argument", "lifecycle", "message"),
    [
        (
            'name = "batch"',
            "lifecycle {\n    create_before_destroy = true\n  }",
            "ClientException: Object already exists",
        ),
        ('name_prefix = "batch-"', "", "Cannot delete, found existing JobQueue relationship"),
    ],
    ids=["fixed_name_create_before_destroy", "no_create_before_destroy"],
)
def test_replacement_traps_fail_like_aws(
    workspace: Workspace, name_argument: str, lifecycle: str, message: str
) -> None:
    def config(instance_type: str) -> str:
        return (
            TRAP.replace("NAME_ARGUMENT", name_argument)
            .replace("LIFECYCLE", lifecycle)
            .replace("INSTANCE_TYPE", json.dumps(instance_type))
        )

    workspace.write(config("m5.large"))
    workspace.init()
    workspace.apply()
    workspace.write(config("c5.large"))
    result = workspace.run("apply", "-input=false", "-no-color", "-auto-approve", check=False)
    assert result.returncode == 1
    assert message in " ".join(result.stderr.split()), result.stderr


def _hcl_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(_hcl_value(item) for item in value) + "]"
    return "{" + ", ".join(f"{json.dumps(k)} = {_hcl_value(v)}" for k, v in value.items()) + "}"


def _hcl_block(block: Block, type_name: str, prefix: str = "") -> str:
    """The smallest body the schema and the provider's validators accept: required arguments
    (the first allowed value of an enum) and required blocks."""
    lines = []
    for name, attribute in sorted(block.attributes.items()):
        if attribute.required:
            allowed = constraints.allowed_values(type_name, prefix + name)
            value = allowed[0] if allowed else _sample_value(attribute.type)
            for length in constraints.find(type_name, prefix + name, "length"):
                value = "x" * int(length.minimum or 1)
            lines.append(f"{name} = {_hcl_value(value)}")
    for name, nested in sorted(block.block_types.items()):
        if nested.min_items:
            body = _hcl_block(nested.block, type_name, f"{prefix}{name}.")
            lines.append(f"{name} {{\n{body}\n}}")
    return "\n".join(lines)


def _sample_value(ty: Any) -> Any:
    if ty == "string":
        return "x"
    if ty == "number":
        return 1
    if ty == "bool":
        return True
    kind, inner = ty
    if kind in ("list", "set"):
        return [_sample_value(inner)]
    if kind == "map":
        return {"k": _sample_value(inner)}
    return {name: _sample_value(sub) for name, sub in inner.items()}


def test_every_type_in_the_snapshot_survives_the_lifecycle(workspace: Workspace) -> None:
    schema = load_provider_schema()
    parts = [HEADER]
    for type_name in sorted(schema.resource_types):
        found = schema.resource(type_name)
        assert found is not None
        parts.append(f'resource "{type_name}" "this" {{\n{_hcl_block(found.block, type_name)}\n}}')
    for type_name in sorted(schema.data_source_types):
        found = schema.data_source(type_name)
        assert found is not None
        parts.append(f'data "{type_name}" "this" {{\n{_hcl_block(found.block, type_name)}\n}}')
    workspace.write("\n\n".join(parts))
    workspace.init()
    workspace.apply()
    workspace.assert_no_changes()
    workspace.run("destroy", "-input=false", "-no-color", "-auto-approve")


QUEUE_WITH_POLICY = (
    HEADER
    + """
resource "aws_batch_scheduling_policy" "this" {
  name = "fair"
  fair_share_policy {
    share_distribution {
      share_identifier = "teama"
      weight_factor    = 1
    }
  }
}

resource "aws_batch_job_queue" "this" {
  name     = "jobs"
  state    = "ENABLED"
  priority = 1
  POLICY
}
"""
)


@pytest.mark.parametrize(
    ("before", "after", "message"),
    [
        ("", "scheduling_policy_arn = aws_batch_scheduling_policy.this.arn", "cannot get one"),
        ("scheduling_policy_arn = aws_batch_scheduling_policy.this.arn", "",
         "can be replaced but not removed"),
    ],
    ids=["policy_added", "policy_removed"],
)
def test_the_account_refuses_a_scheduling_policy_added_or_removed(
    workspace: Workspace, before: str, after: str, message: str
) -> None:
    workspace.write(QUEUE_WITH_POLICY.replace("POLICY", before))
    workspace.init()
    workspace.apply()
    workspace.write(QUEUE_WITH_POLICY.replace("POLICY", after))
    assert workspace.plan()["aws_batch_job_queue.this"] == "update"
    result = workspace.run("apply", "-input=false", "-no-color", "-auto-approve", check=False)
    assert result.returncode == 1
    stderr = " ".join(result.stderr.split())
    assert "updating Batch Job Queue (jobs)" in stderr and message in stderr, result.stderr


SPOT = (
    HEADER
    + """
resource "aws_batch_compute_environment" "this" {
  name_prefix = "spot-"
  type        = "MANAGED"

  compute_resources {
    type               = "SPOT"
    STRATEGY
    max_vcpus          = 16
    instance_type      = ["optimal"]
    instance_role      = "arn:aws:iam::123456789012:instance-profile/batch-instance"
    subnets            = ["subnet-0123456789abcdef0"]
    security_group_ids = ["sg-0123456789abcdef0"]
  }
}
"""
)


@pytest.mark.parametrize(
    ("strategy", "refused"),
    [('allocation_strategy = "BEST_FIT"', True), ("", True),
     ('allocation_strategy = "SPOT_PRICE_CAPACITY_OPTIMIZED"', False),
     ('allocation_strategy = "BEST_FIT"\n    spot_iam_fleet_role = '
      '"arn:aws:iam::123456789012:role/spot-fleet"', False)],
    ids=["best_fit", "no_strategy", "price_capacity", "best_fit_with_fleet_role"],
)
def test_the_account_refuses_spot_best_fit_without_a_fleet_role(
    workspace: Workspace, strategy: str, refused: bool
) -> None:
    workspace.write(SPOT.replace("STRATEGY", strategy))
    workspace.init()
    result = workspace.run("apply", "-input=false", "-no-color", "-auto-approve", check=False)
    assert (result.returncode == 1) is refused, result.stderr
    if refused:
        assert "needs spot_iam_fleet_role" in " ".join(result.stderr.split())
