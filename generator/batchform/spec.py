"""The spec models: what a user may write, and every check that needs no file to explain it."""

from __future__ import annotations

import difflib
import ipaddress
import re
import unicodedata
from collections.abc import Sequence
from functools import cached_property
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator, model_validator

from batchform.aws import (
    ecr,
    efs,
    fargate,
    images,
    instance_types,
    jobs,
    launch_templates,
    names,
    regions,
    rules,
    secrets,
    validators,
)
from batchform.aws.instance_types import InstanceType
from batchform.spec_base import CrossReferenceError, Model, Problems, fail, high, low
from batchform.spec_options import (
    Backend,
    Iam,
    LaunchTemplate,
    LinuxParameters,
    Retry,
    Ulimit,
    UpdatePolicy,
    Volume,
)

__all__ = ["CrossReferenceError", "Spec"]

ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*\Z")
# Names that read as credentials must come from `secrets`, never as plain environment values.
SECRET_LOOKING_NAME = re.compile(r"PASSWORD|PASSWD|SECRET|TOKEN|_KEY$|^KEY$|CREDENTIAL", re.I)
POLICY_ARN = re.compile(r"^arn:aws[a-z-]*:iam::(?:aws|[0-9]{12}):policy/[^\s\x00-\x1f\x7f]+\Z")
# Ranges a VPC cannot use (Amazon VPC user guide, "VPC CIDR blocks"; RFC 6890).
RESERVED_RANGES = (
    ("0.0.0.0/8", "'this network'"),
    ("127.0.0.0/8", "loopback"),
    ("169.254.0.0/16", "link-local, where instance and task metadata live"),
    ("224.0.0.0/4", "multicast"),
    ("240.0.0.0/4", "reserved"),
)
# Docker's default bridge network on ECS-optimized AMIs; containers in bridge mode cannot
# reach VPC addresses inside it (Amazon ECS developer guide, task networking).
DOCKER_BRIDGE = ipaddress.IPv4Network("172.17.0.0/16")
AWS_ID = {
    "vpc_id": re.compile(r"^vpc-(?:[0-9a-f]{8}|[0-9a-f]{17})\Z"),
    "subnet_ids": re.compile(r"^subnet-(?:[0-9a-f]{8}|[0-9a-f]{17})\Z"),
    "security_group_ids": re.compile(r"^sg-(?:[0-9a-f]{8}|[0-9a-f]{17})\Z"),
}
EC2_FAMILY = ("EC2", "SPOT")
FARGATE_FAMILY = ("FARGATE", "FARGATE_SPOT")
# The longest IAM role names the modules derive from the stack and object names.
INSTANCE_ROLE_SUFFIX = "-batch-instance"
SERVICE_ROLE_SUFFIX = "-batch-service"
EXECUTION_ROLE_SUFFIX = "-execution"

BatchName = Annotated[str, Field(description="Letters, digits, '-' and '_', 1-128 characters.")]


_fail = fail


def _apply(keys: Sequence[str]) -> str:
    return "applies" if len(keys) == 1 else "apply"


def _check_batch_name(value: str) -> str:
    # The name AWS sees is "<stack>-<name>"; the stack name already starts with a letter.
    if not value or names.BATCH_NAME_INVALID_CHARACTER.search(value) or len(value) > (
        names.BATCH_NAME_MAX_LENGTH
    ):
        raise ValueError(
            f"{value!r} is not a valid AWS Batch name: use letters, digits, '-' and '_' only "
            f"(no spaces), 1 to {names.BATCH_NAME_MAX_LENGTH} characters, e.g. 'nightly-etl'"
        )
    return value


_low = low
_high = high


def _is_tag_text(text: str) -> bool:
    # AWS tag pattern ^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$ (Resource Groups Tagging API reference).
    return all(ch in "_.:/=+-@" or unicodedata.category(ch)[0] in "LZN" for ch in text)


class Network(Model):
    """Where compute runs and how it reaches the ECS, ECR and CloudWatch endpoints."""

    mode: Literal["public", "endpoints", "nat", "existing"] = "nat"
    cidr: str = "10.0.0.0/16"
    availability_zones: int | list[str] = 2
    nat_gateways: Literal["single", "per_az"] = "single"
    flow_logs: bool = False
    flow_log_retention_days: int | None = None
    vpc_id: str | None = None
    subnet_ids: list[str] | None = None
    security_group_ids: list[str] | None = None
    assign_public_ip: bool = False

    @field_validator("cidr")
    @classmethod
    def _cidr(cls, value: str) -> str:
        try:
            network = ipaddress.IPv4Network(value, strict=True)
        except ValueError as error:
            raise ValueError(
                f"{value!r} is not an IPv4 CIDR block like '10.0.0.0/16' ({error})"
            ) from None
        if not 16 <= network.prefixlen <= 24:
            raise ValueError(
                f"a VPC CIDR block needs a prefix between /16 and /24 here, got /{network.prefixlen}"
            )
        for reserved, why in RESERVED_RANGES:
            if network.overlaps(ipaddress.IPv4Network(reserved)):
                raise ValueError(
                    f"{value} overlaps {reserved} ({why}), which a VPC cannot use; choose a "
                    "private range such as 10.0.0.0/16"
                )
        return value

    @field_validator("flow_log_retention_days")
    @classmethod
    def _flow_log_retention(cls, value: int | None) -> int | None:
        return None if value is None else _check_retention(value)

    @field_validator("availability_zones")
    @classmethod
    def _zones(cls, value: int | list[str]) -> int | list[str]:
        count = value if isinstance(value, int) else len(value)
        if not 1 <= count <= 6:
            raise ValueError(f"use 1 to 6 availability zones (2 or 3 is typical), got {count}")
        if isinstance(value, list):
            if len(set(value)) != len(value):
                raise ValueError("availability zone names must be unique")
            for zone in value:
                if not re.match(r"^[a-z]{2}(?:-[a-z]+)+-[0-9][a-z]\Z", zone):
                    raise ValueError(f"{zone!r} is not an availability zone name like 'us-east-1a'")
        return value

    @model_validator(mode="after")
    def _mode_fields(self) -> Network:
        existing_only = ("vpc_id", "subnet_ids", "security_group_ids", "assign_public_ip")
        if self.mode == "existing":
            if not self.vpc_id:
                _fail("vpc_id", "mode 'existing' needs vpc_id, e.g. vpc_id = \"vpc-0abc1234\"")
            if not self.subnet_ids:
                _fail(
                    "subnet_ids",
                    "mode 'existing' needs subnet_ids, the private subnets compute runs in",
                )
            ids = {"vpc_id": [self.vpc_id], "subnet_ids": self.subnet_ids,
                   "security_group_ids": self.security_group_ids or []}
            for key, values in ids.items():
                example = AWS_ID[key].pattern[1:].split("-")[0] + "-0123456789abcdef0"
                for index, value in enumerate(values):
                    if not AWS_ID[key].match(value):
                        _fail(
                            key if key == "vpc_id" else f"{key}.{index}",
                            f"{value!r} is not an id like {example!r} (8 or 17 hex digits)",
                        )
            vpc_only = [k for k in ("cidr", "nat_gateways", "flow_logs", "flow_log_retention_days")
                        if k in self.model_fields_set]
            if vpc_only:
                _fail(
                    vpc_only[0],
                    f"{', '.join(vpc_only)} {_apply(vpc_only)} only to a VPC batchform creates, "
                    "not to mode 'existing'; remove them",
                )
        else:
            given = [key for key in existing_only if key in self.model_fields_set]
            if given:
                _fail(
                    given[0],
                    f"{', '.join(given)} {_apply(given)} only to mode 'existing' (mode is "
                    f"{self.mode!r}); remove them or set mode = \"existing\"",
                )
            if self.mode != "nat" and "nat_gateways" in self.model_fields_set:
                _fail(
                    "nat_gateways",
                    f"nat_gateways only applies to mode 'nat' (mode is {self.mode!r}); remove it",
                )
            if self.flow_log_retention_days is not None and not self.flow_logs:
                _fail(
                    "flow_log_retention_days",
                    "flow_log_retention_days keeps VPC flow logs, and flow_logs is off; set "
                    "flow_logs = true or remove it",
                )
        return self

    @property
    def zone_count(self) -> int:
        """How many availability zones the network spans."""
        return self.availability_zones if isinstance(self.availability_zones, int) else len(
            self.availability_zones
        )


