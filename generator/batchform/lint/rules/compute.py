"""Rules on compute environments: replacement, IAM, Fargate fields, vCPU drift, tags."""

from __future__ import annotations

from collections.abc import Iterator

from batchform.hcl.syntax import Call, Traversal
from batchform.lint import iam
from batchform.lint.batch import (
    QUEUE_TYPE,
    ce_name_fixed,
    ce_platform,
    environments,
    queue_environments,
    resources_block,
)
from batchform.lint.resolver import BlockView, Instance, Stack
from batchform.lint.rules import Hit, hit, rule
from batchform.lint.values import AttrRef, is_set, text_of

_FARGATE_FORBIDDEN = (
    "allocation_strategy",
    "bid_percentage",
    "desired_vcpus",
    "image_id",
    "instance_type",
    "ec2_key_pair",
    "instance_role",
    "min_vcpus",
    "placement_group",
    "spot_iam_fleet_role",
)
_FARGATE_FORBIDDEN_BLOCKS = ("ec2_configuration", "launch_template")


def _queued_environments(stack: Stack) -> list[Instance]:
    found: list[Instance] = []
    for queue in stack.instances(QUEUE_TYPE):
        environments_listed, _ = queue_environments(queue)
        for ce in environments_listed:
            if ce is not None and all(ce is not other for other in found):
                found.append(ce)
    return found


def _create_before_destroy(ce: Instance) -> bool | None:
    lifecycle = ce.block.first("lifecycle")
    if lifecycle is None or "create_before_destroy" not in lifecycle.attributes:
        return False
    value = ce.scope.module.resolver.evaluate(
        lifecycle.attributes["create_before_destroy"].expr, ce.scope
    )
    return value if isinstance(value, bool) else None


@rule(
    "BF001",
    "error",
    "compute environment in a queue cannot be replaced",
    """
Changing almost anything in compute_resources (instance types, subnets, security groups, the
instance role, the AMI, tags) replaces the compute environment. Terraform destroys first by
default, but AWS refuses to delete a compute environment a job queue still uses ("Cannot
delete, found existing JobQueue relationship"). With create_before_destroy but a fixed name,
the new environment cannot be created next to the old one (409 "Object already exists").
""",
    "add `lifecycle { create_before_destroy = true }` and use `name_prefix` instead of `name`",
)
def check_replaceable(stack: Stack) -> Iterator[Hit]:
    """BF001."""
    for ce in _queued_environments(stack):
        cbd = _create_before_destroy(ce)
        if cbd is False:
            yield hit(
                ce,
                "compute environment used by a job queue has no "
                "lifecycle { create_before_destroy = true }: replacing it fails while the "
                "queue holds it",
            )
        fixed = ce_name_fixed(ce)
        if fixed is not None and not _randomised(ce, fixed):
            yield hit(
                ce,
                f"compute environment used by a job queue has a fixed `{fixed}`: a "
                "replacement cannot be created while the old one exists",
                attribute=fixed,
            )


def _randomised(ce: Instance, argument: str) -> bool:
    expr = ce.expr(argument)
    if expr is None:
        return False
    resolver = ce.scope.module.resolver
    for node, _ in resolver.expressions(expr, ce.scope):
        if isinstance(node, Traversal) and node.root.startswith("random_"):
            return True
        if isinstance(node, Call) and node.name in ("uuid", "timestamp"):
            return True
    return False


@rule(
    "BF002",
    "error",
    "compute environment does not depend on its service role's policy attachment",
    """
The compute environment references the service role, so Terraform orders it after the role,
but not after the role's policy attachment. On destroy the attachment can go first; the
compute environment then loses its permissions and sticks in DELETING/INVALID. On create it
can race IAM propagation.
""",
    "add the service role's aws_iam_role_policy_attachment to the compute environment's depends_on",
)
def check_service_role_ordering(stack: Stack) -> Iterator[Hit]:
    """BF002."""
    for ce in environments(stack):
        role = iam.role_of(ce.get("service_role"))
        if role is None:
            continue
        policies, complete = iam.attached_policies(stack, role)
        attachments = [source for _, source in policies if source.type != iam.ROLE_TYPE]
        if not attachments:
            continue
        resolver = ce.scope.module.resolver
        dependencies = resolver.dependencies(ce.resource)
        if any(attachment.resource in dependencies for attachment in attachments):
            continue
        # An attachment whose role cannot be resolved may be this role's, and depended on.
        if not complete and any(
            dependency.type in iam.ATTACHMENT_TYPES for dependency in dependencies
        ):
            continue
        names = ", ".join(sorted({attachment.address for attachment in attachments}))
        yield hit(
            ce,
            f"service role {role.address} is attached by {names}, which the compute "
            "environment does not depend on",
            attribute="service_role",
        )


