"""moto in server mode for the doctor tests, and accounts built in it with boto3.

The server runs on 127.0.0.1 on a free port, started once per test session (per xdist worker)
and stopped after; every test resets it. The clients and the CLI reach only that server: the
fixture sets fake credentials and AWS_ENDPOINT_URL, and doctor is given --endpoint-url.

moto's Batch runs a submitted job in a thread that needs Docker; without it the job goes
straight to FAILED (moto/batch/models.py, Job.run). moto's state manager decides when a job
moves on (`/moto-api/state-manager/set-transition`, model "batch::job"): `submit_runnable`
lets the job advance on time until it is RUNNABLE, then switches to manual progression with
a count that is never reached, so the job stays RUNNABLE, as a stuck job does on AWS. moto
never writes a statusReason on a job nor marks a compute environment INVALID; those are
tested on snapshots (tests/test_doctor_rules.py).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

REGION = "us-east-1"
ACCOUNT = "123456789012"
PRIVATE_IMAGE = f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/hello:1"
PUBLIC_IMAGE = "public.ecr.aws/docker/library/alpine:3.20"
ECS_POLICY = "arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role"
COMPUTE_TAGS = {"batchform-compute": "demo"}
# Every interface endpoint compute needs without NAT (batchform.aws.endpoints).
INTERFACE_SERVICES = ("ecs", "ecs-agent", "ecs-telemetry", "ecr.api", "ecr.dkr", "logs")


def loopback_unavailable() -> str | None:
    """Why nothing can connect to 127.0.0.1 here (a network namespace whose `lo` is down, as
    `unshare -n` makes), or None when it can."""
    try:
        with socket.socket() as server:
            server.bind(("127.0.0.1", 0))
            server.listen(1)
            socket.create_connection(server.getsockname(), timeout=2).close()
    except OSError as error:
        return f"loopback (127.0.0.1) takes no connections here ({error.strerror or error})"
    return None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def start_moto(
    log: Path, extra_env: dict[str, str] | None = None
) -> tuple[subprocess.Popen[bytes], str]:
    """A moto server on 127.0.0.1, once it answers; the test skips when loopback is down."""
    if reason := loopback_unavailable():
        pytest.skip(f"moto's server needs it: {reason}")
    port = free_port()
    env = {**os.environ, "MOTO_IAM_LOAD_MANAGED_POLICIES": "true", **(extra_env or {})}
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            stdout=output,
            stderr=subprocess.STDOUT,
            env=env,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"moto server exited: {log.read_text()[-2000:]}")
        # A bare connection: an HTTP request would count towards INITIAL_NO_AUTH_ACTION_COUNT.
        try:
            socket.create_connection(("127.0.0.1", port), timeout=2).close()
            return process, url
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("moto server did not answer within 90 s")


def stop_moto(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def moto_api(url: str, path: str, body: dict[str, Any] | None = None) -> Any:
    request = urllib.request.Request(
        f"{url}/moto-api/{path}",
        data=json.dumps(body or {}).encode(),
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    return urllib.request.urlopen(request, timeout=10).read()


def fake_credentials(monkeypatch: pytest.MonkeyPatch, url: str, tmp_path: Path) -> None:
    """Credentials and an endpoint that reach only the test's server."""
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_ENDPOINT_URL", url)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


@pytest.fixture(scope="session")
def moto_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    process, url = start_moto(tmp_path_factory.mktemp("moto") / "moto.log")
    try:
        yield url
    finally:
        stop_moto(process)


@pytest.fixture
def aws(moto_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Builder]:
    """An empty account in the test server, and boto3 clients for it."""
    moto_api(moto_url, "reset")
    moto_api(moto_url, "state-manager/unset-transition", {"model_name": "batch::job"})
    fake_credentials(monkeypatch, moto_url, tmp_path)
    yield Builder(moto_url)


# -- accounts ---------------------------------------------------------------------------------


@dataclass
class Plan:
    """A Batch setup, healthy unless a trap is planted: each field is one thing a stack gets
    right or wrong, mirrored by `Builder.build` (in moto) and `terraform_stack` (in HCL)."""

    nat: bool = True  # a NAT gateway default route in the compute subnet's route table
    endpoints: bool = False  # the interface endpoints and the S3 gateway endpoint
    private_dns: bool = True  # on those interface endpoints
    s3_on_route_table: bool = True
    dns_hostnames: bool = True
    egress: bool = True  # the compute security group's allow-all egress
    ecs_policy: bool = True  # AmazonEC2ContainerServiceforEC2Role on the instance role
    vcpus: str = "1"
    memory: str = "2048"
    image: str = PRIVATE_IMAGE
    instance_types: list[str] = field(default_factory=lambda: ["m5.large"])
    desired_vcpus: int = 2


