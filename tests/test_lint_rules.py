"""Each lint rule against a failing and a passing fixture built from the documented traps."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from batchform.lint import explain, lint_paths
from batchform.lint.rules import all_rules

FIXTURES = Path(__file__).parent / "lint"
EC2 = "clean_ec2"
FARGATE = "clean_fargate"


@dataclass(frozen=True)
class Case:
    """A clean base stack, edits that introduce (or avoid) a trap, and the expected outcome."""

    name: str
    code: str
    base: str
    edits: tuple[tuple[str, str, str], ...] = ()
    extra: dict[str, str] = field(default_factory=dict)
    fires: bool = True
    message: str = ""


CE_ORDER = """  compute_environment_order {
    order               = 1
    compute_environment = aws_batch_compute_environment.this.arn
  }"""
EC2_JOB_RESOURCES = """      { type = "VCPU", value = "2" },
      { type = "MEMORY", value = "2048" },"""
FARGATE_JOB_RESOURCES = """      { type = "VCPU", value = "0.5" },
      { type = "MEMORY", value = "1024" },"""
CBD = """  lifecycle {
    create_before_destroy = true
  }

  depends_on"""
NAT_ROUTE = """  route {
    cidr_block     = "0.0.0.0/0"
    nat_gateway_id = aws_nat_gateway.this.id
  }"""
EGRESS_ANY = 'cidr_blocks = ["0.0.0.0/0"]'
ECR_IMAGE = '"123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1"'
ENDPOINTS = """
resource "aws_vpc_endpoint" "interface" {
  for_each            = toset(SERVICES)
  vpc_id              = aws_vpc.this.id
  service_name        = "com.amazonaws.${data.aws_region.current.region}.${each.value}"
  vpc_endpoint_type   = "Interface"
  private_dns_enabled = true
  subnet_ids          = aws_subnet.private[*].id
}
"""


def endpoints(*services: str) -> str:
    """Interface endpoints for the given services in the EC2 base VPC."""
    listed = ", ".join(f'"{service}"' for service in services)
    return ENDPOINTS.replace("SERVICES", f"[{listed}]")


SECOND_CE = """
resource "aws_batch_compute_environment" "NAME" {
  name_prefix = "NAME-"
  type        = "MANAGED"

  compute_resources {
    type               = "KIND"
    max_vcpus          = 16
    subnets            = aws_subnet.private[*].id
    security_group_ids = [aws_security_group.compute.id]
  }

  lifecycle {
    create_before_destroy = true
  }
}
"""


def ce(name: str, kind: str) -> str:
    """An extra compute environment in the EC2 base."""
    return SECOND_CE.replace("NAME", name).replace("KIND", kind)


def order(position: int, name: str) -> str:
    """A compute_environment_order block."""
    return (
        f"  compute_environment_order {{\n    order               = {position}\n"
        f"    compute_environment = aws_batch_compute_environment.{name}.arn\n  }}"
    )


CASES = [
    # BF001
    Case(
        "bf001-no-cbd",
        "BF001",
        EC2,
        (("batch.tf", CBD, "  depends_on"),),
        message="create_before_destroy",
    ),
    Case(
        "bf001-fixed-name",
        "BF001",
        EC2,
        (("batch.tf", 'name_prefix  = "batch-ec2-"', 'name         = "batch-ec2"'),),
        message="fixed `name`",
    ),
    Case(
        "bf001-not-queued",
        "BF001",
        EC2,
        (("batch.tf", CBD, "  depends_on"), ("batch.tf", CE_ORDER, "")),
        fires=False,
    ),
    Case(
        "bf001-random-name",
        "BF001",
        EC2,
        (
            (
                "batch.tf",
                'name_prefix  = "batch-ec2-"',
                'name         = "batch-${random_id.ce.hex}"',
            ),
        ),
        extra={"random.tf": 'resource "random_id" "ce" {\n  byte_length = 4\n}\n'},
        fires=False,
    ),
    Case("bf001-clean", "BF001", EC2, fires=False),
    # BF002
    Case(
        "bf002-depends-on-role",
        "BF002",
        EC2,
        (
            (
                "batch.tf",
                "depends_on = [aws_iam_role_policy_attachment.service]",
                "depends_on = [aws_iam_role.service]",
            ),
        ),
        message="aws_iam_role_policy_attachment.service",
    ),
    Case("bf002-clean", "BF002", EC2, fires=False),
    # BF003
    Case(
        "bf003-heredoc",
        "BF003",
        EC2,
        (("batch.tf", "jsonencode({", '<<EOT\n{"image": "x"}\nEOT\n  __DROP__({'),),
        message="heredoc",
    ),
    Case(
        "bf003-template-file",
        "BF003",
        EC2,
        (
            (
                "batch.tf",
                "container_properties = jsonencode({",
                "container_properties = data.template_file.props.rendered\n  __DROP__ = ({",
            ),
        ),
        extra={"template.tf": 'data "template_file" "props" {\n  template = "{}"\n}\n'},
        message="template_file",
    ),
    Case("bf003-clean", "BF003", EC2, fires=False),
    # BF004
    Case(
        "bf004-too-much-memory",
        "BF004",
        EC2,
        (("batch.tf", '"MEMORY", value = "2048"', '"MEMORY", value = "8192"'),),
        message="c5.large",
    ),
    Case(
        "bf004-too-many-vcpus",
        "BF004",
        EC2,
        (("batch.tf", "max_vcpus           = 64", "max_vcpus           = 1"),),
        message="max_vcpus",
    ),
    Case(
        "bf004-optimal",
        "BF004",
        EC2,
        (
            ("batch.tf", '["c5.large", "c5.xlarge"]', '["optimal"]'),
            ("batch.tf", '"MEMORY", value = "2048"', '"MEMORY", value = "8192"'),
        ),
        fires=False,
    ),
    Case(
        "bf004-fits",
        "BF004",
        EC2,
        (("batch.tf", '"MEMORY", value = "2048"', '"MEMORY", value = "7000"'),),
        fires=False,
    ),
    # BF005
    Case("bf005-no-nat", "BF005", EC2, (("network.tf", NAT_ROUTE, ""),), message="no NAT"),
    Case(
        "bf005-partial-endpoints",
        "BF005",
        EC2,
        (("network.tf", NAT_ROUTE, ""),),
        extra={"endpoints.tf": endpoints("ecs", "ecs-agent")},
        message="ecs-telemetry",
    ),
    Case(
        "bf005-endpoints",
        "BF005",
        EC2,
        (("network.tf", NAT_ROUTE, ""),),
        extra={"endpoints.tf": endpoints("ecs", "ecs-agent", "ecs-telemetry")},
        fires=False,
    ),
    Case(
        "bf005-unknown-subnets",
        "BF005",
        EC2,
        (("network.tf", NAT_ROUTE, ""), ("batch.tf", "aws_subnet.private[*].id", "var.subnet_ids")),
        extra={"variables.tf": 'variable "subnet_ids" {\n  type = list(string)\n}\n'},
        fires=False,
    ),
    # BF006
    Case(
        "bf006-no-hostnames",
        "BF006",
        EC2,
        (("network.tf", "enable_dns_hostnames = true", "enable_dns_hostnames = false"),),
        extra={"endpoints.tf": endpoints("ecs")},
        message="enable_dns_hostnames",
    ),
    Case(
        "bf006-default-hostnames",
        "BF006",
        EC2,
        (("network.tf", "  enable_dns_hostnames = true\n", ""),),
        extra={"endpoints.tf": endpoints("ecs")},
    ),
    Case("bf006-clean", "BF006", EC2, extra={"endpoints.tf": endpoints("ecs")}, fires=False),
    # BF007
    Case(
        "bf007-no-egress",
        "BF007",
        EC2,
        (
            (
                "network.tf",
                """
  egress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
