"""BF035: jobs that mount EFS need NFS (TCP 2049) egress to the mount targets."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator

from batchform.aws import rules
from batchform.lint.knowledge import network
from batchform.lint.knowledge.batch import (
    container_jobs,
    environments_for,
    job_platform,
    resources_block,
)
from batchform.lint.knowledge.container_properties import container_properties
from batchform.lint.knowledge.links import instance_of
from batchform.lint.knowledge.storage import (
    EfsVolume,
    Network,
    efs_volumes,
    mount_target_networks,
)
from batchform.lint.model import Configuration, ResourceInstance
from batchform.lint.rules.rule import Hit, Rule, hit

PORT = rules.EFS_NFS_PORT


def check(configuration: Configuration) -> Iterator[Hit]:
    """Jobs with an EFS volume whose compute environments all keep NFS from its mount targets."""
    for job in container_jobs(configuration):
        properties = container_properties(configuration, job)
        platform = job_platform(job)
        if properties is None or platform is None:
            continue
        candidates = environments_for(configuration, platform)
        for volume in efs_volumes(properties):
            targets = mount_target_networks(configuration, volume)
            blocked = [ce for ce in candidates if _reaches(configuration, ce, targets) is False]
            # Only when no compute environment the job can run on could mount it.
            if blocked and len(blocked) == len(candidates):
                yield hit(job, _message(volume, blocked, targets), attribute="container_properties")


def _message(volume: EfsVolume, blocked: list[ResourceInstance], targets: list[Network] | None
             ) -> str:
    where = "its mount targets" if targets is None else (
        "its mount targets (" + ", ".join(str(target) for target in targets) + ")"
    )
    environments = ", ".join(ce.address for ce in blocked)
    return (
        f"mounts EFS file system {volume.shown()}, but the security groups of {environments} "
        f"allow no NFS (TCP {PORT}) egress to {where}: the volume cannot be mounted and the "
        "job fails"
    )


def _reaches(
    configuration: Configuration, ce: ResourceInstance, targets: list[Network] | None
) -> bool | None:
    """Whether some security group of the CE lets NFS out to the mount targets; None when that
    cannot be told (or when the groups have no egress at all, which BF007 reports)."""
    resources = resources_block(ce)
    groups = resources.get("security_group_ids") if resources is not None else None
    if not isinstance(groups, list) or not groups:
        return None
    egress: list[network.Egress] = []
    for value in groups:
        group = instance_of(value, "aws_security_group")
        if group is None:
            return None
        found, complete = network.security_group_egress(configuration, group)
        if not complete:
            return None
        egress += found
    if not egress:
        return None
    verdicts = [_rule_reaches(rule, targets) for rule in egress]
    if True in verdicts:
        return True
    return None if None in verdicts else False


def _rule_reaches(rule: network.Egress, targets: list[Network] | None) -> bool | None:
    port = network.allows_tcp_port(rule, PORT)
    if port is not True:
        return port
    if rule.other:
        return True  # to a security group: the mount targets' own, as the EFS guide shows
    verdicts = [_cidr_reaches(cidr, targets) for cidr in rule.cidrs]
    if True in verdicts:
        return True
    return None if None in verdicts else False


def _cidr_reaches(cidr: object, targets: list[Network] | None) -> bool | None:
    if not isinstance(cidr, str):
        return None
    try:
        allowed = ipaddress.ip_network(cidr, strict=False)
    except ValueError:
        return None
    if targets is None:
        return True
    return all(
        target.version == allowed.version and target.subnet_of(allowed)  # type: ignore[arg-type]
        for target in targets
    )


RULE = Rule(
    code="BF035",
    severity="error",
    title="EFS volume behind egress that does not allow NFS (2049)",
    explanation=f"""
{rules.EFS_NFS.summary} ({rules.EFS_NFS.source}.) Terraform removes the default allow-all
egress of every aws_security_group, so a compute security group whose egress is HTTPS only,
or reaches CIDR blocks that hold none of the mount targets' subnets, keeps the job from
mounting its volume: the container never starts.
""",
    fix=f"allow egress on TCP {PORT} to the mount targets' security group (or their subnets' "
    f"CIDR blocks), and ingress on TCP {PORT} from the compute security group on the mount "
    "targets' group",
    check=check,
)