@dataclass
class Built:
    """What `Builder.build` made, by name."""

    queue: str = "demo-queue"
    ce: str = "demo-ce"
    job_definition: str = "demo-job"
    vpc: str = ""
    subnet: str = ""
    route_table: str = ""
    security_group: str = ""
    profile_arn: str = ""
    cluster_arn: str = ""
    ids: dict[str, str] = field(default_factory=dict)


class Builder:
    """boto3 calls that make an account in the test server."""

    def __init__(self, url: str) -> None:
        import boto3

        self.url = url
        session = boto3.Session(region_name=REGION)
        self.ec2 = session.client("ec2", endpoint_url=url)
        self.iam = session.client("iam", endpoint_url=url)
        self.batch = session.client("batch", endpoint_url=url)
        self.ecs = session.client("ecs", endpoint_url=url)

    def build(self, plan: Plan) -> Built:
        built = Built()
        self._network(plan, built)
        self._iam(plan, built)
        service_role = self.iam.create_service_linked_role(AWSServiceName="batch.amazonaws.com")
        ce = self.batch.create_compute_environment(
            computeEnvironmentName=built.ce,
            type="MANAGED",
            state="ENABLED",
            serviceRole=service_role["Role"]["Arn"],
            computeResources={
                "type": "EC2",
                "allocationStrategy": "BEST_FIT_PROGRESSIVE",
                "minvCpus": 0,
                "maxvCpus": 16,
                "desiredvCpus": plan.desired_vcpus,
                "instanceTypes": plan.instance_types,
                "subnets": [built.subnet],
                "securityGroupIds": [built.security_group],
                "instanceRole": built.profile_arn,
                "tags": COMPUTE_TAGS,
            },
        )
        built.cluster_arn = self.batch.describe_compute_environments(
            computeEnvironments=[ce["computeEnvironmentArn"]]
        )["computeEnvironments"][0]["ecsClusterArn"]
        self.batch.create_job_queue(
            jobQueueName=built.queue,
            state="ENABLED",
            priority=1,
            computeEnvironmentOrder=[
                {"order": 1, "computeEnvironment": ce["computeEnvironmentArn"]}
            ],
        )
        self.batch.register_job_definition(
            jobDefinitionName=built.job_definition,
            type="container",
            containerProperties={
                "image": plan.image,
                "command": ["echo", "hello"],
                "resourceRequirements": [
                    {"type": "VCPU", "value": plan.vcpus},
                    {"type": "MEMORY", "value": plan.memory},
                ],
            },
        )
        return built

    def _network(self, plan: Plan, built: Built) -> None:
        ec2 = self.ec2
        built.vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        ec2.modify_vpc_attribute(VpcId=built.vpc, EnableDnsSupport={"Value": True})
        ec2.modify_vpc_attribute(VpcId=built.vpc, EnableDnsHostnames={"Value": plan.dns_hostnames})
        public = ec2.create_subnet(VpcId=built.vpc, CidrBlock="10.0.128.0/24")["Subnet"]["SubnetId"]
        built.subnet = ec2.create_subnet(VpcId=built.vpc, CidrBlock="10.0.0.0/24")["Subnet"][
            "SubnetId"
        ]
        gateway = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
        ec2.attach_internet_gateway(InternetGatewayId=gateway, VpcId=built.vpc)
        public_table = ec2.create_route_table(VpcId=built.vpc)["RouteTable"]["RouteTableId"]
        ec2.create_route(
            RouteTableId=public_table, DestinationCidrBlock="0.0.0.0/0", GatewayId=gateway
        )
        ec2.associate_route_table(RouteTableId=public_table, SubnetId=public)
        built.route_table = ec2.create_route_table(VpcId=built.vpc)["RouteTable"]["RouteTableId"]
        ec2.associate_route_table(RouteTableId=built.route_table, SubnetId=built.subnet)
        if plan.nat:
            address = ec2.allocate_address(Domain="vpc")["AllocationId"]
            nat = ec2.create_nat_gateway(SubnetId=public, AllocationId=address)["NatGateway"]
            ec2.create_route(
                RouteTableId=built.route_table,
                DestinationCidrBlock="0.0.0.0/0",
                NatGatewayId=nat["NatGatewayId"],
            )
        group = ec2.create_security_group(
            GroupName="demo-compute", Description="batch compute", VpcId=built.vpc
        )
        built.security_group = group["GroupId"]
        if not plan.egress:
            ec2.revoke_security_group_egress(
                GroupId=built.security_group,
                IpPermissions=[{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
            )
        if plan.endpoints:
            self._endpoints(plan, built)

    def _endpoints(self, plan: Plan, built: Built) -> None:
        for service in INTERFACE_SERVICES:
            self.ec2.create_vpc_endpoint(
                VpcId=built.vpc,
                ServiceName=f"com.amazonaws.{REGION}.{service}",
                VpcEndpointType="Interface",
                SubnetIds=[built.subnet],
                SecurityGroupIds=[built.security_group],
                PrivateDnsEnabled=plan.private_dns,
            )
        self.ec2.create_vpc_endpoint(
            VpcId=built.vpc,
            ServiceName=f"com.amazonaws.{REGION}.s3",
            VpcEndpointType="Gateway",
            RouteTableIds=[built.route_table] if plan.s3_on_route_table else [],
        )

    def _iam(self, plan: Plan, built: Built) -> None:
        trust = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "ec2.amazonaws.com"},
                    "Action": "sts:AssumeRole",
                }
            ],
        }
        self.iam.create_role(RoleName="demo-instance", AssumeRolePolicyDocument=json.dumps(trust))
        if plan.ecs_policy:
            self.iam.attach_role_policy(RoleName="demo-instance", PolicyArn=ECS_POLICY)
        profile = self.iam.create_instance_profile(InstanceProfileName="demo-instance")
        self.iam.add_role_to_instance_profile(
            InstanceProfileName="demo-instance", RoleName="demo-instance"
        )
        built.profile_arn = profile["InstanceProfile"]["Arn"]

    # -- what happens after apply ----------------------------------------------------------

    def submit_runnable(self, built: Built, name: str = "hello") -> str:
        """Submit a job and hold it RUNNABLE (see the module docstring); its id."""
        for _attempt in range(3):
            moto_api(self.url, "state-manager/set-transition", {
                "model_name": "batch::job",
                "transition": {"progression": "time", "seconds": 1},
            })  # fmt: skip
            job = self.batch.submit_job(
                jobName=name, jobQueue=built.queue, jobDefinition=built.job_definition
            )
            status = self._wait_runnable(job["jobId"])
            if status == "RUNNABLE":
                return str(job["jobId"])
        raise AssertionError(f"moto did not hold the job RUNNABLE (last status {status})")

    def _wait_runnable(self, job_id: str) -> str:
        deadline = time.monotonic() + 30
        status = ""
        while time.monotonic() < deadline:
            status = self.batch.describe_jobs(jobs=[job_id])["jobs"][0]["status"]
            if status == "RUNNABLE":
                moto_api(self.url, "state-manager/set-transition", {
                    "model_name": "batch::job",
                    "transition": {"progression": "manual", "times": 10**9},
                })  # fmt: skip
                return str(self.batch.describe_jobs(jobs=[job_id])["jobs"][0]["status"])
            if status in ("STARTING", "RUNNING", "SUCCEEDED", "FAILED"):
                return status
            time.sleep(0.05)
        return status

    def launch_instance(self, built: Built, *, register: bool) -> str:
        """An instance as Batch launches one for the compute environment (its tags, in its
        subnet, with its instance profile); registered in the ECS cluster when `register`."""
        reservation = self.ec2.run_instances(
            ImageId="ami-12c6146b",
            MinCount=1,
            MaxCount=1,
            InstanceType="m5.large",
            SubnetId=built.subnet,
            SecurityGroupIds=[built.security_group],
            IamInstanceProfile={"Arn": built.profile_arn},
            TagSpecifications=[
                {
                    "ResourceType": "instance",
                    "Tags": [{"Key": key, "Value": value} for key, value in COMPUTE_TAGS.items()],
                }
            ],
        )
        instance_id = str(reservation["Instances"][0]["InstanceId"])
        if register:
            document = json.dumps(
                {"instanceId": instance_id, "region": REGION, "accountId": ACCOUNT}
            )
            self.ecs.register_container_instance(
                cluster=built.cluster_arn, instanceIdentityDocument=document
            )
        return instance_id


