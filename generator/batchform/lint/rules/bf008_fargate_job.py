"""BF008: a Fargate job definition must be one Fargate can start."""

from __future__ import annotations

from collections.abc import Iterator

from batchform.aws import fargate
from batchform.lint.knowledge.batch import container_jobs, job_platform
from batchform.lint.knowledge.compute_network import fargate_needs_public_ip
from batchform.lint.knowledge.container_properties import (
    ContainerProperties,
    container_properties,
)
from batchform.lint.model import Configuration
from batchform.lint.rules.rule import Hit, Rule, hit


def check(configuration: Configuration) -> Iterator[Hit]:
    """Fargate jobs without an execution role, with a bad size, privileged, GPUs, or no way to
    pull their image."""
    for job in container_jobs(configuration):
        if job_platform(job) != "FARGATE":
            continue
        properties = container_properties(configuration, job)
        if properties is None:
            continue
        for message in _fargate_problems(properties):
            yield hit(job, message, attribute="container_properties")
        if fargate_needs_public_ip(configuration, job, properties):
            yield hit(
                job,
                "Fargate subnets have no NAT and assignPublicIp is not ENABLED: "
                "the image cannot be pulled",
                attribute="container_properties",
            )


def _fargate_problems(properties: ContainerProperties) -> list[str]:
    value = properties.value
    problems = []
    if "executionRoleArn" not in value:
        problems.append("Fargate job definition without executionRoleArn")
    for key in ("vcpus", "memory"):
        if key in value:
            problems.append(f"Fargate job definition sets `{key}`; use resourceRequirements")
    if value.get("privileged") is True:
        problems.append("Fargate job definition sets privileged = true")
    if properties.requirement("GPU") is not None:
        problems.append("Fargate job definition asks for a GPU")
    vcpu, memory = properties.requirement("VCPU"), properties.requirement("MEMORY")
    try:
        pair = (float(vcpu), float(memory)) if vcpu is not None and memory is not None else None
    except (TypeError, ValueError):
        pair = None
    if pair is not None:
        problem = fargate_size_problem(*pair)
        if problem:
            problems.append(problem)
    return problems


def fargate_size_problem(vcpu: float, memory: float) -> str | None:
    """Why a Fargate vCPU/memory pair is invalid, or None when it is valid."""
    if vcpu not in fargate.MEMORY_BY_VCPUS:
        return f"Fargate vCPU {vcpu:g} is not one of {fargate.vcpu_choices()}"
    if not fargate.fits(vcpu, memory):
        return (
            f"Fargate memory {memory:g} MiB is not valid for {vcpu:g} vCPU "
            f"({fargate.memory_choices(vcpu)})"
        )
    return None


RULE = Rule(
    code="BF008",
    severity="error",
    title="Fargate job definition that cannot start",
    explanation="""
Fargate job definitions need executionRoleArn, take vCPU and memory only through
resourceRequirements with a valid Fargate size pair, cannot be privileged or ask for GPUs, and
in subnets without NAT need networkConfiguration.assignPublicIp = "ENABLED" to pull images
(assignPublicIp defaults to DISABLED).
""",
    fix="set executionRoleArn, use resourceRequirements VCPU/MEMORY with a valid pair, drop "
    'privileged/GPU, and set assignPublicIp = "ENABLED" where the subnets have no NAT',
    check=check,
)