""",
                "",
            ),
        ),
        message="no egress",
    ),
    Case(
        "bf007-vpc-cidr-only",
        "BF007",
        EC2,
        (("network.tf", EGRESS_ANY, "cidr_blocks = [aws_vpc.this.cidr_block]"),),
        message="S3 gateway",
    ),
    Case(
        "bf007-prefix-list",
        "BF007",
        EC2,
        (
            (
                "network.tf",
                EGRESS_ANY,
                (
                    "cidr_blocks = [aws_vpc.this.cidr_block]\n"
                    "    prefix_list_ids = [aws_vpc_endpoint.s3.prefix_list_id]"
                ),
            ),
        ),
        fires=False,
    ),
    Case(
        "bf007-separate-rule",
        "BF007",
        EC2,
        (("network.tf", EGRESS_ANY, "cidr_blocks = [aws_vpc.this.cidr_block]"),),
        extra={
            "rule.tf": """
resource "aws_security_group_rule" "s3" {
  type              = "egress"
  security_group_id = aws_security_group.compute.id
  from_port         = 443
  to_port           = 443
  protocol          = "tcp"
  prefix_list_ids   = [aws_vpc_endpoint.s3.prefix_list_id]
}
"""
        },
        fires=False,
    ),
    Case("bf007-clean", "BF007", EC2, fires=False),
    # BF008
    Case(
        "bf008-no-execution-role",
        "BF008",
        FARGATE,
        (("main.tf", "    executionRoleArn = aws_iam_role.execution.arn\n", ""),),
        message="executionRoleArn",
    ),
    Case(
        "bf008-bad-pair",
        "BF008",
        FARGATE,
        (("main.tf", '"MEMORY", value = "1024"', '"MEMORY", value = "8192"'),),
        message="not valid for 0.5 vCPU",
    ),
    Case(
        "bf008-vcpus-key",
        "BF008",
        FARGATE,
        (("main.tf", "command          = [", "vcpus            = 1\n    command          = ["),),
        message="`vcpus`",
    ),
    Case(
        "bf008-privileged",
        "BF008",
        FARGATE,
        (("main.tf", "command          = [", "privileged       = true\n    command          = ["),),
        message="privileged",
    ),
    Case(
        "bf008-no-public-ip",
        "BF008",
        FARGATE,
        (("main.tf", 'assignPublicIp = "ENABLED"', 'assignPublicIp = "DISABLED"'),),
        message="assignPublicIp",
    ),
    Case("bf008-clean", "BF008", FARGATE, fires=False),
    # BF009
    Case(
        "bf009-instance-type",
        "BF009",
        FARGATE,
        (
            (
                "main.tf",
                "max_vcpus          = 16",
                'max_vcpus          = 16\n    instance_type = ["c5.large"]',
            ),
        ),
        message="instance_type",
    ),
    Case(
        "bf009-null-is-unset",
        "BF009",
        FARGATE,
        (("main.tf", "max_vcpus          = 16", "max_vcpus          = 16\n    min_vcpus = null"),),
        fires=False,
    ),
    Case("bf009-clean", "BF009", FARGATE, fires=False),
    # BF010
    Case(
        "bf010-legacy-argument",
        "BF010",
        EC2,
        (
            (
                "batch.tf",
                CE_ORDER,
                "  compute_environments = [aws_batch_compute_environment.this.arn]",
            ),
        ),
        message="compute_environments",
    ),
    Case(
        "bf010-four",
        "BF010",
        EC2,
        (
            (
                "batch.tf",
                CE_ORDER,
                "\n".join([order(1, "this"), order(2, "b"), order(3, "c"), order(4, "d")]),
            ),
        ),
        extra={"more.tf": ce("b", "EC2") + ce("c", "SPOT") + ce("d", "SPOT")},
        message="4 compute environments",
    ),
    Case(
        "bf010-mixed",
        "BF010",
        EC2,
        (("batch.tf", CE_ORDER, "\n".join([order(1, "this"), order(2, "f")])),),
        extra={"more.tf": ce("f", "FARGATE")},
        message="mixes",
    ),
    Case(
        "bf010-three",
        "BF010",
        EC2,
        (("batch.tf", CE_ORDER, "\n".join([order(1, "this"), order(2, "b"), order(3, "c")])),),
        extra={"more.tf": ce("b", "EC2") + ce("c", "SPOT")},
        fires=False,
    ),
    # BF011
    Case(
        "bf011-role-arn",
        "BF011",
        EC2,
        (("batch.tf", "aws_iam_instance_profile.instance.arn", "aws_iam_role.instance.arn"),),
        message="role ARN",
    ),
    Case(
        "bf011-literal-role-arn",
        "BF011",
        EC2,
        (
            (
                "batch.tf",
                "aws_iam_instance_profile.instance.arn",
                '"arn:aws:iam::123456789012:role/batch-instance"',
            ),
        ),
        message="role ARN",
    ),
    Case(
        "bf011-missing-policy",
        "BF011",
        EC2,
        (("iam.tf", "AmazonEC2ContainerServiceforEC2Role", "AmazonSSMManagedInstanceCore"),),
        message="lacks AmazonEC2ContainerServiceforEC2Role",
    ),
    Case(
        "bf011-profile-literal",
        "BF011",
        EC2,
        (
            (
                "batch.tf",
                "aws_iam_instance_profile.instance.arn",
                '"arn:aws:iam::123456789012:instance-profile/batch-instance"',
            ),
        ),
        fires=False,
    ),
    Case("bf011-clean", "BF011", EC2, fires=False),
    # BF012
    Case(
        "bf012-desired",
        "BF012",
        EC2,
        (
            (
                "batch.tf",
                "min_vcpus           = 0",
                "min_vcpus           = 0\n    desired_vcpus = 2",
            ),
        ),
        message="desired_vcpus",
    ),
    Case(
        "bf012-ignored",
        "BF012",
        EC2,
        (
            (
                "batch.tf",
                "min_vcpus           = 0",
                "min_vcpus           = 0\n    desired_vcpus = 2",
            ),
            (
                "batch.tf",
                "create_before_destroy = true",
                "create_before_destroy = true\n    ignore_changes = [compute_resources[0].desired_vcpus]",
            ),
        ),
        fires=False,
    ),
    # BF013
    Case(
        "bf013-variable-tags",
        "BF013",
        EC2,
        (("batch.tf", "min_vcpus           = 0", "min_vcpus           = 0\n    tags = var.tags"),),
        extra={"variables.tf": 'variable "tags" {\n  type    = map(string)\n  default = {}\n}\n'},
        message="var.tags",
    ),
    Case(
        "bf013-literal-tags",
        "BF013",
        EC2,
        (
            (
                "batch.tf",
                "min_vcpus           = 0",
                'min_vcpus           = 0\n    tags = { Name = "batch" }',
            ),
        ),
        fires=False,
    ),
    # BF014
    Case(
        "bf014-space",
        "BF014",
        EC2,
        (("batch.tf", 'name     = "batch-queue"', 'name     = "batch queue"'),),
        message="' '",
    ),
    Case(
        "bf014-too-long",
        "BF014",
        EC2,
        (("batch.tf", 'name = "batch-job"', 'name = "' + "j" * 129 + '"'),),
        message="129 characters",
    ),
    Case(
        "bf014-partial",
        "BF014",
        EC2,
        (("batch.tf", 'name = "batch-job"', 'name = "job ${var.suffix}"'),),
        extra={"variables.tf": 'variable "suffix" {\n  type = string\n}\n'},
        message="' '",
    ),
    Case(
        "bf014-unknown",
        "BF014",
        EC2,
        (("batch.tf", 'name = "batch-job"', "name = var.suffix"),),
        extra={"variables.tf": 'variable "suffix" {\n  type = string\n}\n'},
        fires=False,
    ),
    # BF015
    Case(
        "bf015-number-value",
        "BF015",
        EC2,
        (("batch.tf", 'value = "2" }', "value = 2 }"),),
        message="number",
    ),
    Case(
        "bf015-empty-env",
        "BF015",
        EC2,
        (("batch.tf", 'value = "batch" }', 'value = "" }'),),
        message="empty",
    ),
    Case(
        "bf015-timestamp",
        "BF015",
        EC2,
        (("batch.tf", 'value = "batch" }', "value = timestamp() }"),),
        message="timestamp",
    ),
    Case("bf015-clean", "BF015", EC2, fires=False),
    # BF016
    Case(
        "bf016-unknown-key",
        "BF016",
        EC2,
        (("batch.tf", "command = [", 'job_role_arn = "x"\n    command = ['),),
        message="job_role_arn",
    ),
    Case(
        "bf016-wrong-type",
        "BF016",
        EC2,
        (("batch.tf", 'command = ["run"]', 'command = "run"'),),
        message="command",
    ),
    Case(
        "bf016-enum",
        "BF016",
        EC2,
        (("batch.tf", '{ type = "VCPU"', '{ type = "CPU"'),),
        message="'CPU'",
    ),
    Case(
        "bf016-bad-json",
        "BF016",
        EC2,
        (("batch.tf", "jsonencode({", '"{not json"\n  __DROP__ = ({'),),
        message="not valid JSON",
    ),
    Case(
        "bf016-unknown-value",
        "BF016",
        EC2,
        (("batch.tf", 'command = ["run"]', "command = var.command"),),
        extra={"variables.tf": 'variable "command" {\n  type = list(string)\n}\n'},
        fires=False,
    ),
    # BF017
    Case(
        "bf017-no-endpoints",
        "BF017",
        EC2,
        (("network.tf", NAT_ROUTE, ""),),
        extra={"endpoints.tf": endpoints("ecs", "ecs-agent", "ecs-telemetry")},
        message="ecr.api",
    ),
    Case(
        "bf017-endpoints",
        "BF017",
        EC2,
        (("network.tf", NAT_ROUTE, ""),),
        extra={
            "endpoints.tf": endpoints("ecs", "ecs-agent", "ecs-telemetry", "ecr.api", "ecr.dkr")
        },
        fires=False,
    ),
    Case("bf017-nat", "BF017", EC2, fires=False),
    # BF018
    Case(
        "bf018-fargate-job-ec2-queue",
        "BF018",
        EC2,
        (
            (
                "batch.tf",
                'type = "container"',
                'type = "container"\n  platform_capabilities = ["FARGATE"]',
            ),
        ),
        message="FARGATE job definition",
    ),
    Case(
        "bf018-ec2-job-fargate-queue",
        "BF018",
        FARGATE,
        (("main.tf", 'platform_capabilities = ["FARGATE"]', 'platform_capabilities = ["EC2"]'),),
        message="EC2 job definition",
    ),
    Case("bf018-clean", "BF018", FARGATE, fires=False),
    # BF019
    Case(
        "bf019-docker-hub",
        "BF019",
        EC2,
        (("network.tf", NAT_ROUTE, ""), ("batch.tf", ECR_IMAGE, '"alpine:latest"')),
        extra={
            "endpoints.tf": endpoints("ecs", "ecs-agent", "ecs-telemetry", "ecr.api", "ecr.dkr")
        },
        message="alpine:latest",
    ),
    Case(
        "bf019-fargate-no-public-ip",
        "BF019",
        FARGATE,
        (("main.tf", 'assignPublicIp = "ENABLED"', 'assignPublicIp = "DISABLED"'),),
        message="public.ecr.aws",
    ),
    Case(
        "bf019-with-nat", "BF019", EC2, (("batch.tf", ECR_IMAGE, '"alpine:latest"'),), fires=False
    ),
    Case("bf019-fargate-public", "BF019", FARGATE, fires=False),
    # BF020
    Case(
        "bf020-network-config",
        "BF020",
        EC2,
        (
            (
                "batch.tf",
                "command = [",
                'networkConfiguration = { assignPublicIp = "ENABLED" }\n    command = [',
            ),
        ),
        message="networkConfiguration",
    ),
    Case("bf020-clean", "BF020", EC2, fires=False),
    # BF021
    Case(
        "bf021-wrong-trust",
        "BF021",
        EC2,
        (
            (
                "iam.tf",
                'identifiers = ["batch.amazonaws.com"]',
                'identifiers = ["ec2.amazonaws.com"]',
            ),
        ),
        message="trusts ec2.amazonaws.com",
    ),
    Case(
        "bf021-missing-policy",
        "BF021",
        EC2,
        (("iam.tf", "service-role/AWSBatchServiceRole", "AmazonS3ReadOnlyAccess"),),
        message="lacks the AWSBatchServiceRole",
    ),
    Case(
        "bf021-jsonencode-trust",
        "BF021",
        EC2,
        (
            (
                "iam.tf",
                "assume_role_policy = data.aws_iam_policy_document.batch_assume.json",
                (
                    'assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ '
                    'Effect = "Allow", Action = "sts:AssumeRole", '
                    'Principal = { Service = "batch.amazonaws.com" } }] })'
                ),
            ),
        ),
        fires=False,
    ),
    Case("bf021-clean", "BF021", EC2, fires=False),
    # BF022
    Case(
        "bf022-custom-ami",
        "BF022",
        EC2,
        (
            (
                "batch.tf",
                "min_vcpus           = 0",
                'min_vcpus           = 0\n    image_id = "ami-0abc1234"',
            ),
        ),
        message="custom AMI",
    ),
    Case(
        "bf022-ecs-optimized-parameter",
        "BF022",
        EC2,
        (
            (
                "batch.tf",
                "min_vcpus           = 0",
                "min_vcpus           = 0\n    image_id = data.aws_ssm_parameter.ecs_ami.value",
            ),
        ),
        extra={
            "ami.tf": 'data "aws_ssm_parameter" "ecs_ami" {\n'
            '  name = "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id"\n}\n'
        },
        fires=False,
    ),
    # BF023
    Case(
        "bf023-no-logs-endpoint",
        "BF023",
        EC2,
        (("network.tf", NAT_ROUTE, ""),),
        extra={
            "endpoints.tf": endpoints("ecs", "ecs-agent", "ecs-telemetry", "ecr.api", "ecr.dkr")
        },
        message="no logs endpoint",
    ),
    Case(
        "bf023-secrets",
        "BF023",
        EC2,
        (
            ("network.tf", NAT_ROUTE, ""),
            (
                "batch.tf",
                "command = [",
                (
                    'secrets = [{ name = "TOKEN", valueFrom = '
                    '"arn:aws:secretsmanager:us-east-1:123456789012:secret:token" }]\n    command = ['
                ),
            ),
        ),
        extra={
            "endpoints.tf": endpoints(
                "ecs", "ecs-agent", "ecs-telemetry", "ecr.api", "ecr.dkr", "logs"
            )
        },
        message="secretsmanager",
    ),
    Case(
        "bf023-endpoints",
        "BF023",
        EC2,
        (("network.tf", NAT_ROUTE, ""),),
        extra={
            "endpoints.tf": endpoints(
                "ecs", "ecs-agent", "ecs-telemetry", "ecr.api", "ecr.dkr", "logs"
            )
        },
        fires=False,
    ),
    Case("bf023-nat", "BF023", EC2, fires=False),
    # BF100-BF103
    Case(
        "bf100-typo",
        "BF100",
        EC2,
        (("batch.tf", 'state    = "ENABLED"', 'stat     = "ENABLED"'),),
        message="`state`",
    ),
    Case(
        "bf100-block-typo",
        "BF100",
        EC2,
        (("batch.tf", "compute_resources {", "compute_resource {"),),
        message="compute_resources",
    ),
    Case(
        "bf101-missing-priority",
        "BF101",
        EC2,
        (("batch.tf", "  priority = 1\n", ""),),
        message="priority",
    ),
    Case(
        "bf102-two-compute-resources",
        "BF102",
        FARGATE,
        (
            (
                "main.tf",
                "  lifecycle {\n    create_before_destroy = true\n  }\n",
                (
                    '  compute_resources {\n    type = "FARGATE"\n    max_vcpus = 1\n'
                    "    subnets = []\n  }\n  lifecycle {\n    create_before_destroy = true\n  }\n"
                ),
            ),
        ),
        message="at most once",
    ),
    Case(
        "bf103-arn",
        "BF103",
        EC2,
        (("batch.tf", 'name     = "batch-queue"', 'name     = "batch-queue"\n  arn = "x"'),),
        message="`arn`",
    ),
    Case(
        "bf104-whole-resource",
        "BF104",
        EC2,
        (("batch.tf", "aws_subnet.private[*].id", "aws_subnet.public"),),
        message="got the whole resource aws_subnet.public",
    ),
    Case(
        "bf104-word-for-number",
        "BF104",
        EC2,
        (("batch.tf", "max_vcpus           = 64", 'max_vcpus           = "many"'),),
        message="a number, got the string 'many'",
    ),
    Case(
        "bf104-numeric-string",
        "BF104",
        EC2,
        (("batch.tf", "max_vcpus           = 64", 'max_vcpus           = "64"'),),
        fires=False,
    ),
    Case("bf10x-clean", "BF100,BF101,BF102,BF103,BF104", EC2, fires=False),
]


def build(tmp_path: Path, case: Case) -> Path:
    """Copy the case's base stack and apply its edits; every edit must apply."""
    target = tmp_path / "stack"
    shutil.copytree(FIXTURES / case.base, target)
    for file_name, old, new in case.edits:
        path = target / file_name
        text = path.read_text()
        assert old in text, f"edit does not apply to {file_name}: {old!r}"
        text = text.replace(old, new, 1)
        if "__DROP__" in text:
            # An edit replaced the jsonencode call: drop what is left of its argument.
            head, tail = text.split("__DROP__", 1)
            tail = tail.split("\n  })\n", 1)[1]
            text = head.rstrip(" ") + tail
        path.write_text(text)
    for file_name, text in case.extra.items():
        (target / file_name).write_text(text)
    return target


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_rule(tmp_path: Path, case: Case) -> None:
    stack = build(tmp_path, case)
    result = lint_paths([stack], select=case.code, display_root=tmp_path)
    codes = set(case.code.split(","))
    found = [finding for finding in result.findings if finding.code in codes]
    if not case.fires:
        assert found == [], "\n".join(f"{f.file}:{f.line} {f.code} {f.message}" for f in found)
        return
    assert found, f"{case.code} did not fire"
    assert any(case.message in finding.message for finding in found), [f.message for f in found]
    for finding in found:
        assert finding.file.startswith("stack/") and finding.line > 0
        assert finding.severity == all_rules()[finding.code].severity


@pytest.mark.parametrize("base", [EC2, FARGATE])
def test_clean_bases_have_no_findings(base: str) -> None:
    result = lint_paths([FIXTURES / base])
    assert result.findings == []
    assert result.exit_code == 0


def test_every_rule_has_a_failing_and_a_passing_case() -> None:
    failing = {code for case in CASES if case.fires for code in case.code.split(",")}
    passing = {code for case in CASES if not case.fires for code in case.code.split(",")}
    codes = set(all_rules())
    assert codes - failing == set()
    assert codes - passing == set()


@pytest.mark.parametrize("code", sorted(all_rules()))
def test_explain_names_code_and_fix(code: str) -> None:
    text = explain(code)
    assert text.startswith(f"{code} (")
    assert "Fix:" in text and f"batchform:ignore {code}" in text
