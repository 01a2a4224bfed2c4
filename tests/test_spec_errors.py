"""Bad specs through the real CLI: exit 2, file, field path, line, what is wrong and what is right."""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from batchform import cli
from batchform.specfile import parse_spec

BASE_TOML = """\
name = "demo"
region = "us-east-1"
tags = { team = "data" }

[network]
mode = "nat"
cidr = "10.0.0.0/16"
availability_zones = 2

[[compute_environments]]
name = "ondemand"
type = "EC2"
instance_types = ["c6i.large"]
min_vcpus = 0
max_vcpus = 64

[[compute_environments]]
name = "fargate"
type = "FARGATE"
max_vcpus = 16

[[job_queues]]
name = "default"
priority = 1
compute_environments = ["ondemand"]

[[job_queues]]
name = "serverless"
compute_environments = ["fargate"]

[[job_definitions]]
name = "hello"
platform = "EC2"
image = "public.ecr.aws/docker/library/alpine:3.20"
command = ["echo", "hello"]
vcpus = 1
memory = 1024
environment = { GREETING = "hi" }
secrets = { API_TOKEN = "arn:aws:ssm:us-east-1:123456789012:parameter/token" }
retry_attempts = 1
timeout_seconds = 3600
log_retention_days = 30

[[job_definitions]]
name = "small"
platform = "FARGATE"
image = "public.ecr.aws/docker/library/alpine:3.20"
vcpus = 0.25
memory = 512
"""

BASE_YAML = """\
name: demo
region: us-east-1
network:
  mode: nat
  cidr: 10.0.0.0/16
compute_environments:
  - name: ondemand
    type: EC2
    max_vcpus: 64
job_queues:
  - name: default
    compute_environments: [ondemand]
job_definitions:
  - name: hello
    image: public.ecr.aws/docker/library/alpine:3.20
    command: [echo, hello]
    vcpus: 1
    memory: 1024
    environment:
      GREETING: hi
"""


def toml(old: str, new: str) -> str:
    """BASE_TOML with one unique piece replaced."""
    assert BASE_TOML.count(old) == 1, old
    return BASE_TOML.replace(old, new)


def yaml(old: str, new: str) -> str:
    """BASE_YAML with one unique piece replaced."""
    assert BASE_YAML.count(old) == 1, old
    return BASE_YAML.replace(old, new)


@dataclass(frozen=True)
class Case:
    """One bad spec and what the error must say about it."""

    id: str
    text: str | bytes
    suffix: str
    field: str
    words: tuple[str, ...]
    # The line the message must point at: the first line holding this text.
    line_of: str | None = None
    # A key missing from the top level has no line to point at.
    has_line: bool = True


