"""What AWS refuses that no schema, enum or provider validator expresses, each with its source.

The sources are the AWS Batch API reference texts botocore ships in its Batch model
(``botocore/data/batch/2016-08-10/service-2.json``, member documentation), cited by member, and
terraform-provider-aws where the provider decides (the "updatable" rule). ``RULES`` lists them
for documentation and lint; the functions below decide them on plain values, for the spec, the
offline provider's simulated account and its planner.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

_API = "AWS Batch API reference (botocore batch 2016-08-10)"


@dataclass(frozen=True)
class Rule:
    """One thing AWS refuses (or silently ignores), and where that is written."""

    id: str
    summary: str
    source: str


SPOT_FLEET_ROLE = Rule(
    "spot-fleet-role",
    "A SPOT compute environment with allocation strategy BEST_FIT, or none, needs "
    "spot_iam_fleet_role: a role trusted by spotfleet.amazonaws.com with the "
    "AmazonEC2SpotFleetTaggingRole policy.",
    f"{_API}, ComputeResource.spotIamFleetRole",
)
SPOT_ONLY_STRATEGIES = Rule(
    "spot-only-allocation-strategies",
    "SPOT_CAPACITY_OPTIMIZED, SPOT_PRICE_CAPACITY_OPTIMIZED and "
    "SPOT_CAPACITY_OPTIMIZED_PRIORITIZED are only available for SPOT compute resources.",
    f"{_API}, ComputeResource.allocationStrategy",
)
SCHEDULING_POLICY_FIXED = Rule(
    "scheduling-policy-fixed",
    "A job queue created without a fair-share scheduling policy can never get one, and a "
    "queue's policy can be replaced but not removed.",
    f"{_API}, CreateJobQueueRequest.schedulingPolicyArn and "
    "UpdateJobQueueRequest.schedulingPolicyArn",
)
SHARE_IDENTIFIERS_DISTINCT = Rule(
    "share-identifiers-distinct",
    "The share identifiers of a fair-share policy cannot overlap: a prefix such as UserA* and an "
    "identifier it covers such as UserA1 cannot both be listed; unlisted identifiers get the "
    "default weight 1.0.",
    f"{_API}, ShareAttributes.shareIdentifier and FairsharePolicy.shareDistribution",
)
SHARE_IDENTIFIER_ON_SUBMIT = Rule(
    "share-identifier-on-submit",
    "SubmitJob to a queue with a fair-share scheduling policy must pass a share identifier, "
    "and must not pass one to a queue without.",
    f"{_API}, SubmitJobRequest.shareIdentifier",
)
INFRASTRUCTURE_UPDATE = Rule(
    "infrastructure-update",
    "Changing instance types, subnets, security groups, allocation strategy and the other "
    "infrastructure settings of a compute environment in place needs the AWSServiceRoleForBatch "
    "service-linked role and an allocation strategy other than BEST_FIT; the provider replaces "
    "the environment instead unless the role is the service-linked one and the strategy is "
    "BEST_FIT_PROGRESSIVE, SPOT_CAPACITY_OPTIMIZED or SPOT_PRICE_CAPACITY_OPTIMIZED.",
    f"{_API}, UpdateComputeEnvironmentRequest.serviceRole and "
    "ComputeResource.allocationStrategy; terraform-provider-aws "
    "internal/service/batch/compute_environment.go (isUpdatableComputeEnvironment)",
)
SERVICE_ROLE_KIND_FIXED = Rule(
    "service-role-kind-fixed",
    "A compute environment with the service-linked role cannot be changed to a regular IAM "
    "role, nor one with a regular role to the service-linked role.",
    f"{_API}, UpdateComputeEnvironmentRequest.serviceRole",
)
FARGATE_EXECUTION_ROLE = Rule(
    "fargate-execution-role",
    "Jobs that run on Fargate resources must name an execution role (executionRoleArn).",
    f"{_API}, ContainerProperties.executionRoleArn",
)
QUEUE_ENVIRONMENTS = Rule(
    "queue-environments",
    "A job queue takes up to three compute environments, all EC2/SPOT or all "
    "FARGATE/FARGATE_SPOT, all of one architecture.",
    f"{_API}, CreateJobQueueRequest.computeEnvironmentOrder",
)
ONE_ARCHITECTURE = Rule(
    "one-architecture",
    "The instance types of one compute environment must share one architecture (no x86 and "
    "ARM instances together).",
    f"{_API}, ComputeResource.instanceTypes",
)
AMAZON_LINUX_2 = Rule(
    "amazon-linux-2",
    "From June 30, 2026 Batch blocks new ECS compute environments on its Amazon Linux 2 AMIs "
    "(ECS_AL2, ECS_AL2_NVIDIA); use ECS_AL2023 or ECS_AL2023_NVIDIA.",
    f"{_API}, Ec2Configuration.imageType",
)

LAUNCH_TEMPLATE_VERSION = Rule(
    "launch-template-version",
    "A compute environment's launch template version $Latest or $Default (the default when no "
    "version is given) names no version: a new version of the template changes nothing in the "
    "compute environment's configuration, so no update brings it to the instances; give the "
    "version number so that a new one updates the environment.",
    f"{_API}, LaunchTemplateSpecification.version",
)
SPOT_FLEET_ROLE_ARN = Rule(
    "spot-fleet-role-arn",
    "spot_iam_fleet_role takes the ARN of an IAM role (arn:aws:iam::<account>:role/...), not of "
    "an instance profile.",
    f"{_API}, ComputeResource.spotIamFleetRole; IAM User Guide, IAM identifiers (ARNs)",
)

EFS_NFS = Rule(
    "efs-nfs",
    "A job that mounts an EFS file system reaches its mount targets over NFS, TCP port 2049: "
    "the compute environment's security groups must allow that egress, and the mount targets' "
    "security groups that ingress.",
    "Amazon EFS User Guide, Using VPC security groups (security groups for EC2 instances and "
    "mount targets); AWS Batch API reference (botocore batch 2016-08-10), "
    "EFSVolumeConfiguration",
)

RULES = (
    SPOT_FLEET_ROLE,
    SPOT_FLEET_ROLE_ARN,
    SPOT_ONLY_STRATEGIES,
    SCHEDULING_POLICY_FIXED,
    SHARE_IDENTIFIERS_DISTINCT,
    SHARE_IDENTIFIER_ON_SUBMIT,
    INFRASTRUCTURE_UPDATE,
    SERVICE_ROLE_KIND_FIXED,
    FARGATE_EXECUTION_ROLE,
    QUEUE_ENVIRONMENTS,
    ONE_ARCHITECTURE,
    AMAZON_LINUX_2,
    LAUNCH_TEMPLATE_VERSION,
    EFS_NFS,
)

# At most this many compute environments per job queue (QUEUE_ENVIRONMENTS).
QUEUE_MAX_ENVIRONMENTS = 3
SPOT_ONLY_ALLOCATION_STRATEGIES = frozenset(
    {"SPOT_CAPACITY_OPTIMIZED", "SPOT_PRICE_CAPACITY_OPTIMIZED",
     "SPOT_CAPACITY_OPTIMIZED_PRIORITIZED"}
)
# The provider's list: only these keep a compute environment updatable in place
# (compute_environment.go, isUpdatableAllocationStrategy).
UPDATABLE_ALLOCATION_STRATEGIES = frozenset(
    {"BEST_FIT_PROGRESSIVE", "SPOT_CAPACITY_OPTIMIZED", "SPOT_PRICE_CAPACITY_OPTIMIZED"}
)
# The provider's test for the service-linked role (compute_environment.go, isServiceLinkedRole);
# an empty role means the service-linked role too.
SERVICE_LINKED_ROLE = re.compile(r"arn:[^:]+:iam::\d{12}:role/aws-service-role/batch\.amazonaws\.com/*")
# Its role path and name (AWS Batch user guide, "Using service-linked roles for AWS Batch").
SERVICE_LINKED_ROLE_PATH = "/aws-service-role/batch.amazonaws.com/"
SERVICE_LINKED_ROLE_NAME = "AWSServiceRoleForBatch"
FARGATE_TYPES = frozenset({"FARGATE", "FARGATE_SPOT"})
# The managed policy and trust of a Spot Fleet role (SPOT_FLEET_ROLE).
SPOT_FLEET_POLICY = "service-role/AmazonEC2SpotFleetTaggingRole"
SPOT_FLEET_PRINCIPAL = "spotfleet.amazonaws.com"
# IAM ARNs by kind (IAM User Guide, "IAM identifiers": arn:partition:iam::account:role/path/name,
# ...:instance-profile/..., ...:policy/..., ...:user/..., ...:group/...; the account of AWS
# managed policies is "aws").
ROLE_ARN = re.compile(r"arn:[^:]+:iam::\d{12}:role/.+")
INSTANCE_PROFILE_ARN = re.compile(r"arn:[^:]+:iam::\d{12}:instance-profile/.+")
IAM_ARN_KINDS = {"role": "a role", "instance-profile": "an instance profile",
                 "policy": "a managed policy", "user": "a user", "group": "a group"}
_IAM_ARN_KIND = re.compile(r":iam::[^:]*:([a-z-]+)/")

# EFS_NFS: the port NFS clients reach EFS mount targets on.
EFS_NFS_PORT = 2049

# AMAZON_LINUX_2: the image types of Batch's Amazon Linux 2 AMIs, each with its Amazon Linux
# 2023 successor, and the day Batch starts refusing new compute environments on them.
AMAZON_LINUX_2_IMAGE_TYPES = {"ECS_AL2": "ECS_AL2023", "ECS_AL2_NVIDIA": "ECS_AL2023_NVIDIA"}
AMAZON_LINUX_2_BLOCKED_FROM = date(2026, 6, 30)

# LAUNCH_TEMPLATE_VERSION: the version names that stand for no fixed version, and the one Batch
# uses when a compute environment's launch template gives none.
LAUNCH_TEMPLATE_ALIASES = ("$Latest", "$Default")
LAUNCH_TEMPLATE_DEFAULT_VERSION = "$Default"


def needs_spot_fleet_role(compute_type: str | None, allocation_strategy: str | None) -> bool:
    """Whether a compute environment must name spot_iam_fleet_role (SPOT_FLEET_ROLE)."""
    if (compute_type or "").upper() != "SPOT":
        return False
    return not allocation_strategy or allocation_strategy.upper() == "BEST_FIT"


def amazon_linux_2_successor(image_type: str | None) -> str | None:
    """The Amazon Linux 2023 image type to use instead of an Amazon Linux 2 one; None when the
    image type is not Amazon Linux 2 (AMAZON_LINUX_2)."""
    return AMAZON_LINUX_2_IMAGE_TYPES.get(image_type or "")


def amazon_linux_2_blocked(today: date) -> bool:
    """Whether Batch refuses new compute environments on its Amazon Linux 2 AMIs on that day."""
    return today >= AMAZON_LINUX_2_BLOCKED_FROM


def is_role_arn(arn: str) -> bool:
    """Whether an ARN is an IAM role's (SPOT_FLEET_ROLE_ARN)."""
    return ROLE_ARN.fullmatch(arn) is not None


