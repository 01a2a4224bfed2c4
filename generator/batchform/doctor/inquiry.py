"""The walk AWS documents for a job that does not start, as read-only requests.

AWS Batch user guide, "Jobs stuck in a RUNNABLE status"
(https://docs.aws.amazon.com/batch/latest/userguide/job_stuck_in_runnable.html): the job and
its statusReason, its queue, the queue's compute environments (status, vCPUs, instance types),
whether their instances joined the ECS cluster, the instance role, the service role, and the
network of every subnet (a way to ECS, ECR, S3 and CloudWatch Logs). Each step asks only for
what the next one needs and records what it read in a `Snapshot`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from typing import Any

from batchform.aws import regions, rules
from batchform.doctor.session import Account
from batchform.doctor.snapshot import DEFAULT_GRACE, Item, Snapshot
from batchform.errors import AccountError

# RUNNABLE jobs read per queue: enough to find the head and every job definition in use.
JOBS_PER_QUEUE = 100
# Items the Batch and ECS Describe requests take at once (botocore: jobDefinitions,
# computeEnvironments, containerInstances "up to 100").
BATCH_SIZE = 100
_ABSENT_ROLE = ("NoSuchEntity", "NoSuchEntityException")


def inquire(
    account: Account,
    *,
    job_id: str | None = None,
    queue: str | None = None,
    now: datetime | None = None,
    grace: timedelta = DEFAULT_GRACE,
) -> Snapshot:
    """Read the chain of one job, one queue, or every queue with RUNNABLE jobs."""
    snapshot = Snapshot(region=account.region, partition=regions.partition(account.region) or "aws")
    if now is not None:
        snapshot.now = now
    snapshot.grace = grace
    if job_id is not None:
        _one_job(account, snapshot, job_id)
    elif queue is not None:
        _one_queue(account, snapshot, queue)
    else:
        _busy_queues(account, snapshot)
    if not snapshot.queues:
        return snapshot
    snapshot.account_id = _account_of(snapshot.queues[0].get("jobQueueArn"))
    _job_definitions(account, snapshot)
    _compute_environments(account, snapshot)
    for ce in snapshot.compute_environments:
        _cluster(account, snapshot, ce)
        _iam(account, snapshot, ce)
    _network(account, snapshot)
    return snapshot


# -- jobs and queues --------------------------------------------------------------------------


def _one_job(account: Account, snapshot: Snapshot, job_id: str) -> None:
    snapshot.target = f"job {job_id}"
    jobs = _required(account.call("batch", "DescribeJobs", jobs=[job_id]), "jobs")
    if not jobs:
        raise AccountError(
            f"no job {job_id!r} in {account.region} (AWS keeps finished jobs about a week; "
            "check the id and --region)"
        )
    snapshot.jobs = jobs[:1]
    snapshot.queues = account.pages(
        "batch", "DescribeJobQueues", "jobQueues", jobQueues=[jobs[0]["jobQueue"]]
    )


def _one_queue(account: Account, snapshot: Snapshot, name: str) -> None:
    snapshot.target = f"queue {name}"
    queues = account.pages("batch", "DescribeJobQueues", "jobQueues", jobQueues=[name])
    if not queues:
        raise AccountError(
            f"no job queue {name!r} in {account.region}; check the name and --region"
        )
    snapshot.queues = queues[:1]
    snapshot.jobs = _runnable(account, queues[0])


def _busy_queues(account: Account, snapshot: Snapshot) -> None:
    snapshot.target = "every job queue with RUNNABLE jobs"
    for queue in account.pages("batch", "DescribeJobQueues", "jobQueues"):
        jobs = _runnable(account, queue)
        if jobs:
            snapshot.queues.append(queue)
            snapshot.jobs.extend(jobs)


def _runnable(account: Account, queue: Item) -> list[Item]:
    """The queue's RUNNABLE jobs (their summaries carry statusReason and jobDefinition)."""
    jobs = account.pages(
        "batch",
        "ListJobs",
        "jobSummaryList",
        limit=JOBS_PER_QUEUE,
        jobQueue=queue["jobQueueArn"],
        jobStatus="RUNNABLE",
    )
    return [{**job, "jobQueue": queue["jobQueueArn"]} for job in jobs]