CASES = [
    # --- files that are not specs --------------------------------------------------------
    Case("empty-toml", "", ".toml", "", ("the spec is empty", "batchform init")),
    Case("empty-yaml", "\n\n", ".yaml", "", ("the spec is empty",)),
    Case("comments-only-toml", "# name = 'x'\n", ".toml", "", ("holds no keys", "batchform init")),
    Case("comments-only-yaml", "# name: x\n", ".yml", "", ("holds no keys",)),
    Case("yaml-in-a-toml-file", BASE_YAML, ".toml", "", ("not valid TOML",), "name: demo"),
    Case("broken-yaml", "name: [demo\nregion: x\n", ".yaml", "", ("not valid YAML",)),
    Case("json-file", '{"name": "demo"}', ".json", "",
         ("unknown spec format '.json'", "use a .toml, .yaml or .yml")),
    Case("not-utf8", b"name = \"d\xe9mo\"\n", ".toml", "", ("not UTF-8",)),
    Case("yaml-list", "- name: demo\n", ".yaml", "", ("must be a table of keys, not a list",)),
    Case("yaml-duplicate-key", yaml("region: us-east-1\n", "region: us-east-1\nname: other\n"),
         ".yaml", "name", ("duplicate key", "line 1", "keep one"), "name: other"),
    Case("toml-duplicate-key", toml('region = "us-east-1"\n', 'region = "us-east-1"\nname = "x"\n'),
         ".toml", "", ("not valid TOML", "overwrite"), 'name = "x"'),
    # --- unknown keys and wrong types -------------------------------------------------------
    Case("unknown-top-level-key", toml("region =", "regoin ="), ".toml", "regoin",
         ("unknown key 'regoin'", "did you mean 'region'?"), "regoin ="),
    Case("unknown-compute-key", toml("max_vcpus = 64", "max_vcpu = 64"), ".toml",
         'compute_environments "ondemand": max_vcpu', ("did you mean 'max_vcpus'?",), "max_vcpu = 64"),
    Case("unknown-network-key", toml("availability_zones = 2", "availability_zones = 2\nflowlogs = true"),
         ".toml", "network.flowlogs", ("did you mean 'flow_logs'?",), "flowlogs"),
    Case("unknown-yaml-key", yaml("    vcpus: 1", "    vcpu: 1"), ".yaml",
         'job_definitions "hello": vcpu', ("did you mean 'vcpus'?",), "vcpu: 1"),
    Case("string-for-number", toml("max_vcpus = 64", 'max_vcpus = "64"'), ".toml",
         'compute_environments "ondemand": max_vcpus', ("expected a whole number", "str '64'"),
         'max_vcpus = "64"'),
    Case("fraction-for-whole-number", toml("memory = 1024", "memory = 1024.5"), ".toml",
         'job_definitions "hello": memory', ("expected a whole number", "1024.5"), "memory = 1024.5"),
    Case("string-for-list", toml('command = ["echo", "hello"]', 'command = "echo hello"'), ".toml",
         'job_definitions "hello": command', ("expected a list", "'echo hello'"), 'command = "echo'),
    Case("string-for-table", toml("tags = { team = \"data\" }", 'tags = "team=data"'), ".toml",
         "tags", ("expected a table",), "tags ="),
    Case("string-for-bool", toml("availability_zones = 2", 'availability_zones = 2\nflow_logs = "yes"'),
         ".toml", "network.flow_logs", ("expected true or false", "'yes'"), "flow_logs"),
    Case("string-for-zone-count", toml("availability_zones = 2", 'availability_zones = "2"'), ".toml",
         "network.availability_zones", ("expected a whole number or a list",),
         'availability_zones = "2"'),
    Case("yaml-wrong-type", yaml("    max_vcpus: 64", "    max_vcpus: lots"), ".yaml",
         'compute_environments "ondemand": max_vcpus', ("expected a whole number", "'lots'"), "lots"),
    Case("missing-stack-name", toml('name = "demo"\n', ""), ".toml", "name",
         ("required key 'name' is missing",), has_line=False),
    Case("missing-queue-compute", toml('compute_environments = ["fargate"]\n', ""), ".toml",
         'job_queues "serverless": compute_environments', ("required key 'compute_environments'",)),
    Case("unknown-network-mode", toml('mode = "nat"', 'mode = "private"'), ".toml", "network.mode",
         ("'private' is not allowed", "'endpoints'"), 'mode = "private"'),
    Case("unknown-compute-type", toml('type = "EC2"', 'type = "GPU"'), ".toml",
         'compute_environments "ondemand": type', ("'GPU' is not allowed", "use one of 'EC2', 'SPOT', 'FARGATE' or 'FARGATE_SPOT'"), 'type = "GPU"'),
    # --- names ---------------------------------------------------------------------------
    Case("queue-name-with-space", toml('name = "default"', 'name = "job queue"'), ".toml",
         'job_queues "job queue": name', ("not a valid AWS Batch name", "no spaces", "'nightly-etl'"),
         'name = "job queue"'),
    Case("name-with-trailing-newline", toml('name = "hello"', 'name = "hello\\n"'), ".toml",
         'job_definitions "hello\\n": name', ("not a valid AWS Batch name",), 'name = "hello\\n"'),
    Case("job-name-too-long", toml('name = "hello"', f'name = "{"h" * 129}"'), ".toml",
         f'job_definitions "{"h" * 129}": name', ("1 to 128 characters",), 'name = "hhh'),
    Case("stack-name-upper-case", toml('name = "demo"', 'name = "Demo"'), ".toml", "name",
         ("lower-case", "'data-batch'"), 'name = "Demo"'),
    Case("duplicate-job-names", toml('name = "small"', 'name = "hello"'), ".toml",
         "job_definitions[2]: name", ("'hello' is already used by job_definitions[1]",)),
    Case("duplicate-queue-names", toml('name = "serverless"', 'name = "default"'), ".toml",
         "job_queues[2]: name", ("already used by job_queues[1]",)),
    Case("iam-role-name-too-long", toml('name = "hello"', f'name = "{"h" * 60}"'), ".toml",
         f'job_definitions "{"h" * 60}": name', ("IAM role name", "64")),
    # --- network -------------------------------------------------------------------------
    Case("cidr-not-a-cidr", toml('cidr = "10.0.0.0/16"', 'cidr = "10.0.0.0/33"'), ".toml",
         "network.cidr", ("not an IPv4 CIDR block like '10.0.0.0/16'",), "cidr ="),
    Case("cidr-host-bits", toml('cidr = "10.0.0.0/16"', 'cidr = "10.0.0.1/16"'), ".toml",
         "network.cidr", ("has host bits set",), "cidr ="),
    Case("cidr-too-large", toml('cidr = "10.0.0.0/16"', 'cidr = "10.0.0.0/8"'), ".toml",
         "network.cidr", ("between /16 and /24", "/8")),
    Case("cidr-overlaps-link-local", toml('cidr = "10.0.0.0/16"', 'cidr = "169.254.0.0/16"'),
         ".toml", "network.cidr", ("overlaps 169.254.0.0/16", "such as 10.0.0.0/16")),
    Case("cidr-overlaps-docker-bridge", toml('cidr = "10.0.0.0/16"', 'cidr = "172.17.0.0/16"'),
         ".toml", "network.cidr", ("overlaps 172.17.0.0/16", "Docker", "such as 10.0.0.0/16"),
         "cidr ="),
    Case("zero-availability-zones", toml("availability_zones = 2", "availability_zones = 0"),
         ".toml", "network.availability_zones", ("1 to 6 availability zones", "got 0"),
         "availability_zones = 0"),
    Case("seven-availability-zones", toml("availability_zones = 2", "availability_zones = 7"),
         ".toml", "network.availability_zones", ("1 to 6", "got 7")),
    Case("zone-outside-region",
         toml("availability_zones = 2", 'availability_zones = ["us-east-1a", "us-west-2b"]'),
         ".toml", "network.availability_zones[2]", ("'us-west-2b' is not in the stack's region",
                                                   "'us-east-1a'")),
    Case("zone-not-a-zone", toml("availability_zones = 2", 'availability_zones = ["east-1a"]'),
         ".toml", "network.availability_zones", ("not an availability zone name like",)),
    Case("existing-without-subnets", toml('mode = "nat"\ncidr = "10.0.0.0/16"\n',
                                          'mode = "existing"\nvpc_id = "vpc-0123abcd"\n'),
         ".toml", "network.subnet_ids", ("needs subnet_ids",), "[network]"),
    Case("existing-with-bad-vpc-id",
         toml('mode = "nat"\ncidr = "10.0.0.0/16"\n',
              'mode = "existing"\nvpc_id = "vpc-main"\nsubnet_ids = ["subnet-0123abcd"]\n'),
         ".toml", "network.vpc_id", ("'vpc-main' is not an id like 'vpc-0123456789abcdef0'",),
         'vpc_id = "vpc-main"'),
    Case("existing-with-cidr",
         toml('mode = "nat"\n', 'mode = "existing"\nvpc_id = "vpc-0123abcd"\n'
              'subnet_ids = ["subnet-0123abcd"]\n'),
         ".toml", "network.cidr", ("cidr applies only to a VPC batchform creates", "remove them"),
         "cidr ="),
    Case("vpc-id-outside-existing", toml('mode = "nat"\n', 'mode = "nat"\nvpc_id = "vpc-0123abcd"\n'),
         ".toml", "network.vpc_id", ("vpc_id applies only to mode 'existing'",
                                     'set mode = "existing"'), "vpc_id ="),
    Case("endpoints-with-public-image", toml('mode = "nat"', 'mode = "endpoints"'), ".toml",
         'job_definitions "hello": image', ("not in the account's private ECR", "use mode 'nat'")),
    # --- compute environments and queues -----------------------------------------------------
    Case("min-above-max-vcpus", toml("min_vcpus = 0", "min_vcpus = 128"), ".toml",
         'compute_environments "ondemand": min_vcpus',
         ("min_vcpus (128) must be between 0 and max_vcpus (64)",), "min_vcpus = 128"),
    Case("zero-max-vcpus", toml("max_vcpus = 16", "max_vcpus = 0"), ".toml",
         'compute_environments "fargate": max_vcpus', ("0 is out of range", "greater than or equal to 1"), "max_vcpus = 0"),
    Case("fargate-with-instance-types",
         toml('type = "FARGATE"', 'type = "FARGATE"\ninstance_types = ["m6i.large"]'), ".toml",
         'compute_environments "fargate": instance_types',
         ("instance_types cannot be set on a FARGATE", "use type EC2/SPOT"), "m6i.large"),
    Case("fargate-with-min-vcpus", toml('type = "FARGATE"', 'type = "FARGATE"\nmin_vcpus = 1'),
         ".toml", 'compute_environments "fargate": min_vcpus', ("min_vcpus cannot be set on a FARGATE",),
         "min_vcpus = 1"),
    Case("spot-strategy-on-ec2",
         toml('type = "EC2"', 'type = "EC2"\nallocation_strategy = "SPOT_CAPACITY_OPTIMIZED"'),
         ".toml", 'compute_environments "ondemand": allocation_strategy',
         ("is for SPOT", "BEST_FIT_PROGRESSIVE"), "allocation_strategy"),
    Case("bid-percentage-on-ec2", toml('type = "EC2"', 'type = "EC2"\nbid_percentage = 50'),
         ".toml", 'compute_environments "ondemand": bid_percentage',
         ("bid_percentage only applies to type SPOT",), "bid_percentage"),
    Case("queue-with-four-compute-environments",
         toml('compute_environments = ["ondemand"]', 'compute_environments = ["a", "b", "c", "d"]'),
         ".toml", 'job_queues "default": compute_environments', ("at most 3", "got 4", "several queues")),
    Case("queue-mixing-platforms",
         toml('compute_environments = ["ondemand"]', 'compute_environments = ["ondemand", "fargate"]'),
         ".toml", 'job_queues "default": compute_environments', ("mixes EC2/SPOT with FARGATE", "two queues")),
    Case("queue-naming-unknown-compute",
         toml('compute_environments = ["ondemand"]', 'compute_environments = ["ondemnd"]'), ".toml",
         'job_queues "default": compute_environments[1]',
         ("no compute environment named 'ondemnd'", "did you mean 'ondemand'?")),
    Case("queue-priority-too-high", toml("priority = 1", "priority = 2000"), ".toml",
         'job_queues "default": priority', ("less than or equal to 1000",), "priority = 2000"),
    Case("runnable-timeout-too-short",
         toml("priority = 1", "priority = 1\nrunnable_timeout_seconds = 60"), ".toml",
         'job_queues "default": runnable_timeout_seconds', ("greater than or equal to 600",)),
    Case("fair-share-zero-weight",
         toml("priority = 1", "priority = 1\nfair_share = { shares = { teama = 0 } }"), ".toml",
         'job_queues "default": fair_share.shares', ("between 0.0001 and 999.9999",)),
    # --- job definitions ---------------------------------------------------------------
    Case("fargate-vcpus-not-a-size", toml("vcpus = 0.25", "vcpus = 0.3"), ".toml",
         'job_definitions "small": vcpus', ("vcpus 0.3 is not a Fargate size", "0.25, 0.5, 1, 2, 4, 8, 16"),
         "vcpus = 0.3"),
    Case("fargate-memory-does-not-fit", toml("memory = 512", "memory = 4096"), ".toml",
         'job_definitions "small": memory',
         ("memory 4096 MiB does not fit 0.25 Fargate vCPU", "512, 1024 or 2048"), "memory = 4096"),
    Case("ec2-fractional-vcpus", toml("\nvcpus = 1\n", "\nvcpus = 0.5\n"), ".toml",
         'job_definitions "hello": vcpus', ("whole number of vCPUs",), "vcpus = 0.5"),
    Case("secret-not-an-arn", toml(
        '"arn:aws:ssm:us-east-1:123456789012:parameter/token"', '"hunter2"'), ".toml",
         'job_definitions "hello": secrets', ("'hunter2' is not an SSM parameter or Secrets Manager ARN",
                                       "arn:aws:ssm:")),
    Case("secret-from-s3", toml(
        '"arn:aws:ssm:us-east-1:123456789012:parameter/token"', '"arn:aws:s3:::bucket/token"'),
         ".toml", 'job_definitions "hello": secrets', ("not an SSM parameter or Secrets Manager ARN",)),
    Case("secret-in-another-region", toml(
        '"arn:aws:ssm:us-east-1:123456789012:parameter/token"',
        '"arn:aws:ssm:eu-west-1:123456789012:parameter/token"'), ".toml",
         'job_definitions "hello": secrets.API_TOKEN', ("another region than the stack (us-east-1)",)),
    Case("password-as-plain-text", toml('GREETING = "hi"', 'DB_PASSWORD = "hunter2"'), ".toml",
         'job_definitions "hello": environment', ("DB_PASSWORD looks like a credential", "`secrets`")),
    Case("api-key-as-plain-text", toml('GREETING = "hi"', 'API_KEY = "abc"'), ".toml",
         'job_definitions "hello": environment', ("API_KEY looks like a credential",)),
    Case("token-as-plain-text-yaml", yaml("GREETING: hi", "GITHUB_TOKEN: ghp_x"), ".yaml",
         'job_definitions "hello": environment', ("GITHUB_TOKEN looks like a credential",),
         "environment:"),
    Case("environment-name-with-digit-first", toml('GREETING = "hi"', '1GREETING = "hi"'), ".toml",
         'job_definitions "hello": environment', ("not an environment variable name",)),
    Case("environment-empty-value", toml('GREETING = "hi"', 'GREETING = ""'), ".toml",
         'job_definitions "hello": environment', ("empty values are dropped by AWS", "give it a value")),
    Case("log-retention-not-allowed", toml("log_retention_days = 30", "log_retention_days = 31"),
         ".toml", 'job_definitions "hello": log_retention_days', ("31 is not a CloudWatch Logs retention",
                                                          "1, 3, 5, 7, 14, 30")),
    Case("image-with-space", toml('image = "public.ecr.aws/docker/library/alpine:3.20"\ncommand',
                                  'image = "alpine 3.20"\ncommand'), ".toml",
         'job_definitions "hello": image', ("has no whitespace",)),
    Case("policy-not-an-arn", toml("log_retention_days = 30",
                                   'log_retention_days = 30\njob_role_policy_arns = ["S3Read"]'),
         ".toml", 'job_definitions "hello": job_role_policy_arns', ("not an IAM policy ARN like",)),
    Case("decomposed-unicode", toml('command = ["echo", "hello"]', 'command = ["echo", "cafe\\u0301"]'),
         ".toml", 'job_definitions "hello": command', ("not in Unicode NFC form", "'caf\\xe9'")),
    Case("tag-key-reserved-prefix", toml('tags = { team = "data" }', 'tags = { "aws:team" = "data" }'),
         ".toml", "tags", ("not starting with 'aws:'",)),
    Case("region-not-a-region", toml('region = "us-east-1"', 'region = "us-east"'), ".toml",
         "region", ("not an AWS region like 'us-east-1'",), 'region = "us-east"'),
    # --- what AWS refuses (the facts package) ----------------------------------------------
    Case("region-unknown", toml('region = "us-east-1"', 'region = "us-east-9"'), ".toml",
         "region", ("'us-east-9' is not an AWS region", "did you mean"), 'region = "us-east-9"'),
    Case("instance-type-misspelt", toml('instance_types = ["c6i.large"]', 'instance_types = ["c6i.larg"]'),
         ".toml", 'compute_environments "ondemand": instance_types',
         ("'c6i.larg' is not an EC2 instance type", "did you mean 'c6i.large'?"), "c6i.larg"),
    Case("instance-types-of-two-architectures",
         toml('instance_types = ["c6i.large"]', 'instance_types = ["m7g.large", "c6i.large"]'),
         ".toml", 'compute_environments "ondemand": instance_types',
         ("mixes arm64 (m7g.large) and x86_64 (c6i.large)", "one architecture"), "m7g.large"),
    Case("queue-of-two-architectures",
         toml('[[compute_environments]]\nname = "fargate"',
              '[[compute_environments]]\nname = "graviton"\ninstance_types = ["m7g"]\n\n'
              '[[compute_environments]]\nname = "fargate"').replace(
             'compute_environments = ["ondemand"]', 'compute_environments = ["ondemand", "graviton"]'),
         ".toml", 'job_queues \"default\": compute_environments',
         ("mixes arm64 (graviton) and x86_64 (ondemand)", "its own queue")),
    Case("job-fits-no-instance-type",
         toml("vcpus = 1\nmemory = 1024", "vcpus = 16\nmemory = 65536"), ".toml",
         'job_definitions \"hello\": vcpus',
         ('16 vCPU / 65536 MiB fits no instance type of compute environment "ondemand" '
          "(c6i.large tops out at 2 vCPU / about 3.8 GiB)", "add c6i.12xlarge or lower the job")),
    Case("spot-best-fit-without-fleet-role",
         toml('type = "EC2"', 'type = "SPOT"\nallocation_strategy = "BEST_FIT"'), ".toml",
         'compute_environments \"ondemand\": allocation_strategy',
         ("BEST_FIT on SPOT needs a Spot Fleet IAM role", "SPOT_PRICE_CAPACITY_OPTIMIZED"),
         "allocation_strategy"),
    Case("share-identifier-too-long",
         toml("priority = 1", 'priority = 1\nfair_share = { shares = { ' + "a" * 256 + ' = 1 } }'),
         ".toml", 'job_queues \"default\": fair_share.shares', ("use 1 to 255 letters and digits",)),
    Case("share-identifiers-overlap",
         toml("priority = 1", 'priority = 1\nfair_share = { shares = { "teama*" = 1, teama1 = 2 } }'),
         ".toml", 'job_queues \"default\": fair_share.shares', ("'teama*' and 'teama1' overlap",)),
    Case("secret-partial-arn", toml(
        '"arn:aws:ssm:us-east-1:123456789012:parameter/token"',
        '"arn:aws:secretsmanager:us-east-1:123456789012:secret:token"'), ".toml",
         'job_definitions \"hello\": secrets', ("partial Secrets Manager ARN", "IAM matches only that full ARN")),
    Case("kms-alias-for-secrets", toml('tags = { team = "data" }',
                                       'tags = { team = "data" }\nsecrets_kms_key_arn = '
                                       '"arn:aws:kms:us-east-1:123456789012:alias/app"'),
         ".toml", "secrets_kms_key_arn", ("is a KMS alias ARN", "give the key ARN")),
    Case("kms-key-without-secrets", toml(
        'secrets = { API_TOKEN = "arn:aws:ssm:us-east-1:123456789012:parameter/token" }\n',
        "").replace('tags = { team = "data" }', 'tags = { team = "data" }\nsecrets_kms_key_arn = '
                    '"arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab"'),
         ".toml", "secrets_kms_key_arn", ("no job has any",)),
    Case("service-role-unknown", toml('tags = { team = "data" }',
                                      'tags = { team = "data" }\nservice_role = "mine"'),
         ".toml", "service_role", ("'mine' is not allowed", "'custom'"), 'service_role = "mine"'),
    Case("compute-name-prefix-too-long",
         toml('name = "fargate"', f'name = "{"f" * 100}"').replace(
             'compute_environments = ["fargate"]', f'compute_environments = ["{"f" * 100}"]'),
         ".toml", f'compute_environments "{"f" * 100}": name', ("name prefix", "is 106 characters", "allows 102")),
    Case("compute-role-name-too-long-custom-role",
         toml('name = "fargate"', f'name = "{"f" * 50}"').replace(
             'compute_environments = ["fargate"]', f'compute_environments = ["{"f" * 50}"]').replace(
             'tags = { team = "data" }', 'tags = { team = "data" }\nservice_role = "custom"'),
         ".toml", f'compute_environments "{"f" * 50}": name', ("-batch-service' would be", "IAM allows 64")),
    # --- compute features ----------------------------------------------------------------
    Case("amazon-linux-2", toml('type = "EC2"', 'type = "EC2"\nimage_type = "ECS_AL2"'), ".toml",
         'compute_environments "ondemand": image_type', ("Amazon Linux 2", "30 June 2026",
                                                         "use ECS_AL2023"), 'image_type = "ECS_AL2"'),
    Case("image-type-unknown", toml('type = "EC2"', 'type = "EC2"\nimage_type = "AL2023"'), ".toml",
         'compute_environments "ondemand": image_type', ("not an ECS image type", "ECS_AL2023_NVIDIA")),
    Case("nvidia-image-on-graviton",
         toml('instance_types = ["c6i.large"]',
              'instance_types = ["m7g.large"]\nimage_type = "ECS_AL2023_NVIDIA"'), ".toml",
         'compute_environments "ondemand": image_type', ("x86_64 instance types only", "Graviton")),
    Case("a1-without-amazon-linux-2023",
         toml('instance_types = ["c6i.large"]', 'instance_types = ["a1.large"]'), ".toml",
         'compute_environments "ondemand": instance_types', ("does not support A1",)),
    Case("image-id-not-an-ami", toml('type = "EC2"', 'type = "EC2"\nimage_id = "ami-12"'), ".toml",
         'compute_environments "ondemand": image_id', ("not an AMI id",)),
    Case("root-volume-below-the-ami",
         toml('type = "EC2"', 'type = "EC2"\nlaunch_template = { root_volume_gib = 8 }'), ".toml",
         'compute_environments "ondemand": launch_template.root_volume_gib',
         ("greater than or equal to 30",), "launch_template"),
    Case("user-data-outside-the-spec-directory",
         toml('type = "EC2"', 'type = "EC2"\nlaunch_template = { user_data = "../boot.sh" }'),
         ".toml", 'compute_environments "ondemand": launch_template.user_data',
         ("leads outside the spec's directory",), "launch_template"),
    Case("user-data-missing",
         toml('type = "EC2"', 'type = "EC2"\nlaunch_template = { user_data = "boot.sh" }'),
         ".toml", 'compute_environments "ondemand": launch_template.user_data',
         ("no such file relative to the spec's directory",)),
    Case("update-policy-timeout-too-long",
         toml('type = "EC2"', 'type = "EC2"\nupdate_policy = { job_execution_timeout_minutes = 400 }'),
         ".toml", 'compute_environments "ondemand": update_policy.job_execution_timeout_minutes',
         ("less than or equal to 360",)),
    Case("placement-group-on-fargate",
         toml('type = "FARGATE"', 'type = "FARGATE"\nplacement_group = "cluster"'), ".toml",
         'compute_environments "fargate": placement_group', ("cannot be set on a FARGATE",)),
    # --- job features ----------------------------------------------------------------------
    Case("gpu-job-on-types-without-gpus",
         toml('command = ["echo", "hello"]', 'command = ["echo", "hello"]\ngpus = 1'), ".toml",
         'job_definitions "hello": gpus', ("fits no compute environment", "(c6i.large) has no GPUs",
                                           "NVIDIA GPU instance types", "add g")),
    Case("gpu-job-on-fargate", toml("vcpus = 0.25", "vcpus = 0.25\ngpus = 1"), ".toml",
         'job_definitions "small": gpus', ("Fargate has no GPUs",)),
    Case("arm64-job-on-x86-instances",
         toml('command = ["echo", "hello"]', 'command = ["echo", "hello"]\narchitecture = "ARM64"'),
         ".toml", 'job_definitions "hello": architecture', ("cannot run on queue 'default'",
                                                            "runs x86_64 instances")),
    Case("arm64-fargate-job-on-an-x86-ec2-queue",
         toml("vcpus = 0.25", 'vcpus = 0.25\narchitecture = "ARM64"\nqueues = ["default"]'),
         ".toml", 'job_definitions "small": queues[1]', ("feeds EC2 compute",)),
    Case("job-queue-unknown",
         toml('command = ["echo", "hello"]', 'command = ["echo", "hello"]\nqueues = ["defalt"]'),
         ".toml", 'job_definitions "hello": queues[1]', ("no job queue named 'defalt'",
                                                         "did you mean 'default'?")),
    Case("ephemeral-storage-on-ec2",
         toml('command = ["echo", "hello"]', 'command = ["echo", "hello"]\nephemeral_storage_gib = 50'),
         ".toml", 'job_definitions "hello": ephemeral_storage_gib', ("Fargate task's storage",
                                                                    "root_volume_gib")),
    Case("ephemeral-storage-too-small",
         toml("vcpus = 0.25", "vcpus = 0.25\nephemeral_storage_gib = 20"), ".toml",
         'job_definitions "small": ephemeral_storage_gib', ("greater than or equal to 21",)),
    Case("multinode-on-fargate",
         toml("vcpus = 0.25", 'vcpus = 0.25\ntype = "multinode"\nnodes = 2'), ".toml",
         'job_definitions "small": type', ("multi-node parallel jobs run on EC2 only",)),
    Case("multinode-main-node-out-of-range",
         toml('command = ["echo", "hello"]',
              'command = ["echo", "hello"]\ntype = "multinode"\nnodes = 2\nmain_node = 2'),
         ".toml", 'job_definitions "hello": main_node', ("not one of the 2 nodes",)),
    Case("nodes-without-multinode",
         toml('command = ["echo", "hello"]', 'command = ["echo", "hello"]\nnodes = 2'), ".toml",
         'job_definitions "hello": nodes', ('applies to type "multinode" only',)),
    Case("privileged-on-fargate", toml("vcpus = 0.25", "vcpus = 0.25\nprivileged = true"), ".toml",
         'job_definitions "small": privileged', ("does not apply to jobs on Fargate",)),
    Case("host-path-on-fargate",
         toml("vcpus = 0.25", 'vcpus = 0.25\nvolumes = [{ name = "d", mount_path = "/d", '
              'host_path = "/srv" }]'), ".toml",
         'job_definitions "small": volumes "d": host_path', ("no host to mount",)),
    Case("efs-access-point-without-transit-encryption",
         toml("vcpus = 0.25", 'vcpus = 0.25\nvolumes = [{ name = "d", mount_path = "/d", efs = { '
              'file_system_id = "fs-01234567", access_point_id = "fsap-01234567", '
              "transit_encryption = false } }]"), ".toml",
         'job_definitions "small": volumes "d": efs.transit_encryption',
         ("an access point needs transit encryption",)),
    Case("efs-file-system-not-an-id",
         toml("vcpus = 0.25", 'vcpus = 0.25\nvolumes = [{ name = "d", mount_path = "/d", '
              'efs = { file_system_id = "my-fs" } }]'), ".toml",
         'job_definitions "small": volumes "d": efs.file_system_id', ("not an EFS file system id",)),
    Case("retry-with-too-many-rules",
         toml("retry_attempts = 1", "retry = { attempts = 3, on_spot_reclaim = true, "
              "on_image_pull_error = true, evaluate_on_exit = ["
              + ", ".join(f'{{ on_exit_code = "{n}", action = "RETRY" }}' for n in range(3))
              + "] }"), ".toml", 'job_definitions "hello": retry.evaluate_on_exit',
         ("6 rules", "at most 5")),
    Case("retry-rule-pattern", toml("retry_attempts = 1", 'retry = { attempts = 2, evaluate_on_exit '
                                    '= [{ on_reason = "*pull*", action = "RETRY" }] }'), ".toml",
         'job_definitions "hello": retry.evaluate_on_exit[1]: on_reason', ("can optionally end",)),
    Case("retry-and-retry-attempts",
         toml("retry_attempts = 1", "retry_attempts = 1\nretry = { attempts = 3 }"), ".toml",
         'job_definitions "hello": retry_attempts', ("not both",)),
    Case("ulimit-unknown", toml("retry_attempts = 1", "ulimits = { files = { soft = 1, hard = 2 } }"),
         ".toml", 'job_definitions "hello": ulimits', ("not a ulimit", "nofile")),
    Case("ulimit-soft-above-hard",
         toml("retry_attempts = 1", "ulimits = { nofile = { soft = 4096, hard = 1024 } }"), ".toml",
         'job_definitions "hello": ulimits.nofile.soft', ("above the hard limit",)),
    Case("fair-share-job-without-scheduling-priority",
         toml("priority = 1", "priority = 1\nfair_share = { shares = { teama = 1 } }"), ".toml",
         'job_definitions "hello": scheduling_priority', ("fair-share queue 'default'",)),
    Case("multinode-on-spot",
         toml('type = "EC2"', 'type = "SPOT"').replace(
             'command = ["echo", "hello"]', 'command = ["echo", "hello"]\ntype = "multinode"\n'
             "nodes = 2"), ".toml", 'job_definitions "hello": type', ("do not run on Spot",)),
    # --- organisation settings --------------------------------------------------------------
    Case("iam-path-without-slashes",
         toml('tags = { team = "data" }', 'tags = { team = "data" }\niam = { path = "batch" }'),
         ".toml", "iam.path", ("not an IAM path", "'/batch/'")),
    Case("permissions-boundary-not-a-policy",
         toml('tags = { team = "data" }', 'tags = { team = "data" }\niam = { '
              'permissions_boundary_arn = "arn:aws:iam::123456789012:role/x" }'), ".toml",
         "iam.permissions_boundary_arn", ("not an IAM policy ARN",)),
    Case("backend-bucket-name",
         toml('tags = { team = "data" }', 'tags = { team = "data" }\nbackend = { s3 = { '
              'bucket = "My_State", key = "a.tfstate" } }'), ".toml", "backend.s3.bucket",
         ("lower-case", "bucket naming rules")),
    Case("backend-key-with-leading-slash",
         toml('tags = { team = "data" }', 'tags = { team = "data" }\nbackend = { s3 = { '
              'bucket = "state", key = "/a.tfstate" } }'), ".toml", "backend.s3.key",
         ("must not start or end with '/'",)),
    Case("log-key-in-another-region",
         toml('tags = { team = "data" }', 'tags = { team = "data" }\nlog_kms_key_arn = '
              '"arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"'),
         ".toml", "log_kms_key_arn", ("another region",)),
    Case("flow-log-retention-without-flow-logs",
         toml("availability_zones = 2", "availability_zones = 2\nflow_log_retention_days = 90"),
         ".toml", "network.flow_log_retention_days", ("flow_logs is off",)),
]