def iam_arn_kind(text: str) -> str | None:
    """What an IAM ARN (or the known part of one) names: "role", "instance-profile", "policy",
    "user" or "group"; None when the text says none of them."""
    match = _IAM_ARN_KIND.search(text)
    return match.group(1) if match and match.group(1) in IAM_ARN_KINDS else None


def is_instance_profile_arn(arn: str) -> bool:
    """Whether an ARN is an IAM instance profile's."""
    return INSTANCE_PROFILE_ARN.fullmatch(arn) is not None


def is_service_linked_role(role_arn: str | None) -> bool:
    """Whether a compute environment's service_role is the Batch service-linked role."""
    return not role_arn or SERVICE_LINKED_ROLE.search(role_arn) is not None


def is_updatable_allocation_strategy(allocation_strategy: str | None) -> bool:
    """Whether the provider updates a compute environment with this strategy in place."""
    return bool(allocation_strategy) and str(allocation_strategy).upper() in (
        UPDATABLE_ALLOCATION_STRATEGIES
    )


def updatable_in_place(service_role: str | None, allocation_strategy: str | None) -> bool:
    """Whether infrastructure changes update a compute environment instead of replacing it."""
    return is_service_linked_role(service_role) and is_updatable_allocation_strategy(
        allocation_strategy
    )


def overlapping_share_identifiers(identifiers: list[str]) -> tuple[str, str] | None:
    """A prefix and an identifier it covers, both listed, if any (SHARE_IDENTIFIERS_DISTINCT)."""
    for prefix in identifiers:
        if prefix.endswith("*"):
            for other in identifiers:
                if other != prefix and other.startswith(prefix[:-1]):
                    return prefix, other
    return None


def scheduling_policy_change_refused(before: str | None, after: str | None) -> str | None:
    """Why AWS refuses to change a queue's scheduling policy from before to after, if it does."""
    if not before and after:
        return (
            "a job queue created without a fair-share scheduling policy cannot get one "
            "(first-in, first-out queues stay so)"
        )
    if before and not after:
        return "a job queue's fair-share scheduling policy can be replaced but not removed"
    return None


def service_role_change_refused(before: str | None, after: str | None) -> str | None:
    """Why AWS refuses to change a compute environment's service role, if it does."""
    if is_service_linked_role(before) == is_service_linked_role(after):
        return None
    if is_service_linked_role(before):
        return "a compute environment with the service-linked role cannot move to a regular role"
    return "a compute environment with a regular service role cannot move to the service-linked role"