class ComputeEnvironment(Model):
    """A managed compute environment."""

    name: BatchName
    type: Literal["EC2", "SPOT", "FARGATE", "FARGATE_SPOT"] = "EC2"
    instance_types: list[str] | None = None
    min_vcpus: int | None = None
    max_vcpus: int = Field(default=64, ge=1, le=100_000)
    allocation_strategy: (
        Literal[
            "BEST_FIT",
            "BEST_FIT_PROGRESSIVE",
            "SPOT_CAPACITY_OPTIMIZED",
            "SPOT_PRICE_CAPACITY_OPTIMIZED",
        ]
        | None
    ) = None
    bid_percentage: int | None = Field(default=None, ge=1, le=100)
    # The ECS image type Batch picks the AMI by; default ECS_AL2023, or ECS_AL2023_NVIDIA
    # when the instance types have GPUs.
    image_type: str | None = None
    # An AMI of your own instead of Batch's pick; it must run the ECS agent.
    image_id: str | None = None
    launch_template: LaunchTemplate | None = None
    update_policy: UpdatePolicy | None = None
    # "cluster": batchform creates a cluster placement group for the environment's instances.
    placement_group: Literal["cluster"] | None = None
    ec2_key_pair: str | None = None

    _name = field_validator("name")(_check_batch_name)

    @field_validator("image_type")
    @classmethod
    def _image_type(cls, value: str | None) -> str | None:
        if value is not None and value not in images.ECS_IMAGE_TYPES:
            listing = ", ".join(t for t in images.ECS_IMAGE_TYPES if t not in images.AMAZON_LINUX_2)
            raise ValueError(
                f"{value!r} is not an ECS image type of AWS Batch; use {listing} "
                f"({images.SOURCE})"
            )
        return value

    @field_validator("image_id")
    @classmethod
    def _image_id(cls, value: str | None) -> str | None:
        if value is not None and not images.AMI_ID.match(value):
            raise ValueError(f"{value!r} is not an AMI id like 'ami-0123456789abcdef0'")
        return value

    @field_validator("ec2_key_pair")
    @classmethod
    def _key_pair(cls, value: str | None) -> str | None:
        if value is not None and not launch_templates.KEY_PAIR_NAME.match(value):
            raise ValueError(
                f"{value!r}: a key pair name has 1 to 255 printable ASCII characters "
                f"({launch_templates.KEY_PAIR_SOURCE})"
            )
        return value

    @field_validator("instance_types")
    @classmethod
    def _instance_types(cls, value: list[str] | None) -> list[str] | None:
        if value is None:
            return value
        if not value:
            raise ValueError("give at least one instance type, or leave it out for 'optimal'")
        for item in value:
            if not instance_types.is_known(item):
                close = instance_types.suggest(item)
                hint = f"did you mean {close!r}? " if close else ""
                raise ValueError(
                    f"{item!r} is not an EC2 instance type or family; {hint}use types like "
                    "'c6i.large', families like 'c6i', or 'optimal' (EC2's catalogue of "
                    f"{len(instance_types.catalogue())} types)"
                )
        if len(set(value)) != len(value):
            raise ValueError("instance types must be unique")
        mixed = _architectures(value)
        if len(mixed) > 1:
            listing = " and ".join(f"{arch} ({', '.join(items)})" for arch, items in mixed.items())
            raise ValueError(
                f"mixes {listing} instance types; a compute environment runs one architecture "
                f"({rules.ONE_ARCHITECTURE.source}), so give each its own compute environment "
                "and job queue"
            )
        return value

    @model_validator(mode="after")
    def _family_fields(self) -> ComputeEnvironment:
        if self.is_fargate:
            ec2_only = ("instance_types", "min_vcpus", "allocation_strategy", "bid_percentage",
                        "image_type", "image_id", "launch_template", "update_policy",
                        "placement_group", "ec2_key_pair")
            given = [key for key in ec2_only if getattr(self, key) is not None]
            if given:
                _fail(
                    given[0],
                    f"{', '.join(given)} cannot be set on a {self.type} compute environment "
                    "(Fargate picks the capacity); remove them or use type EC2/SPOT",
                )
            return self
        if self.min_vcpus is not None and not 0 <= self.min_vcpus <= self.max_vcpus:
            _fail(
                "min_vcpus",
                f"min_vcpus ({self.min_vcpus}) must be between 0 and max_vcpus ({self.max_vcpus})",
            )
        if self.bid_percentage is not None and self.type != "SPOT":
            _fail("bid_percentage", "bid_percentage only applies to type SPOT")
        if self.type == "EC2" and self.allocation_strategy in rules.SPOT_ONLY_ALLOCATION_STRATEGIES:
            _fail(
                "allocation_strategy",
                f"allocation_strategy {self.allocation_strategy} is for SPOT; "
                "EC2 takes BEST_FIT_PROGRESSIVE or BEST_FIT",
            )
        if rules.needs_spot_fleet_role(self.type, self.resolved_allocation_strategy):
            # batchform creates no Spot Fleet role: the updatable strategies need none.
            _fail(
                "allocation_strategy",
                "allocation_strategy BEST_FIT on SPOT needs a Spot Fleet IAM role "
                f"(spot_iam_fleet_role; {rules.SPOT_FLEET_ROLE.source}) and never updates in "
                "place; use SPOT_PRICE_CAPACITY_OPTIMIZED (the default) or "
                "SPOT_CAPACITY_OPTIMIZED, which need no role",
            )
        problem = images.image_type_problem(self.resolved_image_type, self.known_instance_types)
        if problem is not None:
            _fail("image_type" if self.image_type else "instance_types", problem)
        return self

    @property
    def is_fargate(self) -> bool:
        """Whether this environment runs on Fargate."""
        return self.type in FARGATE_FAMILY

    @property
    def family(self) -> str:
        """'FARGATE' or 'EC2': the platform its jobs need."""
        return "FARGATE" if self.is_fargate else "EC2"

    @property
    def resolved_instance_types(self) -> list[str]:
        """Instance types, 'optimal' when none were given."""
        return self.instance_types or ["optimal"]

    @property
    def resolved_min_vcpus(self) -> int:
        """Minimum vCPUs; 0 keeps no instance running while the queue is empty."""
        return self.min_vcpus if self.min_vcpus is not None else 0

    @property
    def resolved_allocation_strategy(self) -> str:
        """The allocation strategy, defaulting to one that allows in-place updates."""
        if self.allocation_strategy:
            return self.allocation_strategy
        return "SPOT_PRICE_CAPACITY_OPTIMIZED" if self.type == "SPOT" else "BEST_FIT_PROGRESSIVE"

    @property
    def architecture(self) -> str | None:
        """The architecture EC2/SPOT instances run (x86_64, arm64); None on Fargate."""
        if self.is_fargate:
            return None
        found = _architectures(self.resolved_instance_types)
        return next(iter(found), None)

    @property
    def known_instance_types(self) -> list[InstanceType] | None:
        """The instance types jobs may land on, None when EC2 picks them ('optimal')."""
        return None if self.is_fargate else instance_types.expand(self.resolved_instance_types)

    @property
    def resolved_image_type(self) -> str:
        """The ECS image type of EC2/SPOT instances: as given, or the one their types need."""
        return self.image_type or images.default_image_type(self.known_instance_types)

    @property
    def has_gpus(self) -> bool:
        """Whether GPU jobs can run here: GPUs the image type drives."""
        types = self.known_instance_types or ()
        return images.is_nvidia(self.resolved_image_type) and any(
            images.schedulable_gpus(entry) for entry in types
        )


