"""VPC endpoint services compute needs without an internet path."""

from __future__ import annotations

from batchform.aws import endpoints


def test_compute_endpoints_follow_the_secrets_used() -> None:
    base = endpoints.compute_interface_endpoints(secretsmanager=False, ssm=False)
    assert base == ["ecs-agent", "ecs-telemetry", "ecs", "ecr.api", "ecr.dkr", "logs"]
    both = endpoints.compute_interface_endpoints(secretsmanager=True, ssm=True)
    assert both[-2:] == ["secretsmanager", "ssm"]
    assert endpoints.S3_GATEWAY not in both


def test_known_services_hold_every_endpoint_and_no_suffix_of_another() -> None:
    known = endpoints.KNOWN
    assert set(endpoints.ECS) | set(endpoints.ECR) | {"s3", "logs", "sts"} <= set(known)
    # The linter matches service names by suffix: none may end another.
    for name in known:
        assert not any(other != name and other.endswith("." + name) for other in known)
