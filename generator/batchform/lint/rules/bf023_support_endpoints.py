"""BF023: job logs and secrets need their endpoints where there is no NAT."""

from __future__ import annotations

from collections.abc import Iterator

from batchform.lint.knowledge.batch import JOB_TYPE, job_platform
from batchform.lint.knowledge.compute_network import has_interface, isolated_subnets, vpc_services
from batchform.lint.knowledge.container_properties import ContainerProperties, container_properties
from batchform.lint.model import Configuration
from batchform.lint.model.values import text_of
from batchform.lint.rules.rule import Hit, Rule, hit


def check(configuration: Configuration) -> Iterator[Hit]:
    """Jobs logging with awslogs or reading secrets from a subnet without those endpoints."""
    for job in configuration.instances(JOB_TYPE):
        properties = container_properties(configuration, job)
        if properties is None:
            continue
        needed = _needed_endpoints(properties)
        if not needed:
            continue
        for subnet, vpc in isolated_subnets(configuration, job_platform(job), properties):
            services = vpc_services(configuration, vpc)
            if services is None:
                continue
            missing = [name for name in needed if not has_interface(services, name)]
            if missing:
                yield hit(
                    job,
                    f"subnet {subnet.address} has no NAT and no {', '.join(missing)} endpoint(s)",
                    attribute="container_properties",
                )
                break


def _needed_endpoints(properties: ContainerProperties) -> list[str]:
    """logs for the awslogs driver (the default), secretsmanager or ssm for secrets."""
    needed = []
    logging = properties.value.get("logConfiguration")
    driver = logging.get("logDriver") if isinstance(logging, dict) else "awslogs"
    if driver == "awslogs":
        needed.append("logs")
    secrets = properties.value.get("secrets")
    for secret in secrets if isinstance(secrets, list) else []:
        source = text_of(secret.get("valueFrom")) if isinstance(secret, dict) else None
        if source is None:
            continue
        if ":secretsmanager:" in source and "secretsmanager" not in needed:
            needed.append("secretsmanager")
        elif (":ssm:" in source or not source.startswith("arn:")) and "ssm" not in needed:
            needed.append("ssm")
    return needed


RULE = Rule(
    code="BF023",
    severity="warning",
    title="job logs or secrets without the endpoints to reach them",
    explanation="""
Without NAT or a public IP, the awslogs driver (the default log driver of Batch jobs) needs
the logs interface endpoint, and secrets need the secretsmanager or ssm endpoint. Missing them,
the container fails to start (CannotStartContainerError / ResourceInitializationError).
""",
    fix="add com.amazonaws.<region>.logs (and .secretsmanager / .ssm for secrets) interface "
    "endpoints in the compute subnets' VPC",
    check=check,
)
