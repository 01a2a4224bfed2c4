"""BF004: a job must fit some compute environment it can run on: vCPUs, memory, GPUs and CPU
architecture."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from typing import Any

from batchform.aws import instance_types
from batchform.lint.knowledge.batch import (
    container_jobs,
    environments_for,
    job_platform,
    resources_block,
)
from batchform.lint.knowledge.container_properties import (
    ContainerProperties,
    container_properties,
)
from batchform.lint.knowledge.images import architecture_hint
from batchform.lint.model import Configuration, ResourceInstance
from batchform.lint.rules.rule import Hit, Rule, hit


@dataclass(frozen=True)
class _Ask:
    """What a job needs of an instance; `because` says where its architecture comes from."""

    vcpus: float | None
    memory: float | None
    gpus: int = 0
    architecture: str | None = None
    because: str = ""


def check(configuration: Configuration) -> Iterator[Hit]:
    """Jobs larger than every instance type (or max_vcpus) of their platform's CEs, asking more
    GPUs than any of them has, or built for another CPU architecture."""
    for job in container_jobs(configuration):
        properties = container_properties(configuration, job)
        platform = job_platform(job)
        if properties is None or platform is None:
            continue
        ask = _ask(properties)
        if ask is None:
            continue
        # Jobs of one size share the answer: worked out once per size, not once per job.
        reasons = configuration.derived(
            ("job_fit", platform, ask), partial(_misfits, configuration, platform, ask)
        )
        if reasons:
            yield hit(
                job,
                "no compute environment can run it: " + "; ".join(reasons),
                attribute="container_properties",
            )


def _ask(properties: ContainerProperties) -> _Ask | None:
    """What the job asks for; None when it asks nothing the catalogue can judge."""
    gpus = _number(properties.requirement("GPU"))
    architecture, because = _architecture(properties)
    ask = _Ask(properties.vcpus(), properties.memory(), int(gpus or 0), architecture, because)
    if ask.vcpus is None and ask.memory is None and not ask.gpus and ask.architecture is None:
        return None
    return ask


def _architecture(properties: ContainerProperties) -> tuple[str | None, str]:
    platform = properties.value.get("runtimePlatform")
    declared = platform.get("cpuArchitecture") if isinstance(platform, dict) else None
    if isinstance(declared, str):
        found = instance_types.RUNTIME_PLATFORM_ARCHITECTURES.get(declared.upper())
        if found is not None:
            return found, f"runtimePlatform.cpuArchitecture is {declared}"
    image = properties.value.get("image")
    hinted = architecture_hint(image)
    if hinted is not None:
        return hinted, f"image {image} is built for {hinted}"
    return None, ""


def _misfits(configuration: Configuration, platform: str, ask: _Ask) -> list[str]:
    """Why each candidate CE cannot run the job; empty when one can (or there is none)."""
    reasons = []
    for ce in environments_for(configuration, platform):
        reason = _misfit(ce, ask, platform)
        if reason is None:
            return []
        reasons.append(reason)
    return reasons


def _misfit(ce: ResourceInstance, ask: _Ask, platform: str) -> str | None:
    resources = resources_block(ce)
    if resources is None:
        return None
    max_vcpus = resources.get("max_vcpus")
    vcpus = ask.vcpus
    if vcpus is not None and isinstance(max_vcpus, (int, float)) and vcpus > max_vcpus:
        return f"{ce.address} has max_vcpus {max_vcpus} < {vcpus:g} vCPU"
    if platform != "EC2":
        return None
    names = resources.get("instance_type")
    if not isinstance(names, list) or not all(isinstance(name, str) for name in names):
        return None
    wrong_architecture = _architecture_misfit(ce, names, ask)
    if wrong_architecture is not None:
        return wrong_architecture
    types = instance_types.expand(names)
    if not types:
        return None
    if any(entry.fits(ask.vcpus, ask.memory, ask.gpus) for entry in types):
        return None
    listed = ", ".join(names)
    most_gpus = max(entry.gpus for entry in types)
    if most_gpus < ask.gpus:
        has = "have no GPUs" if most_gpus == 0 else f"have at most {most_gpus} GPUs"
        return f"{ce.address} instance types {listed} {has}, job asks {ask.gpus} GPU"
    biggest = instance_types.largest(types)
    gpus = f" / {ask.gpus} GPU" if ask.gpus else ""
    return (
        f"{ce.address} instance types {listed} top out at {biggest.vcpus} vCPU / "
        f"about {biggest.usable_memory_mib()} MiB usable, job asks "
        f"{_fmt(ask.vcpus)} vCPU / {_fmt(ask.memory)} MiB{gpus}"
    )


def _architecture_misfit(ce: ResourceInstance, names: list[str], ask: _Ask) -> str | None:
    """Why the CE's instance types cannot run a job built for another architecture."""
    if ask.architecture is None:
        return None
    found: set[str] = set()
    for name in names:
        known = instance_types.architectures(name)
        if not known:
            return None  # a type the catalogue does not know may be of any architecture
        found |= known
    if ask.architecture in found:
        return None
    return (
        f"{ce.address} instance types {', '.join(names)} are {'/'.join(sorted(found))}, "
        f"and the job's {ask.because}"
    )


def _number(value: Any) -> float | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:g}"


RULE = Rule(
    code="BF004",
    severity="error",
    title="job needs more than its compute environments offer, or another architecture",
    explanation="""
A job whose vCPU or memory request exceeds every instance type the compute environments may
launch (ECS and the OS keep part of each instance's memory), or exceeds their max_vcpus, asks
more GPUs (resourceRequirements GPU) than any of those types has, or is built for another CPU
architecture than theirs (runtimePlatform.cpuArchitecture, or an image whose name or tag says
arm64 or amd64) stays RUNNABLE forever or fails to start. Checked when the compute
environments list explicit instance types (or a Batch choice such as optimal, for the
architecture).
""",
    fix="lower the job's resourceRequirements, or add a larger (GPU) instance type / raise "
    "max_vcpus; for another architecture, use instance types of the job's (m7g and other "
    "Graviton types are arm64) or an image built for theirs",
    check=check,
)
