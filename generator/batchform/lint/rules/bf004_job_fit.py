"""BF004: a job must fit some compute environment it can run on."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

from batchform.aws import instance_types
from batchform.lint.knowledge.batch import (
    container_jobs,
    environments_for,
    job_platform,
    resources_block,
)
from batchform.lint.knowledge.container_properties import container_properties
from batchform.lint.model import Configuration, ResourceInstance
from batchform.lint.rules.rule import Hit, Rule, hit


def check(configuration: Configuration) -> Iterator[Hit]:
    """Jobs larger than every instance type (or max_vcpus) of their platform's CEs."""
    for job in container_jobs(configuration):
        properties = container_properties(configuration, job)
        platform = job_platform(job)
        if properties is None or platform is None:
            continue
        vcpus, memory = properties.vcpus(), properties.memory()
        if vcpus is None and memory is None:
            continue
        # Jobs of one size share the answer: worked out once per size, not once per job.
        reasons = configuration.derived(
            ("job_fit", platform, vcpus, memory),
            partial(_misfits, configuration, platform, vcpus, memory),
        )
        if reasons:
            yield hit(
                job,
                "no compute environment can run it: " + "; ".join(reasons),
                attribute="container_properties",
            )


def _misfits(
    configuration: Configuration, platform: str, vcpus: float | None, memory: float | None
) -> list[str]:
    """Why each candidate CE cannot run the job; empty when one can (or there is none)."""
    reasons = []
    for ce in environments_for(configuration, platform):
        reason = _misfit(ce, vcpus, memory, platform)
        if reason is None:
            return []
        reasons.append(reason)
    return reasons


def _misfit(
    ce: ResourceInstance, vcpus: float | None, memory: float | None, platform: str
) -> str | None:
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
    if not types:
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


RULE = Rule(
    code="BF004",
    severity="error",
    title="job needs more vCPU or memory than its compute environments offer",
    explanation="""
A job whose vCPU or memory request exceeds every instance type the compute environments may
launch (ECS and the OS keep part of each instance's memory), or exceeds their max_vcpus, stays
RUNNABLE forever. Checked when the compute environments list explicit instance types.
""",
    fix="lower the job's resourceRequirements, or add a larger instance type / raise max_vcpus",
    check=check,
)
