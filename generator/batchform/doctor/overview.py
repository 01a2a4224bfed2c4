"""The walk as a reader follows it: what AWS showed at each step of the chain, one line each.

Read from the resource model through the same knowledge helpers the rules use (a subnet's way
out, a VPC's endpoints, a role's policies), so the overview and the findings never disagree.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from batchform.aws import instance_types
from batchform.doctor.snapshot import Snapshot
from batchform.lint.knowledge import iam, network
from batchform.lint.knowledge.batch import (
    CE_TYPE,
    JOB_TYPE,
    QUEUE_TYPE,
    ce_platform,
    queue_environments,
    resources_block,
)
from batchform.lint.knowledge.compute_network import has_gateway, vpc_services
from batchform.lint.knowledge.container_properties import container_properties
from batchform.lint.knowledge.images import private_ecr
from batchform.lint.knowledge.links import instance_of
from batchform.lint.knowledge.runtime import INSTANCE_TYPE, cluster_of, jobs_of, registered
from batchform.lint.model import Configuration, ResourceInstance
from batchform.lint.model.values import text_of

# Jobs listed by name in the overview; the rest are counted.
_JOBS_SHOWN = 5


def overview(snapshot: Snapshot, configuration: Configuration) -> list[str]:
    """The chain, one line per step, indented under what it belongs to."""
    lines = [f"batchform doctor: {snapshot.target} in {snapshot.region}"]
    for queue in configuration.instances(QUEUE_TYPE):
        lines += _queue(configuration, queue)
    for job in configuration.instances(JOB_TYPE):
        lines.append(_job_definition(configuration, job))
    for kind, identifiers in sorted(snapshot.missing.items()):
        lines.append(f"not in the account: {kind.replace('_', ' ')} {', '.join(identifiers)}")
    return lines


def _queue(configuration: Configuration, queue: ResourceInstance) -> list[str]:
    environments, _ = queue_environments(queue)
    names = ", ".join(ce.get("name", ce.address) for ce in environments if ce is not None)
    lines = [
        f"job queue {queue.get('name')}: {queue.get('state')}, {queue.get('status')}; "
        f"compute environments in order: {names or 'none'}"
    ]
    jobs = jobs_of(configuration, queue)
    for job in jobs[:_JOBS_SHOWN]:
        reason = job.get("status_reason") or "no statusReason"
        lines.append(
            f"  job {job.get('name')} ({job.get('job_id')}): {job.get('status')}; {reason}"
        )
    if len(jobs) > _JOBS_SHOWN:
        lines.append(f"  ... and {len(jobs) - _JOBS_SHOWN} more jobs")
    for ce in environments:
        if ce is not None:
            lines += ["  " + line for line in _environment(configuration, ce)]
    return lines


def _environment(configuration: Configuration, ce: ResourceInstance) -> list[str]:
    resources = resources_block(ce)
    head = (
        f"compute environment {ce.get('name')}: {ce.get('state')}, {ce.get('status')}"
        f" ({ce.get('status_reason') or 'no statusReason'})"
    )
    if resources is None:
        return [head]
    head += (
        f"; {resources.get('type')}, vCPUs desired {resources.get('desired_vcpus', '-')}, "
        f"min {resources.get('min_vcpus', '-')}, max {resources.get('max_vcpus', '-')}"
    )
    types = resources.get("instance_type")
    if isinstance(types, list):
        head += f"; instance types {', '.join(str(name) for name in types)}"
    lines = [head]
    if ce_platform(ce) == "EC2":
        lines += ["  " + line for line in _cluster(configuration, ce, resources)]
        lines += ["  " + line for line in _roles(configuration, ce, resources)]
    lines += ["  " + line for line in _subnets(configuration, resources)]
    lines += ["  " + line for line in _groups(configuration, resources)]
    return lines


def _cluster(configuration: Configuration, ce: ResourceInstance, resources: Any) -> list[str]:
    cluster = cluster_of(ce)
    if cluster is None:
        return ["ECS cluster: not found"]
    members = registered(configuration, cluster)
    tags = resources.get("tags")
    if not isinstance(tags, dict) or not tags:
        launched = "its EC2 instances cannot be told apart (no compute_resources tags)"
    else:
        running = [
            instance
            for instance in configuration.instances(INSTANCE_TYPE)
            if instance.get("instance_state") == "running"
            and all((instance.get("tags") or {}).get(key) == value for key, value in tags.items())
        ]
        launched = f"{len(running)} running EC2 instance(s) with its tags"
    return [
        f"ECS cluster {cluster.get('cluster_name')}: {len(members)} container instance(s); {launched}"
    ]


def _roles(configuration: Configuration, ce: ResourceInstance, resources: Any) -> list[str]:
    lines = []
    profile = instance_of(resources.get("instance_role"), iam.PROFILE_TYPE)
    if profile is None:
        lines.append(f"instance role: {text_of(resources.get('instance_role')) or 'not found'}")
    else:
        role = iam.profile_role(configuration, profile)
        lines.append(f"instance profile {profile.get('name')}: {_role_line(configuration, role)}")
    service = ce.get("service_role")
    role = iam.role_of(service)
    if role is not None:
        lines.append(f"service role {role.get('name')}: {_role_line(configuration, role)}")
    elif isinstance(service, str):
        lines.append(f"service role: {service.rsplit('/', 1)[-1]} (the service-linked role)")
    return lines


def _role_line(configuration: Configuration, role: ResourceInstance | None) -> str:
    if role is None:
        return "no role"
    policies, _ = iam.attached_policies(configuration, role)
    names = ", ".join(arn.rsplit("/", 1)[-1] for arn, _ in policies) or "no managed policy"
    return f"role {role.get('name')} with {names}"


def _subnets(configuration: Configuration, resources: Any) -> Iterator[str]:
    subnets, _ = network.subnets_of(resources.get("subnets"))
    for subnet in subnets:
        reach = network.subnet_reach(configuration, subnet)
        route = (
            "unknown" if reach is None else ("NAT" if reach.nat else "IGW" if reach.igw else "none")
        )
        public = "on" if network.public_ip_on_launch(subnet) else "off"
        vpc = network.vpc_of(subnet)
        yield (
            f"subnet {subnet.get('id')}: default route {route}, public IP on launch {public}; "
            + _vpc_line(configuration, vpc)
        )


def _vpc_line(configuration: Configuration, vpc: ResourceInstance | None) -> str:
    if vpc is None:
        return "VPC unknown"
    support = "on" if vpc.get("enable_dns_support") else "off"
    hostnames = "on" if vpc.get("enable_dns_hostnames") else "off"
    services = vpc_services(configuration, vpc) or {}
    interfaces = [
        f"{name}{'' if endpoint.get('private_dns_enabled') else ' (private DNS off)'}"
        for name, found in sorted(services.items())
        for endpoint in found
        if network.endpoint_type(endpoint) == "Interface"
    ]
    s3 = "S3 gateway endpoint" if has_gateway(services, "s3") else "no S3 gateway endpoint"
    return (
        f"VPC {vpc.get('id')} DNS support {support}, hostnames {hostnames}; interface endpoints: "
        f"{', '.join(interfaces) or 'none'}; {s3}"
    )


def _groups(configuration: Configuration, resources: Any) -> Iterator[str]:
    groups = resources.get("security_group_ids")
    for value in groups if isinstance(groups, list) else []:
        group = instance_of(value, "aws_security_group")
        if group is None:
            yield f"security group {value}: not found"
            continue
        rules, _ = network.security_group_egress(configuration, group)
        shown = "; ".join(_egress(rule) for rule in rules) or "no egress"
        yield f"security group {group.get('id')}: egress {shown}"


def _egress(rule: network.Egress) -> str:
    protocol = (
        "all traffic"
        if str(rule.protocol) == "-1"
        else f"{rule.protocol} {rule.from_port}-{rule.to_port}"
    )
    targets = [str(item) for item in (*rule.cidrs, *rule.prefix_lists)]
    if rule.other:
        targets.append("security groups")
    return f"{protocol} to {', '.join(targets) or 'nothing'}"


def _job_definition(configuration: Configuration, job: ResourceInstance) -> str:
    properties = container_properties(configuration, job)
    head = f"job definition {job.get('name')}:{job.get('revision')}"
    if properties is None:
        return f"{head}: no container properties"
    image = properties.value.get("image")
    where = {True: "private ECR", False: "outside private ECR", None: "registry unknown"}[
        private_ecr(image)
    ]
    vcpus, memory = properties.vcpus(), properties.memory()
    gpus = properties.requirement("GPU")
    size = f"{_number(vcpus)} vCPU, {_number(memory)} MiB" + (f", {gpus} GPU" if gpus else "")
    return f"{head}: image {text_of(image)} ({where}); {size}; {_fit(configuration, vcpus, memory, gpus)}"


def _fit(configuration: Configuration, vcpus: float | None, memory: float | None, gpus: Any) -> str:
    """Which compute environments hold the job on one instance (the catalogue's vCPU, memory
    and GPUs; the same estimate of usable memory as BF004)."""
    count = int(gpus) if isinstance(gpus, str) and gpus.isdigit() else 0
    fitting, unknown = [], []
    for ce in configuration.instances(CE_TYPE):
        resources = resources_block(ce)
        names = resources.get("instance_type") if resources is not None else None
        types = instance_types.expand(names) if isinstance(names, list) else None
        if not types:
            unknown.append(str(ce.get("name")))
            continue
        best = instance_types.smallest_fit(types, vcpus, memory, count)
        if best is not None:
            fitting.append(f"{ce.get('name')} ({best.name}, {best.architecture})")
    if fitting:
        return "fits " + ", ".join(fitting)
    if unknown:
        return "fit unknown for " + ", ".join(unknown) + " (instance types chosen by AWS)"
    return "fits no instance type of any compute environment"


def _number(value: float | None) -> str:
    return "-" if value is None else f"{value:g}"