def _job_definitions(account: Account, snapshot: Snapshot) -> None:
    arns = _unique(job.get("jobDefinition") for job in snapshot.jobs)
    for chunk in _chunks(arns):
        snapshot.job_definitions += account.pages(
            "batch", "DescribeJobDefinitions", "jobDefinitions", jobDefinitions=chunk
        )


def _compute_environments(account: Account, snapshot: Snapshot) -> None:
    arns = _unique(
        order.get("computeEnvironment")
        for queue in snapshot.queues
        for order in queue.get("computeEnvironmentOrder", [])
    )
    for chunk in _chunks(arns):
        snapshot.compute_environments += account.pages(
            "batch", "DescribeComputeEnvironments", "computeEnvironments", computeEnvironments=chunk
        )


# -- the ECS cluster and the instances ----------------------------------------------------------


def _cluster(account: Account, snapshot: Snapshot, ce: Item) -> None:
    """The CE's ECS cluster, its container instances, and the EC2 instances launched for it."""
    arn = ce.get("ecsClusterArn")
    resources = ce.get("computeResources") or {}
    if not arn or str(resources.get("type", "")).upper() not in ("EC2", "SPOT"):
        return
    clusters = _required(account.call("ecs", "DescribeClusters", clusters=[arn]), "clusters")
    snapshot.clusters += [cluster for cluster in clusters if cluster.get("status") != "INACTIVE"]
    if not any(cluster.get("clusterArn") == arn for cluster in snapshot.clusters):
        snapshot.note_missing("ecs_cluster", arn)
        return
    members = account.pages("ecs", "ListContainerInstances", "containerInstanceArns", cluster=arn)
    described: list[Item] = []
    for chunk in _chunks(members):
        found = account.call(
            "ecs", "DescribeContainerInstances", cluster=arn, containerInstances=chunk
        )
        described += _required(found, "containerInstances")
    snapshot.container_instances[arn] = described
    _instances(account, snapshot, resources)


def _instances(account: Account, snapshot: Snapshot, resources: Item) -> None:
    """EC2 instances in the CE's subnets with all of its compute_resources tags (Batch puts them
    on every instance it launches: API reference, ComputeResource.tags)."""
    tags = resources.get("tags") or {}
    subnets = resources.get("subnets") or []
    if not tags or not subnets:
        return
    filters = [
        {"Name": "subnet-id", "Values": list(subnets)},
        {"Name": "instance-state-name", "Values": ["pending", "running"]},
    ] + [{"Name": f"tag:{key}", "Values": [value]} for key, value in sorted(tags.items())]
    known = {instance["InstanceId"] for instance in snapshot.instances}
    for reservation in account.pages("ec2", "DescribeInstances", "Reservations", Filters=filters):
        for instance in reservation.get("Instances", []):
            if instance["InstanceId"] not in known:
                known.add(instance["InstanceId"])
                snapshot.instances.append(instance)


# -- IAM ------------------------------------------------------------------------------------------


def _iam(account: Account, snapshot: Snapshot, ce: Item) -> None:
    resources = ce.get("computeResources") or {}
    instance_role = resources.get("instanceRole")
    if instance_role:
        _instance_profile(account, snapshot, str(instance_role))
    service_role = ce.get("serviceRole")
    if service_role:
        _role(
            account, snapshot, _last_segment(str(service_role)), policies=not _linked(service_role)
        )


def _instance_profile(account: Account, snapshot: Snapshot, reference: str) -> None:
    if ":role/" in reference:
        return  # a role where a profile belongs: the rules say so, there is no profile to read
    name = _last_segment(reference)
    if name in snapshot.instance_profiles:
        return
    found = account.call("iam", "GetInstanceProfile", absent=_ABSENT_ROLE, InstanceProfileName=name)
    profile = found.get("InstanceProfile") if found else None
    snapshot.instance_profiles[name] = profile
    if profile is None:
        snapshot.note_missing("instance_profile", reference)
        return
    for role in profile.get("Roles", []):
        _role(account, snapshot, role["RoleName"], policies=True)


def _role(account: Account, snapshot: Snapshot, name: str, *, policies: bool) -> None:
    if name in snapshot.roles:
        return
    found = account.call("iam", "GetRole", absent=_ABSENT_ROLE, RoleName=name)
    role = found.get("Role") if found else None
    snapshot.roles[name] = role
    if role is None:
        snapshot.note_missing("role", name)
        return
    if policies:
        snapshot.attached_policies[name] = account.pages(
            "iam", "ListAttachedRolePolicies", "AttachedPolicies", RoleName=name
        )


