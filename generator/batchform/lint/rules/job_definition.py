"""Rules on job definitions: how container_properties is built, sized and shaped."""

from __future__ import annotations

import json
from collections.abc import Iterator

from batchform import fargate
from batchform.hcl.syntax import Call, Literal, Template, Traversal
from batchform.lint import instance_types
from batchform.lint.batch import (
    JOB_TYPE,
    ContainerProperties,
    container_properties,
    environments_for,
    job_platform,
    resources_block,
)
from batchform.lint.resolver import Instance, Stack
from batchform.lint.rules import Hit, hit, rule


def _container_jobs(stack: Stack) -> Iterator[Instance]:
    for job in stack.instances(JOB_TYPE):
        if job.has("type") and job.get("type") not in ("container", None):
            continue
        if job.has("container_properties"):
            yield job


@rule(
    "BF003",
    "warning",
    "container_properties not built with jsonencode",
    """
container_properties is JSON the provider normalises before comparing. Built by hand
(heredoc, literal string, file()) or through the deprecated template_file data source, it
drifts from what AWS returns, cannot be checked before apply, and the template_file provider
does not exist for new platforms.
""",
    "write `container_properties = jsonencode({ image = ..., resourceRequirements = [...] })`",
)
def check_jsonencode(stack: Stack) -> Iterator[Hit]:
    """BF003."""
    for job in _container_jobs(stack):
        expr = job.expr("container_properties")
        assert expr is not None
        origin, _ = job.scope.module.resolver.origin(expr, job.scope)
        kind = None
        if isinstance(origin, Template):
            kind = "a heredoc" if origin.heredoc else "a literal string"
        elif isinstance(origin, Literal) and isinstance(origin.value, str):
            kind = "a literal string"
        elif (
            isinstance(origin, Traversal)
            and origin.root == "data"
            and origin.steps
            and (origin.steps[0].name == "template_file")
        ):
            kind = "data.template_file (deprecated)"
        elif isinstance(origin, Call) and origin.name in ("file", "templatefile"):
            kind = f"{origin.name}()"
        if kind is not None:
            yield hit(
                job,
                f"container_properties comes from {kind}, not jsonencode()",
                attribute="container_properties",
            )


@rule(
    "BF004",
    "error",
    "job needs more vCPU or memory than its compute environments offer",
    """
A job whose vCPU or memory request exceeds every instance type the compute environments may
launch (ECS and the OS keep part of each instance's memory), or exceeds their max_vcpus, stays
RUNNABLE forever. Checked when the compute environments list explicit instance types.
""",
    "lower the job's resourceRequirements, or add a larger instance type / raise max_vcpus",
)
def check_job_fits(stack: Stack) -> Iterator[Hit]:
    """BF004."""
    for job in _container_jobs(stack):
        properties = container_properties(job)
        platform = job_platform(job)
        if properties is None or platform is None:
            continue
        vcpus, memory = properties.vcpus(), properties.memory()
        if vcpus is None and memory is None:
            continue
        candidates = environments_for(stack, platform)
        if not candidates:
            continue
        reasons = []
        for ce in candidates:
            reason = _misfit(ce, vcpus, memory, platform)
            if reason is None:
                break
            reasons.append(reason)
        else:
            yield hit(
                job,
                "no compute environment can run it: " + "; ".join(reasons),
                attribute="container_properties",
            )


def _misfit(ce: Instance, vcpus: float | None, memory: float | None, platform: str) -> str | None:
    resources = resources_block(ce)
    if resources is None:
        return None
    max_vcpus = resources.get("max_vcpus")
    if vcpus is not None and isinstance(max_vcpus, (int, float)) and vcpus > max_vcpus:
        return f"{ce.address} has max_vcpus {max_vcpus} < {vcpus:g} vCPU"
    if platform != "EC2":
        return None
    names = resources.get("instance_type")
    if not isinstance(names, list) or not all(isinstance(name, str) for name in names):
        return None
    types = instance_types.expand(names)
    if types is None or not types:
        return None
    for entry in types:
        if (vcpus is None or entry.vcpus >= vcpus) and (
            memory is None or entry.usable_memory_mib() >= memory
        ):
            return None
    biggest = max(types, key=lambda entry: (entry.vcpus, entry.memory_mib))
    return (
        f"{ce.address} instance types {', '.join(names)} top out at {biggest.vcpus} vCPU / "
        f"about {biggest.usable_memory_mib()} MiB usable, job asks "
        f"{_fmt(vcpus)} vCPU / {_fmt(memory)} MiB"
    )


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:g}"


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


