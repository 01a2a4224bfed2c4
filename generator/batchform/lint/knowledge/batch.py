"""Batch resources seen by the rules: compute environments, queues, job definitions."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from batchform.lint.engine.resolver import BlockView, Instance, Stack
from batchform.lint.model.values import AttrRef, EncodedJson, Partial, ResourceRef, Unknown

CE_TYPE = "aws_batch_compute_environment"
QUEUE_TYPE = "aws_batch_job_queue"
JOB_TYPE = "aws_batch_job_definition"
EC2_TYPES = {"EC2", "SPOT"}
FARGATE_TYPES = {"FARGATE", "FARGATE_SPOT"}


def instance_of(value: Any, resource_type: str) -> Instance | None:
    """The resource instance a value points at (`x.arn`, `x.id`, `x` itself) when of that type."""
    if isinstance(value, AttrRef) and value.instance.type == resource_type:
        return value.instance
    if isinstance(value, ResourceRef) and value.instance.type == resource_type:
        return value.instance
    return None


def ce_platform(ce: Instance) -> str | None:
    """ "EC2" for EC2/SPOT, "FARGATE" for FARGATE/FARGATE_SPOT, None when unknown or unmanaged."""
    resources = ce.first("compute_resources")
    if resources is None:
        return None
    kind = resources.get("type")
    if not isinstance(kind, str):
        return None
    if kind.upper() in EC2_TYPES:
        return "EC2"
    if kind.upper() in FARGATE_TYPES:
        return "FARGATE"
    return None


def ce_name_fixed(ce: Instance) -> str | None:
    """The argument that pins the CE's name (`name` or the pre-v6 `compute_environment_name`)."""
    for argument in ("name", "compute_environment_name"):
        # Only a value known to be a string counts: `name = each.value.name` may well be null.
        if isinstance(ce.get(argument), (str, Partial)):
            return argument
    return None


def queue_environments(queue: Instance) -> tuple[list[Instance | None], bool]:
    """The CEs a queue lists (None for one it cannot resolve), and False if the list is unknown."""
    found: list[Instance | None] = []
    orders, complete = queue.nested("compute_environment_order")
    for order in orders:
        found.append(instance_of(order.get("compute_environment"), CE_TYPE))
    if queue.has("compute_environments"):
        listed = queue.get("compute_environments")
        if isinstance(listed, list):
            found.extend(instance_of(item, CE_TYPE) for item in listed)
        elif instance_of(listed, CE_TYPE) is not None:
            found.append(instance_of(listed, CE_TYPE))
        else:
            complete = False
    return found, complete


def job_platform(job: Instance) -> str | None:
    """ "FARGATE" or "EC2" from `platform_capabilities` (EC2 when unset), None when unknown."""
    if not job.has("platform_capabilities"):
        return "EC2"
    value = job.get("platform_capabilities")
    if not isinstance(value, list) or any(isinstance(item, Unknown) for item in value):
        return None
    upper = {str(item).upper() for item in value}
    if "FARGATE" in upper:
        return "FARGATE"
    return "EC2"


@dataclass
class ContainerProperties:
    """A job definition's decoded container_properties (values may hold unknowns)."""

    value: dict[str, Any]
    view: Instance

    def requirement(self, kind: str) -> Any:
        """The `resourceRequirements` value of one type (VCPU, MEMORY, GPU), else None."""
        entries = self.value.get("resourceRequirements")
        if not isinstance(entries, list):
            return None
        for entry in entries:
            if isinstance(entry, dict) and entry.get("type") == kind:
                return entry.get("value")
        return None

    def vcpus(self) -> float | None:
        """The vCPUs the job asks for, when known."""
        return _number(
            self.requirement("VCPU")
            if self.requirement("VCPU") is not None
            else self.value.get("vcpus")
        )

    def memory(self) -> float | None:
        """The memory (MiB) the job asks for, when known."""
        memory = self.requirement("MEMORY")
        return _number(memory if memory is not None else self.value.get("memory"))


def container_properties(job: Instance) -> ContainerProperties | None:
    """The decoded `container_properties`, or None when absent, unknown or not a JSON object."""
    raw = job.get("container_properties")
    if isinstance(raw, EncodedJson):
        value = raw.value
    elif isinstance(raw, str):
        try:
            value = json.loads(raw)
        except ValueError:
            return None
    else:
        return None
    return ContainerProperties(_without_nulls(value), job) if isinstance(value, dict) else None


def _without_nulls(value: Any) -> Any:
    """JSON nulls unmarshal to unset fields in the provider; treat them as absent keys."""
    if isinstance(value, dict):
        return {key: _without_nulls(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [_without_nulls(item) for item in value]
    return value


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def environments(stack: Stack) -> list[Instance]:
    """Every compute environment instance of the stack."""
    return stack.instances(CE_TYPE)


def environments_for(stack: Stack, platform: str | None) -> list[Instance]:
    """The compute environments a job of a platform could run on."""
    return [ce for ce in environments(stack) if ce_platform(ce) == platform]


def image_of(job: Instance) -> Any:
    """The job definition's image value (str, Partial, AttrRef or Unknown), or None."""
    properties = container_properties(job)
    return properties.value.get("image") if properties else None


def resources_block(ce: Instance) -> BlockView | None:
    """The CE's `compute_resources` block."""
    return ce.first("compute_resources")
