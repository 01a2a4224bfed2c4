"""`batchform doctor` against accounts built in moto (server mode): each broken account names
its planted cause, the healthy one exits 0."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from doctor_support import (
    PUBLIC_IMAGE,
    REGION,
    Builder,
    Built,
    Plan,
    fake_credentials,
    free_port,
)

HEALTHY = Plan()


def doctor(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    """The real command line, in its own process, against the test server only."""
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "batchform",
            "doctor",
            "--endpoint-url",
            url,
            "--region",
            REGION,
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env=os.environ.copy(),
    )


def codes(output: str) -> set[str]:
    """The finding codes of a JSON report."""
    return {finding["code"] for finding in json.loads(output)}


def stuck(aws: Builder, plan: Plan) -> Built:
    """The plan built, with one job held RUNNABLE in its queue."""
    built = aws.build(plan)
    aws.submit_runnable(built)
    return built


def test_healthy_account_exits_0_and_says_the_job_waits_for_capacity(aws: Builder) -> None:
    built = stuck(aws, HEALTHY)
    aws.launch_instance(built, register=True)
    run = doctor(aws.url, "--queue", built.queue, "--grace", "0")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "the job is waiting for capacity" in run.stdout
    assert "0 errors, 0 warnings" in run.stdout
    assert "1 container instance(s); 1 running EC2 instance(s) with its tags" in run.stdout
    assert "fits demo-ce (m5.large, x86_64)" in run.stdout


# (what is planted, the plan, the code doctor must name, what the message must say)
BROKEN = [
    (
        "private subnet without NAT or endpoints",
        replace(HEALTHY, nat=False),
        "BF005",
        "no NAT route",
    ),
    (
        "endpoints without private DNS",
        replace(HEALTHY, nat=False, endpoints=True, private_dns=False),
        "BF025",
        "private DNS off",
    ),
    ("security group without egress", replace(HEALTHY, egress=False), "BF007", "no egress rule"),
    (
        "instance role without the ECS policy",
        replace(HEALTHY, ecs_policy=False),
        "BF011",
        "lacks AmazonEC2ContainerServiceforEC2Role",
    ),
    (
        "job larger than every instance type",
        replace(HEALTHY, vcpus="8", memory="65536"),
        "BF004",
        "no compute environment can run it",
    ),
    (
        "outside image with no NAT",
        replace(HEALTHY, nat=False, endpoints=True, image=PUBLIC_IMAGE),
        "BF019",
        "outside private ECR",
    ),
    (
        "private ECR image of another region with no NAT",
        replace(
            HEALTHY,
            nat=False,
            endpoints=True,
            image="123456789012.dkr.ecr.eu-west-1.amazonaws.com/hello:1",
        ),
        "BF205",
        "private ECR of eu-west-1",
    ),
    (
        "S3 gateway endpoint not on the compute route table",
        replace(HEALTHY, nat=False, endpoints=True, s3_on_route_table=False),
        "BF026",
        "not on route table",
    ),
    (
        "private DNS endpoints in a VPC without DNS hostnames",
        replace(HEALTHY, nat=False, endpoints=True, dns_hostnames=False),
        "BF006",
        "enable_dns_hostnames off",
    ),
    (
        "jobs RUNNABLE with desired vCPUs at 0",
        replace(HEALTHY, desired_vcpus=0),
        "BF203",
        "desired vCPUs stay 0",
    ),
]


@pytest.mark.parametrize(
    ("plan", "code", "said"), [case[1:] for case in BROKEN], ids=[case[0] for case in BROKEN]
)
def test_broken_account_names_the_planted_cause(
    aws: Builder, plan: Plan, code: str, said: str
) -> None:
    built = stuck(aws, plan)
    run = doctor(aws.url, "--queue", built.queue, "--grace", "0")
    assert run.returncode == 1, run.stdout + run.stderr
    lines = [line for line in run.stdout.splitlines() if f": {code} " in line]
    assert lines and said in lines[0], run.stdout
    # Each finding names the resource (its id in the address) and its ARN (the file).
    assert lines[0].startswith("arn:aws:"), lines[0]
    assert "found " in run.stdout.splitlines()[-1]


def test_the_healthy_plan_has_none_of_the_planted_codes(aws: Builder) -> None:
    built = stuck(aws, replace(HEALTHY, desired_vcpus=2))
    run = doctor(aws.url, "--queue", built.queue, "--grace", "0", "--format", "json")
    assert run.returncode == 0, run.stderr
    assert codes(run.stdout) == set()


def test_instances_that_never_joined_the_cluster(aws: Builder) -> None:
    built = stuck(aws, HEALTHY)
    stray = aws.launch_instance(built, register=False)
    joined = aws.launch_instance(built, register=True)
    run = doctor(aws.url, "--queue", built.queue, "--grace", "0")
    assert run.returncode == 1, run.stdout + run.stderr
    line = next(line for line in run.stdout.splitlines() if ": BF201 " in line)
    assert stray in line and joined not in line
    # A fresh instance may still be registering: the default grace period keeps quiet.
    calm = doctor(aws.url, "--queue", built.queue)
    assert ": BF201 " not in calm.stdout and calm.returncode == 0, calm.stdout


def test_a_disabled_queue_with_waiting_jobs(aws: Builder) -> None:
    built = stuck(aws, HEALTHY)
    aws.batch.update_job_queue(jobQueue=built.queue, state="DISABLED")
    run = doctor(aws.url, "--queue", built.queue, "--format", "json")
    assert run.returncode == 1
    assert codes(run.stdout) == {"BF204"}


def test_default_walks_every_queue_with_runnable_jobs(aws: Builder) -> None:
    built = stuck(aws, replace(HEALTHY, nat=False))
    aws.batch.create_job_queue(
        jobQueueName="idle-queue",
        state="ENABLED",
        priority=2,
        computeEnvironmentOrder=[{"order": 1, "computeEnvironment": built.ce}],
    )
    run = doctor(aws.url)
    assert run.returncode == 1, run.stderr
    assert f"job queue {built.queue}:" in run.stdout
    assert "job queue idle-queue:" not in run.stdout


def test_no_runnable_jobs_anywhere(aws: Builder) -> None:
    aws.build(HEALTHY)
    run = doctor(aws.url)
    assert run.returncode == 0, run.stderr
    assert f"no job queue in {REGION} has RUNNABLE jobs" in run.stdout


def test_a_queue_without_runnable_jobs_is_still_walked(aws: Builder) -> None:
    built = aws.build(replace(HEALTHY, nat=False))
    run = doctor(aws.url, "--queue", built.queue, "--format", "json")
    assert run.returncode == 1
    assert codes(run.stdout) == {"BF005"}


def test_one_job_by_id(aws: Builder) -> None:
    built = stuck(aws, replace(HEALTHY, vcpus="8", memory="65536"))
    job_id = aws.batch.list_jobs(jobQueue=built.queue, jobStatus="RUNNABLE")["jobSummaryList"][0][
        "jobId"
    ]
    run = doctor(aws.url, "--job", job_id, "--format", "sarif")
    assert run.returncode == 1, run.stderr
    log = json.loads(run.stdout)
    assert log["version"] == "2.1.0"
    assert {result["ruleId"] for result in log["runs"][0]["results"]} == {"BF004"}


def test_a_failed_job_is_not_stuck(aws: Builder) -> None:
    built = aws.build(HEALTHY)
    # Without Docker, moto fails every job it is allowed to run.
    job = aws.batch.submit_job(
        jobName="fails", jobQueue=built.queue, jobDefinition=built.job_definition
    )
    for _ in range(200):
        if aws.batch.describe_jobs(jobs=[job["jobId"]])["jobs"][0]["status"] == "FAILED":
            break
    run = doctor(aws.url, "--job", job["jobId"])
    assert run.returncode == 0, run.stdout + run.stderr
    assert "the job is FAILED" in run.stdout


# -- what doctor cannot do is said in one line, exit 2 -------------------------------------------


def test_unknown_queue_and_job(aws: Builder) -> None:
    run = doctor(aws.url, "--queue", "nope")
    assert run.returncode == 2 and "no job queue 'nope'" in run.stderr
    run = doctor(aws.url, "--job", "0000")
    assert run.returncode == 2 and "no job '0000'" in run.stderr
    assert "Traceback" not in run.stderr


def test_no_credentials(aws: Builder, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    run = doctor(aws.url, "--queue", "q")
    assert run.returncode == 2
    assert run.stderr.startswith("batchform: no AWS credentials found"), run.stderr


def test_unknown_profile(aws: Builder) -> None:
    run = doctor(aws.url, "--profile", "missing", "--queue", "q")
    assert run.returncode == 2 and "missing" in run.stderr and "Traceback" not in run.stderr


def test_endpoint_that_does_not_answer(aws: Builder) -> None:
    run = doctor(f"http://127.0.0.1:{free_port()}", "--queue", "q")
    assert run.returncode == 2
    assert (
        "cannot reach http://127.0.0.1:" in run.stderr and "batch:DescribeJobQueues" in run.stderr
    )


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--job", "a", "--queue", "b"], "not both"),
        (["--grace", "nan"], "--grace"),
        (["--grace", "-1"], "--grace"),
        (["--format", "xml"], "--format"),
        (["--queue", " "], "--queue: empty"),
        (["--region", "us-east-9"], "did you mean"),
    ],
)
def test_bad_usage(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, args: list[str], said: str
) -> None:
    # Refused before any request: the endpoint is never contacted.
    fake_credentials(monkeypatch, "http://127.0.0.1:9", tmp_path)
    run = doctor("http://127.0.0.1:9", *args)
    assert "Traceback" not in run.stderr
    assert run.returncode == 2 and said in run.stderr, run.stderr


def test_bad_endpoint_url(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    fake_credentials(monkeypatch, "http://127.0.0.1:9", tmp_path)
    run = subprocess.run(
        [sys.executable, "-m", "batchform", "doctor", "--endpoint-url", "localhost:1"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 2 and "--endpoint-url" in run.stderr


def test_fargate_job_without_a_public_ip_in_a_subnet_without_nat(aws: Builder) -> None:
    built = aws.build(HEALTHY)
    # A Fargate compute environment in the public subnet (internet gateway route, no NAT).
    public = aws.ec2.describe_subnets(
        Filters=[{"Name": "cidr-block", "Values": ["10.0.128.0/24"]}]
    )["Subnets"][0]["SubnetId"]
    role = aws.iam.get_role(RoleName="AWSServiceRoleForbatch")["Role"]["Arn"]
    ce = aws.batch.create_compute_environment(
        computeEnvironmentName="demo-fargate",
        type="MANAGED",
        state="ENABLED",
        serviceRole=role,
        computeResources={
            "type": "FARGATE",
            "maxvCpus": 8,
            "subnets": [public],
            "securityGroupIds": [built.security_group],
        },
    )
    aws.batch.create_job_queue(
        jobQueueName="fargate-queue",
        state="ENABLED",
        priority=1,
        computeEnvironmentOrder=[{"order": 1, "computeEnvironment": ce["computeEnvironmentArn"]}],
    )
    aws.batch.register_job_definition(
        jobDefinitionName="fargate-job",
        type="container",
        platformCapabilities=["FARGATE"],
        containerProperties={
            "image": PUBLIC_IMAGE,
            "executionRoleArn": "arn:aws:iam::123456789012:role/demo-execution",
            "resourceRequirements": [
                {"type": "VCPU", "value": "0.5"},
                {"type": "MEMORY", "value": "1024"},
            ],
        },
    )
    fargate = Built(queue="fargate-queue", job_definition="fargate-job")
    aws.submit_runnable(fargate)
    run = doctor(aws.url, "--queue", "fargate-queue", "--format", "json")
    assert run.returncode == 1, run.stderr
    found = json.loads(run.stdout)
    # No public IP and no NAT: nothing reaches the registry, nor CloudWatch Logs (a warning).
    assert {finding["code"] for finding in found} == {"BF008", "BF019", "BF023"}
    assert any("assignPublicIp is not ENABLED" in finding["message"] for finding in found)