@rule(
    "BF008",
    "error",
    "Fargate job definition that cannot start",
    """
Fargate job definitions need executionRoleArn, take vCPU and memory only through
resourceRequirements with a valid Fargate size pair, cannot be privileged or ask for GPUs, and
in subnets without NAT need networkConfiguration.assignPublicIp = "ENABLED" to pull images
(assignPublicIp defaults to DISABLED).
""",
    "set executionRoleArn, use resourceRequirements VCPU/MEMORY with a valid pair, drop "
    'privileged/GPU, and set assignPublicIp = "ENABLED" where the subnets have no NAT',
)
def check_fargate_job(stack: Stack) -> Iterator[Hit]:
    """BF008."""
    from batchform.lint.rules.network import fargate_needs_public_ip

    for job in _container_jobs(stack):
        if job_platform(job) != "FARGATE":
            continue
        properties = container_properties(job)
        if properties is None:
            continue
        for message in _fargate_problems(properties):
            yield hit(job, message, attribute="container_properties")
        if fargate_needs_public_ip(stack, job, properties):
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


@rule(
    "BF015",
    "warning",
    "job definition re-registers on every apply",
    """
The provider compares container_properties after normalising it; anything AWS rewrites shows
as a change and registers a new revision each apply: timestamp() in the image or environment,
environment entries with empty values (AWS drops them), resourceRequirements values that are
numbers instead of strings.
""",
    "no timestamp(); drop empty environment values; quote resourceRequirements values "
    '(value = "2")',
)
def check_perpetual_diff(stack: Stack) -> Iterator[Hit]:
    """BF015."""
    for job in _container_jobs(stack):
        expr = job.expr("container_properties")
        assert expr is not None
        resolver = job.scope.module.resolver
        if any(
            isinstance(node, Call) and node.name == "timestamp"
            for node, _ in resolver.expressions(expr, job.scope)
        ):
            yield hit(
                job, "container_properties uses timestamp()", attribute="container_properties"
            )
        properties = container_properties(job)
        if properties is None:
            continue
        environment = properties.value.get("environment")
        if isinstance(environment, list):
            for entry in environment:
                if (
                    isinstance(entry, dict)
                    and entry.get("value") in ("", None)
                    and "value" in entry
                ):
                    yield hit(
                        job,
                        f"environment variable {entry.get('name')!r} has an empty value",
                        attribute="container_properties",
                    )
        requirements = properties.value.get("resourceRequirements")
        if isinstance(requirements, list):
            for entry in requirements:
                if not isinstance(entry, dict):
                    continue
                value = entry.get("value")
                if isinstance(value, (int, float)) and not isinstance(value, bool):
                    yield hit(
                        job,
                        f"resourceRequirements {entry.get('type')} value {value!r} "
                        "is a number, not a string",
                        attribute="container_properties",
                    )


@rule(
    "BF016",
    "error",
    "container_properties does not match the API shape",
    """
container_properties is sent as the RegisterJobDefinition ContainerProperties structure.
Keys outside the shape (often snake_case or misspelt), values of the wrong type and values
outside an enum are rejected by AWS, or silently dropped and then show as a diff forever.
Checked with botocore's model of the Batch API.
""",
    "use the camelCase keys and types of the AWS Batch ContainerProperties API shape",
)
def check_shape(stack: Stack) -> Iterator[Hit]:
    """BF016."""
    from batchform.lint.container_properties import enum_problems, shape_problems

    for job in _container_jobs(stack):
        raw = job.get("container_properties")
        if isinstance(raw, str):
            try:
                decoded = json.loads(raw)
            except ValueError as error:
                yield hit(
                    job,
                    f"container_properties is not valid JSON: {error}",
                    attribute="container_properties",
                )
                continue
            if not isinstance(decoded, dict):
                yield hit(
                    job,
                    "container_properties is not a JSON object",
                    attribute="container_properties",
                )
                continue
        properties = container_properties(job)
        if properties is None:
            continue
        for problem in shape_problems(properties.value) + enum_problems(properties.value):
            yield hit(job, problem, attribute="container_properties")


@rule(
    "BF020",
    "error",
    "EC2 job definition with Fargate-only settings",
    """
networkConfiguration and fargatePlatformConfiguration only apply to Fargate; AWS rejects them
on a job definition whose platform_capabilities is EC2 (the default).
""",
    'remove them, or set platform_capabilities = ["FARGATE"]',
)
def check_ec2_job(stack: Stack) -> Iterator[Hit]:
    """BF020."""
    for job in _container_jobs(stack):
        if job_platform(job) != "EC2":
            continue
        properties = container_properties(job)
        if properties is None:
            continue
        for key in ("networkConfiguration", "fargatePlatformConfiguration"):
            if key in properties.value:
                yield hit(job, f"EC2 job definition sets {key}", attribute="container_properties")