@rule(
    "BF009",
    "error",
    "Fargate compute environment sets an EC2-only field",
    """
FARGATE and FARGATE_SPOT compute environments reject EC2 settings (instance types, instance
role, AMI, launch template, key pair, minimum/desired vCPUs, allocation strategy, bid
percentage, placement group, spot fleet role). AWS fails the create call.
""",
    "remove the field from compute_resources",
)
def check_fargate_fields(stack: Stack) -> Iterator[Hit]:
    """BF009."""
    for ce in environments(stack):
        if ce_platform(ce) != "FARGATE":
            continue
        resources = resources_block(ce)
        assert resources is not None
        for name in _FARGATE_FORBIDDEN:
            if is_set(resources.get(name)):
                yield hit(
                    ce, f"Fargate compute environment sets `{name}`", at=resources, attribute=name
                )
        for name in _FARGATE_FORBIDDEN_BLOCKS:
            views, _ = resources.nested(name)
            for view in views:
                yield hit(ce, f"Fargate compute environment sets a `{name}` block", at=view)


@rule(
    "BF011",
    "error",
    "instance_role is not an instance profile with the ECS instance policy",
    """
compute_resources.instance_role takes an instance profile ARN (arn:aws:iam::...:instance-profile/
...), not a role ARN. The role inside the profile needs AmazonEC2ContainerServiceforEC2Role so
the ECS agent can register the instance; without it jobs stay RUNNABLE forever.
""",
    "pass aws_iam_instance_profile.<name>.arn and attach "
    "arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role to its role",
)
def check_instance_role(stack: Stack) -> Iterator[Hit]:
    """BF011."""
    for ce in environments(stack):
        resources = resources_block(ce)
        if resources is None or not resources.has("instance_role"):
            continue
        value = resources.get("instance_role")
        role = iam.role_of(value)
        text = text_of(value)
        if role is not None or (text is not None and ":role/" in text):
            shown = role.address if role is not None else text
            yield hit(
                ce,
                f"instance_role is a role ARN ({shown}), not an instance profile ARN",
                at=resources,
                attribute="instance_role",
            )
            continue
        profile = (
            value.instance
            if isinstance(value, AttrRef) and (value.instance.type == iam.PROFILE_TYPE)
            else None
        )
        if profile is None:
            continue
        held = iam.profile_role(stack, profile)
        if not isinstance(held, Instance):
            continue
        policies, complete = iam.attached_policies(stack, held)
        if not complete:
            continue
        if not any(arn.endswith("AmazonEC2ContainerServiceforEC2Role") for arn, _ in policies):
            yield hit(
                ce,
                f"instance role {held.address} (in {profile.address}) lacks "
                "AmazonEC2ContainerServiceforEC2Role",
                at=resources,
                attribute="instance_role",
            )


@rule(
    "BF012",
    "warning",
    "desired_vcpus set without ignore_changes",
    """
AWS Batch moves desired_vcpus as it scales. A configured value then shows as drift on every
plan, and applying it resets the scaling in progress.
""",
    "drop desired_vcpus, or add `compute_resources[0].desired_vcpus` to lifecycle.ignore_changes",
)
def check_desired_vcpus(stack: Stack) -> Iterator[Hit]:
    """BF012."""
    for ce in environments(stack):
        resources = resources_block(ce)
        if resources is None or not resources.has("desired_vcpus"):
            continue
        if not is_set(resources.get("desired_vcpus")):
            continue
        if _ignores(ce, "compute_resources", "desired_vcpus"):
            continue
        yield hit(
            ce,
            "desired_vcpus is set but not in lifecycle.ignore_changes",
            at=resources,
            attribute="desired_vcpus",
        )


def _ignores(ce: Instance, *path: str) -> bool:
    lifecycle = ce.block.first("lifecycle")
    if lifecycle is None or "ignore_changes" not in lifecycle.attributes:
        return False
    expr = lifecycle.attributes["ignore_changes"].expr
    if isinstance(expr, Traversal) and expr.root == "all" and not expr.steps:
        return True
    items = getattr(expr, "items", ())
    for item in items:
        if isinstance(item, Traversal):
            names = [item.root] + [step.name for step in item.steps if step.kind == "attr"]
            if names == list(path[: len(names)]):
                return True
        text = text_of(ce.scope.module.resolver.evaluate(item, ce.scope))
        if text is not None and text.replace("[0]", "").split(".") == list(path):
            return True
    return False