def line_number(text: str | bytes, needle: str) -> int:
    lines = text.decode() if isinstance(text, bytes) else text
    for number, line in enumerate(lines.splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} is in no line of the spec")


def run_main(args: list[str], monkeypatch: pytest.MonkeyPatch) -> tuple[int, str, str]:
    """Run the console-script entry point in-process: exit code, stdout, stderr."""
    monkeypatch.setattr(sys, "argv", ["batchform", *args])
    with CliRunner().isolation() as (out, err, _):
        try:
            cli.main()
            code = 0
        except SystemExit as stop:
            code = stop.code if isinstance(stop.code, int) else 1
        sys.stdout.flush()
        sys.stderr.flush()
        return code, out.getvalue().decode(), err.getvalue().decode()


def write_case(tmp_path: Path, case: Case) -> Path:
    spec = tmp_path / f"spec{case.suffix}"
    if isinstance(case.text, bytes):
        spec.write_bytes(case.text)
    else:
        spec.write_text(case.text, "utf-8")
    return spec


def assert_reported(case: Case, spec: Path, code: int, stderr: str) -> None:
    assert code == 2, stderr
    field = case.field or "(top level)"
    found = re.search(rf"{re.escape(str(spec))}(?::(\d+))?: {re.escape(field)}: ", stderr)
    assert found, f"no '{spec}:LINE: {field}: ' in:\n{stderr}"
    if case.line_of is not None:
        assert found.group(1) == str(line_number(case.text, case.line_of)), stderr
    elif case.field and case.has_line:
        # Every key of a TOML or YAML spec has a line.
        assert found.group(1) is not None, stderr
    for words in case.words:
        assert words in stderr, f"{words!r} not in:\n{stderr}"


