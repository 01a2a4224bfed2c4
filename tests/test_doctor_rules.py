"""What only AWS writes (an INVALID compute environment, a blocked queue's statusReason), judged
on snapshots shaped as the Describe results botocore returns: moto writes neither."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from batchform.doctor import RULE_CODES
from batchform.doctor.adapter import configuration
from batchform.doctor.overview import overview
from batchform.doctor.snapshot import Snapshot
from batchform.doctor.verdict import verdict
from batchform.lint.engine.runner import run_rules
from batchform.lint.findings import Finding
from batchform.lint.rules import ACCOUNT_ONLY, all_rules

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
HOUR_AGO = int((NOW - timedelta(hours=1)).timestamp() * 1000)
ARN = "arn:aws:batch:us-east-1:123456789012"


def snapshot(
    *,
    ce_status: str = "VALID",
    ce_reason: str = "ComputeEnvironment Healthy",
    job_reason: str | None = None,
    desired: int = 0,
    queue_state: str = "ENABLED",
) -> Snapshot:
    """One queue, one EC2 compute environment with a NAT route, one RUNNABLE job an hour old."""
    shot = Snapshot(region="us-east-1", account_id="123456789012", target="queue q", now=NOW)
    shot.queues = [
        {
            "jobQueueName": "q",
            "jobQueueArn": f"{ARN}:job-queue/q",
            "state": queue_state,
            "status": "VALID",
            "priority": 1,
            "computeEnvironmentOrder": [
                {"order": 1, "computeEnvironment": f"{ARN}:compute-environment/ce"}
            ],
        }
    ]
    shot.compute_environments = [
        {
            "computeEnvironmentName": "ce",
            "computeEnvironmentArn": f"{ARN}:compute-environment/ce",
            "type": "MANAGED",
            "state": "ENABLED",
            "status": ce_status,
            "statusReason": ce_reason,
            "serviceRole": "arn:aws:iam::123456789012:role/aws-service-role/batch.amazonaws.com/AWSServiceRoleForBatch",
            "computeResources": {
                "type": "EC2",
                "minvCpus": 0,
                "maxvCpus": 16,
                "desiredvCpus": desired,
                "instanceTypes": ["m5.large"],
                "subnets": ["subnet-1"],
                "securityGroupIds": ["sg-1"],
            },
        }
    ]
    job: dict[str, Any] = {
        "jobId": "j-1",
        "jobName": "hello",
        "jobArn": f"{ARN}:job/j-1",
        "status": "RUNNABLE",
        "createdAt": HOUR_AGO,
        "jobQueue": f"{ARN}:job-queue/q",
    }
    if job_reason is not None:
        job["statusReason"] = job_reason
    shot.jobs = [job]
    shot.vpcs = [
        {
            "VpcId": "vpc-1",
            "CidrBlock": "10.0.0.0/16",
            "EnableDnsSupport": True,
            "EnableDnsHostnames": True,
        }
    ]
    shot.subnets = [{"SubnetId": "subnet-1", "VpcId": "vpc-1", "CidrBlock": "10.0.0.0/24"}]
    shot.nat_gateways = [{"NatGatewayId": "nat-1", "SubnetId": "subnet-9", "State": "available"}]
    shot.route_tables = [
        {
            "RouteTableId": "rtb-1",
            "VpcId": "vpc-1",
            "Routes": [
                {"DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": "nat-1", "State": "active"}
            ],
            "Associations": [{"SubnetId": "subnet-1", "RouteTableAssociationId": "rtbassoc-1"}],
        }
    ]
    shot.security_groups = [
        {
            "GroupId": "sg-1",
            "VpcId": "vpc-1",
            "IpPermissionsEgress": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
        }
    ]
    return shot


def judge(shot: Snapshot) -> tuple[list[Finding], str]:
    model = configuration(shot)
    rules = [rule for code, rule in all_rules().items() if code in RULE_CODES]
    findings = sorted(run_rules(rules, model))
    return findings, verdict(shot, model, findings)


def test_a_healthy_snapshot_has_no_findings() -> None:
    findings, said = judge(snapshot(desired=2))
    assert findings == []
    assert said.endswith("the job is waiting for capacity")


def test_invalid_compute_environment_with_its_reason() -> None:
    findings, said = judge(
        snapshot(
            ce_status="INVALID", ce_reason="CLIENT_ERROR - Not authorized to perform sts:AssumeRole"
        )
    )
    invalid = [finding for finding in findings if finding.code == "BF200"]
    assert len(invalid) == 1
    assert invalid[0].file == f"{ARN}:compute-environment/ce"
    assert invalid[0].address == "aws_batch_compute_environment.ce"
    assert "INVALID: CLIENT_ERROR - Not authorized to perform sts:AssumeRole" in invalid[0].message
    assert said.startswith("found ")


@pytest.mark.parametrize(
    ("reason", "meaning"),
    [
        (
            "MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT - The job resource requirement (vCPU/memory/GPU) is higher than that can be met by the CE(s) attached to the job queue.",
            "no compute environment",
        ),
        (
            "MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE - CE(s) associated with the job queue cannot meet the CPU requirement of the job.",
            "maxvCpus",
        ),
        (
            "MISCONFIGURATION:SERVICE_ROLE_PERMISSIONS – Batch service role has a permission issue.",
            "service role",
        ),
        ("ACTION_REQUIRED - CE(s) associated with the job queue are invalid.", "INVALID"),
    ],
)
def test_blocked_queue_reason(reason: str, meaning: str) -> None:
    findings, _ = judge(snapshot(job_reason=reason, desired=2))
    blocked = [finding for finding in findings if finding.code == "BF202"]
    assert len(blocked) == 1
    assert blocked[0].address == "aws_batch_job_queue.q"
    assert "hello (j-1)" in blocked[0].message and meaning in blocked[0].message


def test_waiting_for_capacity_is_healthy() -> None:
    reason = "CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY - Service cannot fulfill the capacity requested for instance type [m5.large]"
    findings, said = judge(snapshot(job_reason=reason))
    assert findings == []  # desired vCPUs 0 too: AWS explains the wait
    assert said.startswith("the job is waiting for capacity: AWS Batch says CAPACITY")


def test_desired_vcpus_stuck_at_zero_only_after_the_grace_period() -> None:
    findings, _ = judge(snapshot())
    assert [finding.code for finding in findings] == ["BF203"]
    young = snapshot()
    young.grace = timedelta(hours=2)
    findings, said = judge(young)
    assert findings == [] and "less than the grace period (120 min)" in said


def test_disabled_queue() -> None:
    findings, _ = judge(snapshot(queue_state="DISABLED", desired=2))
    assert [finding.code for finding in findings] == ["BF204"]


def test_deleted_nat_gateway_leaves_a_blackhole() -> None:
    shot = snapshot(desired=2)
    shot.nat_gateways[0]["State"] = "deleted"
    shot.route_tables[0]["Routes"][0]["State"] = "blackhole"
    findings, _ = judge(shot)
    assert [finding.code for finding in findings] == ["BF005"]
    assert "aws_subnet.subnet-1 has no NAT route" in findings[0].message


def test_overview_names_each_step() -> None:
    shot = snapshot(desired=2)
    shot.missing = {"instance_profile": ["arn:aws:iam::123456789012:instance-profile/gone"]}
    lines = overview(shot, configuration(shot))
    text = "\n".join(lines)
    assert "job queue q: ENABLED, VALID" in text
    assert "job hello (j-1): RUNNABLE" in text
    assert "vCPUs desired 2, min 0, max 16" in text
    assert "subnet subnet-1: default route NAT" in text
    assert (
        "not in the account: instance profile arn:aws:iam::123456789012:instance-profile/gone"
        in text
    )


def test_account_rules_stay_silent_on_terraform_source() -> None:
    # Source has no jobs, clusters or statuses: the fixtures' trees never trigger them.
    assert ACCOUNT_ONLY == {"BF200", "BF201", "BF202", "BF203", "BF204", "BF205"}
    assert ACCOUNT_ONLY <= set(RULE_CODES)