def terraform_stack(plan: Plan) -> str:
    """The Terraform of the same setup (and trap) `Builder.build` makes in moto."""
    nat_route = (
        '\n  route {\n    cidr_block     = "0.0.0.0/0"\n    nat_gateway_id = aws_nat_gateway.this.id\n  }\n'
        if plan.nat
        else ""
    )
    egress = (
        '\n  egress {\n    from_port   = 0\n    to_port     = 0\n    protocol    = "-1"\n'
        '    cidr_blocks = ["0.0.0.0/0"]\n  }\n'
        if plan.egress
        else ""
    )
    endpoints = ""
    if plan.endpoints:
        services = ", ".join(f'"{service}"' for service in INTERFACE_SERVICES)
        tables = "[aws_route_table.private.id]" if plan.s3_on_route_table else "[]"
        endpoints = f"""
resource "aws_vpc_endpoint" "interface" {{
  for_each            = toset([{services}])
  vpc_id              = aws_vpc.this.id
  service_name        = "com.amazonaws.{REGION}.${{each.value}}"
  vpc_endpoint_type   = "Interface"
  private_dns_enabled = {str(plan.private_dns).lower()}
  subnet_ids          = [aws_subnet.private.id]
  security_group_ids  = [aws_security_group.compute.id]
}}

resource "aws_vpc_endpoint" "s3" {{
  vpc_id            = aws_vpc.this.id
  service_name      = "com.amazonaws.{REGION}.s3"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = {tables}
}}
"""
    policy = (
        f'''
resource "aws_iam_role_policy_attachment" "instance" {{
  role       = aws_iam_role.instance.name
  policy_arn = "{ECS_POLICY}"
}}
'''
        if plan.ecs_policy
        else ""
    )
    types = ", ".join(f'"{name}"' for name in plan.instance_types)
    tags = ", ".join(f'"{key}" = "{value}"' for key, value in COMPUTE_TAGS.items())
    return f'''
resource "aws_vpc" "this" {{
  cidr_block           = "10.0.0.0/16"
  enable_dns_support   = true
  enable_dns_hostnames = {str(plan.dns_hostnames).lower()}
}}

resource "aws_subnet" "public" {{
  vpc_id     = aws_vpc.this.id
  cidr_block = "10.0.128.0/24"
}}

resource "aws_subnet" "private" {{
  vpc_id     = aws_vpc.this.id
  cidr_block = "10.0.0.0/24"
}}

resource "aws_internet_gateway" "this" {{
  vpc_id = aws_vpc.this.id
}}

resource "aws_route_table" "public" {{
  vpc_id = aws_vpc.this.id

  route {{
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.this.id
  }}
}}

resource "aws_route_table_association" "public" {{
  subnet_id      = aws_subnet.public.id
  route_table_id = aws_route_table.public.id
}}

resource "aws_eip" "nat" {{
  domain = "vpc"
}}

resource "aws_nat_gateway" "this" {{
  allocation_id = aws_eip.nat.id
  subnet_id     = aws_subnet.public.id
}}

resource "aws_route_table" "private" {{
  vpc_id = aws_vpc.this.id
{nat_route}}}

resource "aws_route_table_association" "private" {{
  subnet_id      = aws_subnet.private.id
  route_table_id = aws_route_table.private.id
}}

resource "aws_security_group" "compute" {{
  name        = "demo-compute"
  description = "batch compute"
  vpc_id      = aws_vpc.this.id
{egress}}}
{endpoints}
resource "aws_iam_role" "instance" {{
  name = "demo-instance"
  assume_role_policy = jsonencode({{
    Version   = "2012-10-17"
    Statement = [{{ Effect = "Allow", Principal = {{ Service = "ec2.amazonaws.com" }}, Action = "sts:AssumeRole" }}]
  }})
}}
{policy}
resource "aws_iam_instance_profile" "instance" {{
  name = "demo-instance"
  role = aws_iam_role.instance.name
}}

resource "aws_batch_compute_environment" "this" {{
  name_prefix = "demo-ce-"
  type        = "MANAGED"

  compute_resources {{
    type                = "EC2"
    allocation_strategy = "BEST_FIT_PROGRESSIVE"
    min_vcpus           = 0
    max_vcpus           = 16
    instance_type       = [{types}]
    subnets             = [aws_subnet.private.id]
    security_group_ids  = [aws_security_group.compute.id]
    instance_role       = aws_iam_instance_profile.instance.arn
    tags                = {{ {tags} }}
  }}

  lifecycle {{
    create_before_destroy = true
  }}
}}

resource "aws_batch_job_queue" "this" {{
  name     = "demo-queue"
  state    = "ENABLED"
  priority = 1

  compute_environment_order {{
    order               = 1
    compute_environment = aws_batch_compute_environment.this.arn
  }}
}}

resource "aws_batch_job_definition" "this" {{
  name = "demo-job"
  type = "container"
  container_properties = jsonencode({{
    image   = "{plan.image}"
    command = ["echo", "hello"]
    resourceRequirements = [
      {{ type = "VCPU", value = "{plan.vcpus}" }},
      {{ type = "MEMORY", value = "{plan.memory}" }},
    ]
  }})
}}
'''