def _architectures(types: Sequence[str]) -> dict[str, list[str]]:
    """The architectures of instance types, families or Batch's choices, with who runs each."""
    found: dict[str, list[str]] = {}
    for item in types:
        for arch in sorted(instance_types.architectures(item)):
            found.setdefault(arch, []).append(item)
    return dict(sorted(found.items()))


class FairShare(Model):
    """A fair-share scheduling policy for a job queue."""

    share_decay_seconds: int = Field(
        default=0,
        ge=_low(validators.SHARE_DECAY_SECONDS),
        le=_high(validators.SHARE_DECAY_SECONDS),
    )
    compute_reservation: int = Field(
        default=0,
        ge=_low(validators.COMPUTE_RESERVATION),
        le=_high(validators.COMPUTE_RESERVATION),
    )
    shares: dict[str, float] = Field(default_factory=dict)

    @field_validator("shares", mode="before")
    @classmethod
    def _numbers(cls, value: Any) -> Any:
        # TOML and YAML write whole weights as integers; they are weight factors all the same.
        if isinstance(value, dict):
            return {k: float(v) if type(v) is int else v for k, v in value.items()}
        return value

    @field_validator("shares")
    @classmethod
    def _shares(cls, value: dict[str, float]) -> dict[str, float]:
        limit = int(validators.SHARE_DISTRIBUTIONS.maximum or 0)
        if len(value) > limit:
            raise ValueError(f"a fair-share policy takes at most {limit} shares, got {len(value)}")
        weight = validators.WEIGHT_FACTOR
        for identifier, factor in value.items():
            if not identifier or not validators.SHARE_IDENTIFIER.allows(identifier):
                raise ValueError(
                    f"share identifier {identifier!r}: use 1 to 255 letters and digits, "
                    "optionally ending in '*' (a prefix)"
                )
            if not weight.allows(factor):
                raise ValueError(
                    f"share {identifier!r}: weight {factor} must be between {weight.minimum} "
                    f"and {weight.maximum}"
                )
        overlap = rules.overlapping_share_identifiers(list(value))
        if overlap is not None:
            raise ValueError(
                f"shares {overlap[0]!r} and {overlap[1]!r} overlap, which a fair-share policy "
                f"cannot hold ({rules.SHARE_IDENTIFIERS_DISTINCT.source}); keep the prefix"
            )
        return value

    @property
    def submit_share_identifier(self) -> str:
        """A share identifier SubmitJob can pass to this queue, for examples."""
        exact = [identifier for identifier in self.shares if not identifier.endswith("*")]
        if exact:
            return exact[0]
        prefixes = [identifier[:-1] for identifier in self.shares if identifier[:-1]]
        # Identifiers the policy does not list get the default weight (SHARE_IDENTIFIERS_DISTINCT).
        return f"{prefixes[0]}1" if prefixes else "default"


class JobQueue(Model):
    """A job queue feeding one to three compute environments of one platform family."""

    name: BatchName
    priority: int = Field(default=1, ge=0, le=1000)
    compute_environments: list[str] = Field(min_length=1)
    runnable_timeout_seconds: int | None = Field(
        default=None,
        ge=_low(validators.RUNNABLE_TIME_LIMIT_SECONDS),
        le=_high(validators.RUNNABLE_TIME_LIMIT_SECONDS),
    )
    fair_share: FairShare | None = None

    _name = field_validator("name")(_check_batch_name)

    @field_validator("compute_environments")
    @classmethod
    def _count(cls, value: list[str]) -> list[str]:
        if len(value) > rules.QUEUE_MAX_ENVIRONMENTS:
            raise ValueError(
                f"a job queue takes at most {rules.QUEUE_MAX_ENVIRONMENTS} compute environments, "
                f"got {len(value)}; split them over several queues"
            )
        if len(set(value)) != len(value):
            raise ValueError("each compute environment may appear once")
        return value