def test_there_are_at_least_forty_cases() -> None:
    assert len(CASES) >= 40
    assert len({case.id for case in CASES}) == len(CASES)


@pytest.mark.parametrize("text,suffix", [(BASE_TOML, ".toml"), (BASE_YAML, ".yaml")])
def test_the_base_specs_are_valid(text: str, suffix: str) -> None:
    # Each case breaks exactly one thing in a spec that is otherwise fine.
    assert parse_spec(text, source="base", suffix=suffix).name == "demo"


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_bad_spec_exits_2_and_writes_nothing(
    case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = write_case(tmp_path, case)
    out = tmp_path / "stack"
    code, _, stderr = run_main(["generate", str(spec), "--out", str(out)], monkeypatch)
    assert_reported(case, spec, code, stderr)
    assert not out.exists()
    assert [path.name for path in tmp_path.iterdir()] == [spec.name]


SUBPROCESS_CASES = ["yaml-in-a-toml-file", "queue-with-four-compute-environments",
                    "password-as-plain-text", "unknown-yaml-key"]


@pytest.mark.parametrize("case_id", SUBPROCESS_CASES)
def test_bad_spec_through_a_real_process(case_id: str, tmp_path: Path) -> None:
    case = next(case for case in CASES if case.id == case_id)
    spec = write_case(tmp_path, case)
    out = tmp_path / "stack"
    result = subprocess.run(
        [sys.executable, "-m", "batchform", "generate", str(spec), "--out", str(out)],
        capture_output=True, text=True, check=False, cwd=tmp_path, timeout=60,
    )
    assert_reported(case, spec, result.returncode, result.stderr)
    assert result.stdout == ""
    assert not out.exists()


def test_bad_spec_in_check_mode_also_exits_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    case = next(case for case in CASES if case.id == "queue-naming-unknown-compute")
    spec = write_case(tmp_path, case)
    code, _, stderr = run_main(["generate", str(spec), "--check", "--out", str(tmp_path / "s")],
                               monkeypatch)
    assert_reported(case, spec, code, stderr)


def test_every_problem_is_reported_at_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = BASE_TOML.replace("max_vcpus = 64", "max_vcpu = 64").replace(
        'mode = "nat"', 'mode = "private"')
    spec = tmp_path / "spec.toml"
    spec.write_text(text)
    code, _, stderr = run_main(["generate", str(spec), "--out", str(tmp_path / "s")], monkeypatch)
    assert code == 2
    assert "network.mode: " in stderr
    assert 'compute_environments "ondemand": max_vcpu: ' in stderr