def _linked(role_arn: Any) -> bool:
    return isinstance(role_arn, str) and rules.SERVICE_LINKED_ROLE.search(role_arn) is not None


# -- the network ----------------------------------------------------------------------------------


def _network(account: Account, snapshot: Snapshot) -> None:
    """Subnets, their VPCs with DNS attributes, route tables, gateways, endpoints and the
    security groups of every compute environment."""
    subnet_ids = _unique(
        subnet
        for ce in snapshot.compute_environments
        for subnet in (ce.get("computeResources") or {}).get("subnets", [])
    )
    group_ids = _unique(
        group
        for ce in snapshot.compute_environments
        for group in (ce.get("computeResources") or {}).get("securityGroupIds", [])
    )
    if subnet_ids:
        snapshot.subnets = account.pages(
            "ec2", "DescribeSubnets", "Subnets", Filters=_ids("subnet-id", subnet_ids)
        )
        _note_absent(snapshot, "subnet", subnet_ids, (s["SubnetId"] for s in snapshot.subnets))
    if group_ids:
        snapshot.security_groups = account.pages(
            "ec2", "DescribeSecurityGroups", "SecurityGroups", Filters=_ids("group-id", group_ids)
        )
        _note_absent(
            snapshot, "security_group", group_ids, (g["GroupId"] for g in snapshot.security_groups)
        )
    vpc_ids = _unique(subnet.get("VpcId") for subnet in snapshot.subnets)
    if vpc_ids:
        _vpcs(account, snapshot, vpc_ids)


def _vpcs(account: Account, snapshot: Snapshot, vpc_ids: list[str]) -> None:
    by_vpc = [{"Name": "vpc-id", "Values": vpc_ids}]
    snapshot.vpcs = account.pages("ec2", "DescribeVpcs", "Vpcs", Filters=by_vpc)
    for vpc in snapshot.vpcs:
        for attribute, key in (
            ("enableDnsSupport", "EnableDnsSupport"),
            ("enableDnsHostnames", "EnableDnsHostnames"),
        ):
            answer = account.call(
                "ec2", "DescribeVpcAttribute", VpcId=vpc["VpcId"], Attribute=attribute
            )
            value = (answer or {}).get(key, {}).get("Value")
            vpc[key] = value
    snapshot.route_tables = account.pages(
        "ec2", "DescribeRouteTables", "RouteTables", Filters=by_vpc
    )
    snapshot.nat_gateways = account.pages(
        "ec2", "DescribeNatGateways", "NatGateways", Filter=by_vpc
    )
    snapshot.internet_gateways = account.pages(
        "ec2",
        "DescribeInternetGateways",
        "InternetGateways",
        Filters=[{"Name": "attachment.vpc-id", "Values": vpc_ids}],
    )
    snapshot.endpoints = account.pages(
        "ec2", "DescribeVpcEndpoints", "VpcEndpoints", Filters=by_vpc
    )


def _ids(name: str, ids: list[str]) -> list[dict[str, Any]]:
    """A filter by id: it answers without the ids it does not find, where asking by id fails
    the whole request on the first missing one."""
    return [{"Name": name, "Values": ids}]


def _note_absent(snapshot: Snapshot, kind: str, wanted: list[str], found: Iterable[str]) -> None:
    have = set(found)
    for identifier in wanted:
        if identifier not in have:
            snapshot.note_missing(kind, identifier)


# -- helpers --------------------------------------------------------------------------------------


def _required(answer: dict[str, Any] | None, key: str) -> list[Item]:
    items = (answer or {}).get(key, [])
    return list(items) if isinstance(items, list) else []


def _unique(values: Iterable[Any]) -> list[str]:
    found: dict[str, None] = {}
    for value in values:
        if isinstance(value, str) and value:
            found.setdefault(value)
    return list(found)


def _chunks(items: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(items), BATCH_SIZE):
        yield items[start : start + BATCH_SIZE]


def _account_of(arn: Any) -> str:
    """The account id field of an ARN (`arn:partition:service:region:account:...`)."""
    parts = arn.split(":") if isinstance(arn, str) else []
    return parts[4] if len(parts) > 5 else ""


def _last_segment(reference: str) -> str:
    """A name from an ARN or a path: `arn:aws:iam::1:instance-profile/path/name` -> `name`."""
    return reference.rsplit("/", 1)[-1]