class JobDefinition(Model):
    """A container job definition."""

    name: BatchName
    platform: Literal["EC2", "FARGATE"] = "EC2"
    image: str = Field(min_length=1, max_length=1024)
    command: list[str] = Field(default_factory=list)
    vcpus: float = 1
    memory: int = Field(default=2048, ge=4)
    environment: dict[str, str] = Field(default_factory=dict)
    secrets: dict[str, str] = Field(default_factory=dict)
    retry_attempts: int = Field(
        default=1, ge=_low(validators.RETRY_ATTEMPTS), le=_high(validators.RETRY_ATTEMPTS)
    )
    timeout_seconds: int | None = Field(
        default=None,
        ge=_low(validators.ATTEMPT_DURATION_SECONDS),
        le=_high(validators.ATTEMPT_DURATION_SECONDS),
    )
    job_role_policy_arns: list[str] = Field(default_factory=list)
    log_retention_days: int = 30
    # "multinode": a multi-node parallel job of `nodes` EC2 instances, `main_node` leading.
    type: Literal["container", "multinode"] = "container"
    nodes: int | None = Field(default=None, ge=1)
    main_node: int | None = Field(default=None, ge=0)
    # The queues the job is submitted to; by default every queue of its platform.
    queues: list[str] | None = Field(default=None, min_length=1)
    gpus: int | None = Field(default=None, ge=1)
    architecture: Literal["X86_64", "ARM64"] | None = None
    ephemeral_storage_gib: int | None = Field(
        default=None, ge=jobs.EPHEMERAL_STORAGE_MIN_GIB, le=jobs.EPHEMERAL_STORAGE_MAX_GIB
    )
    volumes: list[Volume] = Field(default_factory=list)
    retry: Retry | None = None
    linux_parameters: LinuxParameters | None = None
    ulimits: dict[str, Ulimit] = Field(default_factory=dict)
    user: str | None = Field(default=None, min_length=1, max_length=255)
    readonly_root_filesystem: bool = False
    privileged: bool = False
    parameters: dict[str, str] = Field(default_factory=dict)
    propagate_tags: bool = False
    scheduling_priority: int | None = Field(
        default=None, ge=jobs.SCHEDULING_PRIORITY_MIN, le=jobs.SCHEDULING_PRIORITY_MAX
    )

    _name = field_validator("name")(_check_batch_name)

    @field_validator("queues")
    @classmethod
    def _queues(cls, value: list[str] | None) -> list[str] | None:
        if value is not None and len(set(value)) != len(value):
            raise ValueError("each queue may appear once")
        return value

    @field_validator("volumes")
    @classmethod
    def _volumes(cls, value: list[Volume]) -> list[Volume]:
        for key in ("name", "mount_path"):
            seen = [getattr(volume, key) for volume in value]
            twice = next((item for item in seen if seen.count(item) > 1), None)
            if twice is not None:
                raise ValueError(f"two volumes have the {key.replace('_', ' ')} {twice!r}")
        return value

    @field_validator("ulimits")
    @classmethod
    def _ulimits(cls, value: dict[str, Ulimit]) -> dict[str, Ulimit]:
        for name in value:
            if name not in jobs.ULIMIT_NAMES:
                raise ValueError(
                    f"{name!r} is not a ulimit AWS Batch sets; use one of "
                    f"{', '.join(jobs.ULIMIT_NAMES)}"
                )
        return value

    @field_validator("user")
    @classmethod
    def _user(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^[A-Za-z0-9_.@:-]+\Z", value):
            raise ValueError(
                f"{value!r}: give a user name or id, optionally with a group: 'app', '1000' or "
                "'1000:1000'"
            )
        return value

    @field_validator("parameters")
    @classmethod
    def _parameters(cls, value: dict[str, str]) -> dict[str, str]:
        for key in value:
            if not re.match(r"^[A-Za-z0-9_-]+\Z", key):
                raise ValueError(
                    f"parameter {key!r}: use letters, digits, '-' and '_', the name a command "
                    "refers to as Ref::name"
                )
        return value

    @field_validator("vcpus", mode="before")
    @classmethod
    def _vcpus_number(cls, value: Any) -> Any:
        return float(value) if type(value) is int else value

    @field_validator("image")
    @classmethod
    def _image(cls, value: str) -> str:
        if value != value.strip() or any(ch.isspace() for ch in value):
            raise ValueError(f"{value!r}: an image reference has no whitespace")
        return value

    @field_validator("environment")
    @classmethod
    def _environment(cls, value: dict[str, str]) -> dict[str, str]:
        for key, item in value.items():
            _check_env_name(key)
            if item == "":
                raise ValueError(
                    f"{key}: empty values are dropped by AWS, so the job definition would "
                    "re-register on every apply; remove the variable or give it a value"
                )
            if SECRET_LOOKING_NAME.search(key):
                raise ValueError(
                    f"{key} looks like a credential given as plain text; move it to `secrets` "
                    "as an SSM parameter or Secrets Manager ARN"
                )
        return value

    @field_validator("secrets")
    @classmethod
    def _secrets(cls, value: dict[str, str]) -> dict[str, str]:
        for key, arn in value.items():
            _check_env_name(key)
            problem = secrets.problem(arn)
            if problem is not None:
                raise ValueError(f"{key}: {problem}")
        return value

    @field_validator("job_role_policy_arns")
    @classmethod
    def _policies(cls, value: list[str]) -> list[str]:
        for arn in value:
            if not POLICY_ARN.match(arn):
                raise ValueError(
                    f"{arn!r} is not an IAM policy ARN like "
                    "'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess'"
                )
        if len(set(value)) != len(value):
            raise ValueError("policy ARNs must be unique")
        return value

    @field_validator("log_retention_days")
    @classmethod
    def _retention(cls, value: int) -> int:
        return _check_retention(value)

    @model_validator(mode="after")
    def _resources(self) -> JobDefinition:
        if self.platform == "FARGATE":
            _check_fargate_size(self.vcpus, self.memory)
            _check_fargate_settings(self)
        else:
            if self.vcpus != int(self.vcpus) or self.vcpus < 1:
                _fail("vcpus", f"vcpus {self.vcpus:g}: EC2 jobs take a whole number of vCPUs, "
                      "at least 1")
            if self.ephemeral_storage_gib is not None:
                _fail("ephemeral_storage_gib", "ephemeral_storage_gib sizes a Fargate task's "
                      f"storage ({jobs.EPHEMERAL_STORAGE_SOURCE}); EC2 jobs use the instance's "
                      "volume: raise compute_environments.launch_template.root_volume_gib")
        _check_node_settings(self)
        if self.retry is not None and "retry_attempts" in self.model_fields_set:
            _fail("retry_attempts", "give the attempts in retry.attempts, not both")
        return self

    @property
    def uses_secrets(self) -> bool:
        """Whether the job reads secrets (and so needs an execution role)."""
        return bool(self.secrets)

    @property
    def is_multinode(self) -> bool:
        """Whether this is a multi-node parallel job."""
        return self.type == "multinode"

    @property
    def resolved_main_node(self) -> int:
        """The index of the main node of a multi-node job."""
        return self.main_node or 0

    @property
    def attempts(self) -> int:
        """How many times a failed job is attempted."""
        return self.retry.attempts if self.retry is not None else self.retry_attempts

    @property
    def efs_volumes(self) -> list[Volume]:
        """The volumes on EFS."""
        return [volume for volume in self.volumes if volume.efs is not None]


def _check_fargate_settings(job: JobDefinition) -> None:
    """Settings AWS Batch documents as not applicable to jobs on Fargate resources."""
    if job.gpus is not None:
        _fail("gpus", f"Fargate has no GPUs ({jobs.GPU_SOURCE}); run GPU jobs with platform EC2 "
              "on GPU instance types such as g5 or g6")
    if job.is_multinode:
        _fail("type", f"multi-node parallel jobs run on EC2 only ({jobs.MULTINODE_SOURCE}); use "
              "platform EC2 or type \"container\"")
    ec2_only = {
        "privileged": job.privileged,
        "ulimits": job.ulimits,
        "linux_parameters.shared_memory_mib": (
            job.linux_parameters is not None and job.linux_parameters.shared_memory_mib
        ),
    }
    for key, value in ec2_only.items():
        if value:
            source = jobs.EC2_ONLY_SOURCE[key.rsplit(".", 1)[-1]]
            _fail(key, f"{key} does not apply to jobs on Fargate ({source}); remove it or use "
                  "platform EC2")
    for index, volume in enumerate(job.volumes):
        if volume.host_path is not None:
            _fail(f"volumes.{index}.host_path", "Fargate jobs have no host to mount a path of "
                  f"({jobs.EC2_ONLY_SOURCE['host_path']}); use an EFS volume or platform EC2")


def _check_node_settings(job: JobDefinition) -> None:
    if not job.is_multinode:
        extra = [key for key in ("nodes", "main_node") if getattr(job, key) is not None]
        if extra:
            _fail(extra[0], f"{extra[0]} applies to type \"multinode\" only; remove it or set "
                  "type = \"multinode\"")
        return
    if job.nodes is None:
        _fail("nodes", "a multi-node parallel job needs nodes, the number of instances it runs on")
    if job.resolved_main_node >= job.nodes:
        _fail("main_node", f"main_node {job.resolved_main_node} is not one of the {job.nodes} "
              f"nodes (0 to {job.nodes - 1}; {jobs.MAIN_NODE_SOURCE})")


def _check_retention(value: int) -> int:
    allowed = validators.LOG_RETENTION_DAYS.values
    if value not in allowed:
        listing = ", ".join(str(v) for v in sorted(allowed))
        raise ValueError(
            f"{value} is not a CloudWatch Logs retention; use one of {listing} (0 keeps "
            "the logs forever)"
        )
    return value


def _check_env_name(key: str) -> None:
    if not ENV_NAME.match(key):
        raise ValueError(
            f"{key!r} is not an environment variable name: use letters, digits and '_', "
            "not starting with a digit"
        )
    if key.startswith("AWS_BATCH"):
        raise ValueError(f"{key}: names starting with AWS_BATCH are reserved by AWS Batch")


def _check_fargate_size(vcpus: float, memory: int) -> None:
    if vcpus not in fargate.MEMORY_BY_VCPUS:
        _fail("vcpus", f"vcpus {vcpus:g} is not a Fargate size; use one of {fargate.vcpu_choices()}")
    if not fargate.fits(vcpus, memory):
        _fail(
            "memory",
            f"memory {memory} MiB does not fit {vcpus:g} Fargate vCPU; use "
            f"{fargate.memory_choices(vcpus)}",
        )


class Spec(Model):
    """A whole stack: network, compute environments, job queues and job definitions."""

    name: str
    region: str | None = None
    tags: dict[str, str] = Field(default_factory=dict)
    # "service-linked": AWSServiceRoleForBatch, which lets instance types, subnets and the
    # allocation strategy change in place; "custom": a role of the stack's own.
    service_role: Literal["service-linked", "custom"] = "service-linked"
    secrets_kms_key_arn: str | None = None
    # The customer managed KMS key that encrypts every log group (jobs' and flow logs).
    log_kms_key_arn: str | None = None
    iam: Iam = Field(default_factory=Iam)
    backend: Backend | None = None
    network: Network = Field(default_factory=Network)
    compute_environments: list[ComputeEnvironment] = Field(min_length=1)
    job_queues: list[JobQueue] = Field(min_length=1)
    job_definitions: list[JobDefinition] = Field(default_factory=list)

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not re.match(r"^[a-z][a-z0-9-]{0,23}\Z", value) or value.endswith("-"):
            raise ValueError(
                f"{value!r}: the stack name prefixes every resource name; use 1-24 lower-case "
                "letters, digits and '-', starting with a letter, e.g. 'data-batch'"
            )
        return value

    @field_validator("region")
    @classmethod
    def _region(cls, value: str | None) -> str | None:
        if value is not None and not regions.is_region(value):
            close = regions.closest(value)
            hint = f"; did you mean {close!r}?" if close else ""
            raise ValueError(
                f"{value!r} is not an AWS region like 'us-east-1'{hint} (the regions botocore "
                "knows)"
            )
        return value

    @field_validator("secrets_kms_key_arn", "log_kms_key_arn")
    @classmethod
    def _kms_key(cls, value: str | None) -> str | None:
        problem = None if value is None else secrets.kms_key_problem(value)
        if problem is not None:
            raise ValueError(problem)
        return value

    @field_validator("tags")
    @classmethod
    def _tags(cls, value: dict[str, str]) -> dict[str, str]:
        for key, item in value.items():
            if not 1 <= len(key) <= 128 or not _is_tag_text(key) or key.startswith("aws:"):
                raise ValueError(
                    f"tag key {key!r}: 1-128 letters, digits, spaces and _ . : / = + - @, "
                    "not starting with 'aws:'"
                )
            if len(item) > 256 or not _is_tag_text(item):
                raise ValueError(
                    f"tag {key!r}: the value may hold up to 256 letters, digits, spaces and "
                    "_ . : / = + - @"
                )
        if len(value) > 45:
            raise ValueError("at most 45 tags: AWS allows 50 and the provider adds its own")
        return value

    @model_validator(mode="after")
    def _cross_references(self) -> Spec:
        problems = [
            *self._duplicate_names(),
            *self._name_lengths(),
            *self._network_fit(),
            *self._queue_members(),
            *self._job_problems(),
            *self._kms_key_use(),
            *self._log_key_region(),
        ]
        if problems:
            raise CrossReferenceError(problems)
        return self

    def _duplicate_names(self) -> Problems:
        problems: Problems = []
        for collection in ("compute_environments", "job_queues", "job_definitions"):
            seen: dict[str, int] = {}
            for index, item in enumerate(getattr(self, collection)):
                if item.name in seen:
                    problems.append(
                        (f"{collection}.{index}.name",
                         f"{item.name!r} is already used by {collection}.{seen[item.name]}")
                    )
                seen[item.name] = index
        return problems

    def _name_lengths(self) -> Problems:
        """Names AWS would refuse once the stack name and the modules' suffixes are added."""
        problems: Problems = []
        for index, ce in enumerate(self.compute_environments):
            # Compute environments are named by prefix: "<stack>-<name>-" plus 26 characters.
            prefix = f"{self.name}-{ce.name}-"
            if len(prefix) > names.BATCH_NAME_PREFIX_MAX_LENGTH:
                problems.append(
                    (f"compute_environments.{index}.name",
                     f"the name prefix '{prefix}' is {len(prefix)} characters; AWS Batch allows "
                     f"{names.BATCH_NAME_PREFIX_MAX_LENGTH} before the provider's unique suffix")
                )
            roles = [] if ce.is_fargate else [INSTANCE_ROLE_SUFFIX]
            if self.service_role == "custom":
                roles.append(SERVICE_ROLE_SUFFIX)
            for suffix in roles:
                problems.extend(self._role_name(f"compute_environments.{index}.name",
                                                f"{self.name}-{ce.name}{suffix}",
                                                "compute environment"))
        for collection in ("job_queues", "job_definitions"):
            for index, item in enumerate(getattr(self, collection)):
                full = f"{self.name}-{item.name}"
                if len(full) > names.BATCH_NAME_MAX_LENGTH:
                    problems.append(
                        (f"{collection}.{index}.name",
                         f"'{full}' is {len(full)} characters; AWS allows "
                         f"{names.BATCH_NAME_MAX_LENGTH} here")
                    )
        for index, job in enumerate(self.job_definitions):
            problems.extend(self._role_name(f"job_definitions.{index}.name",
                                            f"{self.name}-{job.name}{EXECUTION_ROLE_SUFFIX}",
                                            "job definition"))
        return problems

    @staticmethod
    def _role_name(field: str, role: str, what: str) -> Problems:
        if len(role) <= names.IAM_ROLE_NAME_MAX_LENGTH:
            return []
        return [(field, f"the IAM role name '{role}' would be {len(role)} characters (IAM allows "
                        f"{names.IAM_ROLE_NAME_MAX_LENGTH}); shorten the stack or {what} name")]

    def _network_fit(self) -> Problems:
        net = self.network
        problems: Problems = []
        if (
            net.mode != "existing"
            and "EC2" in self.families
            and ipaddress.IPv4Network(net.cidr).overlaps(DOCKER_BRIDGE)
        ):
            problems.append(
                ("network.cidr",
                 f"{net.cidr} overlaps {DOCKER_BRIDGE}, Docker's bridge network on the "
                 "ECS-optimized instances of EC2/SPOT compute: containers could not reach that "
                 "part of the VPC; choose another range such as 10.0.0.0/16")
            )
        if self.region and isinstance(net.availability_zones, list):
            for position, zone in enumerate(net.availability_zones):
                if zone[:-1] != self.region:
                    problems.append(
                        (f"network.availability_zones.{position}",
                         f"{zone!r} is not in the stack's region {self.region}; use zones like "
                         f"'{self.region}a'")
                    )
        return problems

    def _queue_members(self) -> Problems:
        by_name = self.environments_by_name
        problems: Problems = []
        for index, queue in enumerate(self.job_queues):
            members = []
            for position, ce_name in enumerate(queue.compute_environments):
                member = by_name.get(ce_name)
                if member is None:
                    known = ", ".join(sorted(by_name))
                    close = difflib.get_close_matches(ce_name, list(by_name), n=1)
                    hint = f"did you mean {close[0]!r}? " if close else ""
                    problems.append(
                        (f"job_queues.{index}.compute_environments.{position}",
                         f"no compute environment named {ce_name!r}; {hint}known: {known}")
                    )
                else:
                    members.append(member)
            problem = _queue_mix(members)
            if problem is not None:
                problems.append((f"job_queues.{index}.compute_environments", problem))
        return problems

    def _job_problems(self) -> Problems:
        problems: Problems = []
        for index, job in enumerate(self.job_definitions):
            queue_problems = self._job_queue_names(index, job)
            problems.extend(queue_problems)
            if self.network.mode == "endpoints" and not ecr.is_private_image(job.image):
                problems.append(
                    (f"job_definitions.{index}.image",
                     f"{job.image!r} is not in the account's private ECR, and network mode "
                     "'endpoints' has no internet path, so nothing could pull it; use mode "
                     f"'nat' or push the image to an ECR repository ({ecr.EXAMPLE})")
                )
            problems.extend(self._secret_regions(index, job))
            if queue_problems:
                continue
            environments = self.environments_of(job)
            problems.extend(_fit(index, job, environments))
            problems.extend(_gpu_fit(index, job, environments))
            problems.extend(self._job_architecture(index, job))
            problems.extend(self._scheduling_priority(index, job))
            problems.extend(_multinode_fit(index, job, environments))
        return problems

    def _job_queue_names(self, index: int, job: JobDefinition) -> Problems:
        """The queues a job names exist and take its platform; some queue does if it names none."""
        by_name = {queue.name: queue for queue in self.job_queues}
        if job.queues is None:
            if self.queues_by_family.get(job.platform):
                return []
            return [(f"job_definitions.{index}.platform",
                     f"{job.platform} jobs need a queue with {job.platform} compute, and no queue "
                     f"has any; add a {job.platform} compute environment to a queue or change "
                     "the platform")]
        problems: Problems = []
        for position, name in enumerate(job.queues):
            queue = by_name.get(name)
            field = f"job_definitions.{index}.queues.{position}"
            if queue is None:
                close = difflib.get_close_matches(name, list(by_name), n=1)
                hint = f"did you mean {close[0]!r}? " if close else ""
                problems.append((field, f"no job queue named {name!r}; {hint}known: "
                                        f"{', '.join(sorted(by_name))}"))
            elif self.queue_family(queue) not in (None, job.platform):
                problems.append((field, f"queue {name!r} feeds {self.queue_family(queue)} "
                                        f"compute, where a {job.platform} job cannot run"))
        return problems

    def _job_architecture(self, index: int, job: JobDefinition) -> Problems:
        """An architecture the job's image is built for, against its queues' instance types."""
        if job.architecture is None:
            return []
        wanted = jobs.INSTANCE_ARCHITECTURE[job.architecture]
        for queue in self.queues_of(job):
            for ce in self._members(queue):
                if ce.architecture is not None and ce.architecture != wanted:
                    return [(f"job_definitions.{index}.architecture",
                             f"{job.architecture} images cannot run on queue {queue.name!r}: its "
                             f"compute environment {ce.name!r} runs {ce.architecture} instances "
                             f"({' '.join(ce.resolved_instance_types)}); give the job "
                             "`queues` of that architecture only, or change the architecture")]
        return []

    def _scheduling_priority(self, index: int, job: JobDefinition) -> Problems:
        """Fair-share queues order jobs of a share by scheduling priority; others ignore it."""
        fair = [queue.name for queue in self.queues_of(job) if queue.fair_share is not None]
        field = f"job_definitions.{index}.scheduling_priority"
        if fair and job.scheduling_priority is None:
            return [(field, f"the job can run on fair-share queue {fair[0]!r}, which orders the "
                            "jobs of a share by scheduling priority; give scheduling_priority "
                            f"({jobs.SCHEDULING_PRIORITY_MIN} to {jobs.SCHEDULING_PRIORITY_MAX}, "
                            "higher first), or limit the job's `queues`")]
        return []

    def _secret_regions(self, index: int, job: JobDefinition) -> Problems:
        wrong = [key for key, arn in job.secrets.items() if secrets.region(arn) != self.region]
        if not self.region or not wrong:
            return []
        return [(f"job_definitions.{index}.secrets.{wrong[0]}",
                 f"the secret is in another region than the stack ({self.region}); Batch reads "
                 "secrets from the job's own region")]

    @property
    def warnings(self) -> Problems:
        """What will work, with a condition the spec cannot check: (field, message) pairs."""
        found: Problems = []
        for index, ce in enumerate(self.compute_environments):
            if ce.image_id is not None:
                found.append((f"compute_environments.{index}.image_id",
                              "an AMI of your own must run the Amazon ECS container agent (an "
                              "ECS-optimized AMI, or one built from it) for the architecture of "
                              "the instance types, or no job ever leaves RUNNABLE"))
        for index, job in enumerate(self.job_definitions):
            found.extend(self._job_warnings(index, job))
        return found

    def _job_warnings(self, index: int, job: JobDefinition) -> Problems:
        found: Problems = []
        fair = any(queue.fair_share is not None for queue in self.queues_of(job))
        if job.scheduling_priority is not None and not fair:
            found.append((f"job_definitions.{index}.scheduling_priority",
                          "scheduling_priority only affects jobs in fair-share queues "
                          f"({jobs.SCHEDULING_PRIORITY_SOURCE}), and no queue the job can run "
                          "on has fair_share"))
        if job.is_multinode:
            loose = [ce.name for ce in self.environments_of(job) if ce.placement_group is None]
            if loose:
                found.append((f"job_definitions.{index}.type",
                              f"compute environment {loose[0]!r} has no placement group; the "
                              "nodes of a multi-node job talk to each other, and "
                              'placement_group = "cluster" keeps them close'))
        if job.efs_volumes and self.network.mode == "existing" and self.network.security_group_ids:
            found.append((f"job_definitions.{index}.volumes",
                          "network.security_group_ids are your own: they must allow NFS (TCP "
                          f"{efs.NFS_PORT}) out to the file system's mount targets"))
        return found

    def _log_key_region(self) -> Problems:
        key = self.log_kms_key_arn
        if key is None or not self.region or secrets.region(key) == self.region:
            return []
        return [("log_kms_key_arn",
                 f"the key is in another region than the stack ({self.region}); CloudWatch Logs "
                 "encrypts a log group with a key of its own region")]

    def _kms_key_use(self) -> Problems:
        key = self.secrets_kms_key_arn
        if key is None:
            return []
        if not any(job.uses_secrets for job in self.job_definitions):
            return [("secrets_kms_key_arn",
                     "secrets_kms_key_arn lets jobs decrypt their secrets, and no job has any; "
                     "remove it or give a job `secrets`")]
        if self.region and secrets.region(key) != self.region:
            return [("secrets_kms_key_arn",
                     f"the key is in another region than the stack ({self.region}); secrets are "
                     "encrypted with a key of their own region")]
        return []

    @property
    def families(self) -> set[str]:
        """The platform families of the compute environments ('EC2', 'FARGATE')."""
        return {ce.family for ce in self.compute_environments}

    @property
    def environments_by_name(self) -> dict[str, ComputeEnvironment]:
        """The compute environments by name."""
        return {ce.name: ce for ce in self.compute_environments}

    def _members(self, queue: JobQueue) -> list[ComputeEnvironment]:
        by_name = self.environments_by_name
        return [by_name[name] for name in queue.compute_environments if name in by_name]

    def queue_family(self, queue: JobQueue) -> str | None:
        """The platform family of a queue's compute environments ('EC2', 'FARGATE')."""
        members = self._members(queue)
        return members[0].family if members else None

    @cached_property
    def queues_by_family(self) -> dict[str | None, list[JobQueue]]:
        """The queues by the platform family of their compute environments (the spec is
        frozen, so this is worked out once: per job it made many jobs quadratic)."""
        grouped: dict[str | None, list[JobQueue]] = {}
        for queue in self.job_queues:
            grouped.setdefault(self.queue_family(queue), []).append(queue)
        return grouped

    def queues_of(self, job: JobDefinition) -> list[JobQueue]:
        """The queues a job can run on: those it names, else every queue of its platform."""
        if job.queues is not None:
            return [queue for queue in self.job_queues if queue.name in job.queues]
        return list(self.queues_by_family.get(job.platform, []))

    def environments_of(self, job: JobDefinition) -> list[ComputeEnvironment]:
        """The compute environments of the queues a job can run on."""
        names = {name for queue in self.queues_of(job) for name in queue.compute_environments}
        return [ce for ce in self.compute_environments if ce.name in names]

    @property
    def queued_environments(self) -> list[ComputeEnvironment]:
        """The compute environments some queue feeds jobs to: where jobs can run."""
        by_name = self.environments_by_name
        used = {name for queue in self.job_queues for name in queue.compute_environments}
        return [by_name[name] for name in by_name if name in used]


def _queue_mix(members: Sequence[ComputeEnvironment]) -> str | None:
    """Why a queue cannot hold these compute environments together, if it cannot."""
    if len({ce.family for ce in members}) > 1:
        return (
            "mixes EC2/SPOT with FARGATE/FARGATE_SPOT compute environments; AWS Batch takes one "
            "platform family per queue, so split them into two queues"
        )
    by_architecture: dict[str, list[str]] = {}
    for ce in members:
        if ce.architecture is not None:
            by_architecture.setdefault(ce.architecture, []).append(ce.name)
    if len(by_architecture) > 1:
        listing = " and ".join(
            f"{arch} ({', '.join(ces)})" for arch, ces in sorted(by_architecture.items())
        )
        return (
            f"mixes {listing} compute environments; the compute environments of a queue share "
            f"one architecture ({rules.QUEUE_ENVIRONMENTS.source}), so give each its own queue"
        )
    return None


def _fit(
    index: int, job: JobDefinition, environments: Sequence[ComputeEnvironment]
) -> Problems:
    """A job no instance type of the EC2 compute environments it can run on can hold."""
    candidates = [ce for ce in environments if ce.family == "EC2"]
    if job.platform != "EC2" or not candidates:
        return []
    reasons: list[str] = []
    enough_vcpus = False
    for ce in candidates:
        types = ce.known_instance_types
        if types is None:
            return []
        if job.vcpus > ce.max_vcpus:
            reasons.append(f'"{ce.name}" (max_vcpus {ce.max_vcpus})')
            continue
        if any(entry.fits(job.vcpus, job.memory) for entry in types):
            return []
        enough_vcpus = enough_vcpus or any(entry.vcpus >= job.vcpus for entry in types)
        biggest = instance_types.largest(types)
        reasons.append(
            f'"{ce.name}" ({" ".join(ce.resolved_instance_types)} tops out at '
            f"{biggest.describe()})"
        )
    noun = "compute environment" if len(candidates) == 1 else "compute environments"
    return [(
        f"job_definitions.{index}.{'memory' if enough_vcpus else 'vcpus'}",
        f"{job.vcpus:g} vCPU / {job.memory} MiB fits no instance type of {noun} "
        f"{', '.join(reasons)}; {_fit_advice(job, candidates[0])}",
    )]


def _gpu_fit(
    index: int, job: JobDefinition, environments: Sequence[ComputeEnvironment]
) -> Problems:
    """A GPU job needs one instance type with enough GPUs, vCPUs and memory, and the NVIDIA
    image type that drives them, in a compute environment it can run on."""
    if job.gpus is None:
        return []
    reasons: list[str] = []
    for ce in environments:
        types = ce.known_instance_types
        listed = " ".join(ce.resolved_instance_types)
        if types is None:
            reasons.append(f'"{ce.name}" picks its own types ({listed}), which have no GPUs')
        elif not any(images.schedulable_gpus(t) for t in types):
            reasons.append(f'"{ce.name}" ({listed}) has no GPUs')
        elif not images.is_nvidia(ce.resolved_image_type):
            reasons.append(f'"{ce.name}" has image type {ce.resolved_image_type}, without GPU '
                           "drivers")
        elif any(images.schedulable_gpus(t) >= job.gpus and t.fits(job.vcpus, job.memory)
                 for t in types):
            return []
        else:
            most = max(images.schedulable_gpus(t) for t in types)
            reasons.append(f'"{ce.name}" ({listed}) has no type with {job.gpus} GPUs, '
                           f"{job.vcpus:g} vCPU and {job.memory} MiB (at most {most} GPUs)")
    candidates = (t for t in instance_types.catalogue().values() if t.current_generation)
    found = instance_types.smallest_fit(
        (t for t in candidates if images.schedulable_gpus(t) >= job.gpus), job.vcpus, job.memory
    )
    advice = f"add {found.name} or lower the job" if found else "lower the job"
    return [(f"job_definitions.{index}.gpus",
             f"{job.gpus} GPU{' fits' if job.gpus == 1 else 's fit'} no compute environment the job can "
             f"run on: {'; '.join(reasons) or 'none has instance types'}. GPU jobs need NVIDIA "
             f"GPU instance types such as g5 or g6 ({images.SOURCE}); {advice}")]


def _multinode_fit(
    index: int, job: JobDefinition, environments: Sequence[ComputeEnvironment]
) -> Problems:
    """Multi-node parallel jobs need On-Demand EC2 instances."""
    spot = [ce.name for ce in environments if ce.type == "SPOT"]
    if not job.is_multinode or not spot:
        return []
    return [(f"job_definitions.{index}.type",
             f"multi-node parallel jobs do not run on Spot Instances ({jobs.MULTINODE_SOURCE}), "
             f"and the job can run on SPOT compute environment {spot[0]!r}; give it `queues` "
             "whose compute environments are type EC2")]


def _fit_advice(job: JobDefinition, ce: ComputeEnvironment) -> str:
    """What to add: the smallest fitting type of the environment's families, else of any."""
    families = {entry.family for entry in ce.known_instance_types or ()}
    same_family = [t for f in sorted(families) for t in instance_types.families().get(f, ())]
    found = instance_types.smallest_fit(same_family, job.vcpus, job.memory)
    if found is None:
        found = instance_types.smallest_fit(
            (t for t in instance_types.catalogue().values()
             if t.current_generation and t.architecture == ce.architecture),
            job.vcpus, job.memory,
        )
    if found is None:
        return "lower the job"
    if job.vcpus > ce.max_vcpus:
        return f"raise max_vcpus to at least {job.vcpus:g}, add {found.name} or lower the job"
    return f"add {found.name} or lower the job"