@rule(
    "BF013",
    "warning",
    "compute_resources.tags fed from variables or default tags",
    """
compute_resources.tags forces a new compute environment when it changes. Fed from a variable
or the provider's default tags, any tag edit elsewhere replaces the compute environment (and,
without create_before_destroy, breaks the apply).
""",
    "write compute_resources.tags as fixed literals (or drop them); tag the CE with top-level tags",
)
def check_compute_tags(stack: Stack) -> Iterator[Hit]:
    """BF013."""
    for ce in environments(stack):
        resources = resources_block(ce)
        if resources is None:
            continue
        expr = resources.expr("tags")
        if expr is None:
            continue
        resolver = ce.scope.module.resolver
        for node, _ in resolver.expressions(expr, resources.scope):
            if isinstance(node, Traversal) and (
                node.root == "var"
                or (node.root == "data" and node.steps and node.steps[0].name == "aws_default_tags")
            ):
                yield hit(
                    ce,
                    f"compute_resources.tags depends on {node.dotted()}",
                    at=resources,
                    attribute="tags",
                )
                break


@rule(
    "BF021",
    "error",
    "service role without AWSBatchServiceRole or not trusting batch.amazonaws.com",
    """
A compute environment's service_role must be assumable by batch.amazonaws.com and carry the
AWSBatchServiceRole managed policy (or be the service-linked role). Otherwise AWS Batch cannot
manage the instances: the compute environment goes INVALID and jobs stay RUNNABLE.
""",
    "trust batch.amazonaws.com in assume_role_policy and attach "
    "arn:aws:iam::aws:policy/service-role/AWSBatchServiceRole, or omit service_role to use the "
    "service-linked role",
)
def check_service_role(stack: Stack) -> Iterator[Hit]:
    """BF021."""
    for ce in environments(stack):
        role = iam.role_of(ce.get("service_role"))
        if role is None:
            continue
        services = iam.trusted_services(role)
        if services is not None and "batch.amazonaws.com" not in services:
            trusted = ", ".join(sorted(services)) or "no service"
            yield hit(
                ce,
                f"service role {role.address} trusts {trusted}, not batch.amazonaws.com",
                attribute="service_role",
            )
        policies, complete = iam.attached_policies(stack, role)
        if complete and not any(arn.endswith("/AWSBatchServiceRole") for arn, _ in policies):
            yield hit(
                ce,
                f"service role {role.address} lacks the AWSBatchServiceRole policy",
                attribute="service_role",
            )


@rule(
    "BF022",
    "warning",
    "custom AMI: the ECS agent and the awslogs driver are up to you",
    """
A compute environment with its own AMI (image_id, ec2_configuration.image_id_override) only
runs jobs if that AMI starts the ECS agent and allows the awslogs log driver (the default log
driver of Batch jobs). Without them instances never join and jobs stay RUNNABLE.
""",
    "use the ECS-optimized AMI (the default, or its SSM parameter), or make sure the custom AMI "
    "runs the ECS agent with ECS_AVAILABLE_LOGGING_DRIVERS including awslogs",
)
def check_custom_ami(stack: Stack) -> Iterator[Hit]:
    """BF022."""
    for ce in environments(stack):
        if ce_platform(ce) != "EC2":
            continue
        resources = resources_block(ce)
        if resources is None:
            continue
        candidates = [(resources, "image_id")]
        configurations, _ = resources.nested("ec2_configuration")
        candidates += [(configuration, "image_id_override") for configuration in configurations]
        for view, argument in candidates:
            if not is_set(view.get(argument)):
                continue
            if _ecs_optimized(view, argument):
                continue
            yield hit(
                ce,
                f"`{argument}` sets a custom AMI; it must run the ECS agent and allow awslogs",
                at=view,
                attribute=argument,
            )


def _ecs_optimized(view: BlockView, argument: str) -> bool:
    """True when the AMI comes from the ECS-optimized SSM parameters or an ECS AMI filter."""
    expr = view.expr(argument)
    if expr is None:
        return False
    resolver = view.scope.module.resolver
    for node, scope in resolver.expressions(expr, view.scope):
        if not isinstance(node, Traversal) or node.root != "data" or len(node.steps) < 2:
            continue
        source = scope.module.resources.get(("data", node.steps[0].name, node.steps[1].name))
        if source is None:
            continue
        for instance in source.instances():
            texts = [text_of(instance.get("name"))]
            filters, _ = instance.nested("filter")
            for item in filters:
                values = item.get("values")
                if isinstance(values, list):
                    texts.extend(text_of(value) for value in values)
            if any(text and ("ecs" in text.lower()) for text in texts):
                return True
    return False
