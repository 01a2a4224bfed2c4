"""The AWS services compute must reach, and the VPC endpoint service names that serve them.

Without a NAT gateway or public IPs, Batch compute reaches AWS only through VPC endpoints:
``ecs-agent``, ``ecs-telemetry`` and ``ecs`` for the ECS agent (Amazon ECS developer guide,
"Amazon ECS interface VPC endpoints (AWS PrivateLink)"), ``ecr.api`` and ``ecr.dkr`` for image
pulls plus the ``s3`` gateway endpoint where image layers live (Amazon ECR user guide, "Amazon
ECR interface VPC endpoints"), ``logs`` for the awslogs driver, and ``secretsmanager`` or
``ssm`` for secrets the execution role reads at job start (Amazon ECS developer guide, "Pass
sensitive data to an Amazon ECS container").
"""

from __future__ import annotations

ECS = ("ecs-agent", "ecs-telemetry", "ecs")
ECR = ("ecr.api", "ecr.dkr")
LOGS = "logs"
SECRETS_MANAGER = "secretsmanager"
SSM = "ssm"
STS = "sts"
# Image layers come from S3, through a gateway endpoint on the route tables.
S3_GATEWAY = "s3"
# Every service name batchform recognises in an endpoint's service_name (com.amazonaws.<region>.<service>).
KNOWN = (*ECS, *ECR, S3_GATEWAY, LOGS, SECRETS_MANAGER, SSM, STS)


def compute_interface_endpoints(*, secretsmanager: bool, ssm: bool) -> list[str]:
    """The interface endpoints compute needs in a VPC without internet access."""
    services = [*ECS, *ECR, LOGS]
    if secretsmanager:
        services.append(SECRETS_MANAGER)
    if ssm:
        services.append(SSM)
    return services
