"""The spec models: what a user may write, and every check that needs no file to explain it."""

from __future__ import annotations

import difflib
import ipaddress
import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Annotated, Any, Literal, NoReturn

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from batchform.aws import fargate

# Batch names (compute environments, queues, job definitions, scheduling policies).
BATCH_NAME = re.compile(r"^[A-Za-z0-9_-]{1,128}\Z")
ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*\Z")
# Names that read as credentials must come from `secrets`, never as plain environment values.
SECRET_LOOKING_NAME = re.compile(r"PASSWORD|PASSWD|SECRET|TOKEN|_KEY$|^KEY$|CREDENTIAL", re.I)
SECRET_ARN = re.compile(
    r"^arn:aws[a-z-]*:(?:ssm:[a-z0-9-]+:[0-9]{12}:parameter/"
    r"|secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:)[^\s\x00-\x1f\x7f]+\Z"
)
POLICY_ARN = re.compile(r"^arn:aws[a-z-]*:iam::(?:aws|[0-9]{12}):policy/[^\s\x00-\x1f\x7f]+\Z")
REGION = re.compile(r"^[a-z]{2}(?:-[a-z]+)+-[0-9]\Z")
# Images a VPC endpoint can serve: the account's private ECR (pull-through caches included).
PRIVATE_ECR_IMAGE = re.compile(
    r"^[0-9]{12}\.dkr\.ecr(?:-fips)?\.[a-z0-9-]+\.amazonaws\.com(?:\.cn)?/"
)

# CloudWatch Logs retention values (PutRetentionPolicy, AWS CloudWatch Logs API reference).
LOG_RETENTION_DAYS = frozenset(
    {1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557,
     2922, 3288, 3653}
)
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
# The longest generated IAM role name suffix: "<name>-<ce>-batch-instance" (IAM: 64 characters).
IAM_ROLE_SUFFIX = "-batch-instance"

BatchName = Annotated[str, Field(description="Letters, digits, '-' and '_', 1-128 characters.")]


class Model(BaseModel):
    """Base for every spec model: unknown keys are errors, values are not coerced silently."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    @field_validator("*")
    @classmethod
    def _normalized(cls, value: Any) -> Any:
        # Terraform normalises every string to NFC; anything else would reach AWS changed.
        for text in _strings(value):
            if not unicodedata.is_normalized("NFC", text):
                fixed = unicodedata.normalize("NFC", text)
                raise ValueError(
                    f"{text!a} is not in Unicode NFC form (composed characters), and "
                    f"Terraform normalises every string to NFC, so AWS would get {fixed!a}; "
                    "write it composed"
                )
        return value


def _fail(field: str, message: str) -> NoReturn:
    """Reject a model for one of its fields, so the error names that field and its line."""
    raise CrossReferenceError([(field, message)])


def _apply(keys: Sequence[str]) -> str:
    return "applies" if len(keys) == 1 else "apply"


def _strings(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(key)
            yield from _strings(item)


def _check_batch_name(value: str) -> str:
    if not BATCH_NAME.match(value):
        raise ValueError(
            f"{value!r} is not a valid AWS Batch name: use letters, digits, '-' and '_' only "
            "(no spaces), 1 to 128 characters, e.g. 'nightly-etl'"
        )
    return value


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
            vpc_only = [k for k in ("cidr", "nat_gateways", "flow_logs") if k in self.model_fields_set]
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

    _name = field_validator("name")(_check_batch_name)

    @field_validator("instance_types")
    @classmethod
    def _instance_types(cls, value: list[str] | None) -> list[str] | None:
        if value is not None:
            if not value:
                raise ValueError("give at least one instance type, or leave it out for 'optimal'")
            for item in value:
                if not re.match(r"^[a-z0-9-]+(\.[a-z0-9]+)?\Z", item):
                    raise ValueError(
                        f"{item!r} is not an instance type or family like 'c6i.large' or 'c6i'"
                    )
            if len(set(value)) != len(value):
                raise ValueError("instance types must be unique")
        return value

    @model_validator(mode="after")
    def _family_fields(self) -> ComputeEnvironment:
        if self.is_fargate:
            ec2_only = ("instance_types", "min_vcpus", "allocation_strategy", "bid_percentage")
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
        if self.type == "EC2" and self.allocation_strategy in (
            "SPOT_CAPACITY_OPTIMIZED",
            "SPOT_PRICE_CAPACITY_OPTIMIZED",
        ):
            _fail(
                "allocation_strategy",
                f"allocation_strategy {self.allocation_strategy} is for SPOT; "
                "EC2 takes BEST_FIT_PROGRESSIVE or BEST_FIT",
            )
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


class FairShare(Model):
    """A fair-share scheduling policy for a job queue."""

    share_decay_seconds: int = Field(default=0, ge=0, le=604_800)
    compute_reservation: int = Field(default=0, ge=0, le=99)
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
        for identifier, weight in value.items():
            if not re.match(r"^[A-Za-z0-9]{1,255}\*?\Z", identifier):
                raise ValueError(
                    f"share identifier {identifier!r}: use letters and digits, optionally ending "
                    "in '*' (a prefix)"
                )
            if not 0.0001 <= weight <= 999.9999:
                raise ValueError(
                    f"share {identifier!r}: weight {weight} must be between 0.0001 and 999.9999"
                )
        return value


class JobQueue(Model):
    """A job queue feeding one to three compute environments of one platform family."""

    name: BatchName
    priority: int = Field(default=1, ge=0, le=1000)
    compute_environments: list[str] = Field(min_length=1)
    runnable_timeout_seconds: int | None = Field(default=None, ge=600, le=86_400)
    fair_share: FairShare | None = None

    _name = field_validator("name")(_check_batch_name)

    @field_validator("compute_environments")
    @classmethod
    def _count(cls, value: list[str]) -> list[str]:
        if len(value) > 3:
            raise ValueError(
                f"a job queue takes at most 3 compute environments, got {len(value)}; "
                "split them over several queues"
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
    retry_attempts: int = Field(default=1, ge=1, le=10)
    timeout_seconds: int | None = Field(default=None, ge=60)
    job_role_policy_arns: list[str] = Field(default_factory=list)
    log_retention_days: int = 30

    _name = field_validator("name")(_check_batch_name)

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
            if not SECRET_ARN.match(arn):
                raise ValueError(
                    f"{key}: {arn!r} is not an SSM parameter or Secrets Manager ARN, e.g. "
                    "'arn:aws:ssm:us-east-1:123456789012:parameter/name' or "
                    "'arn:aws:secretsmanager:us-east-1:123456789012:secret:name'"
                )
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
        if value not in LOG_RETENTION_DAYS:
            allowed = ", ".join(str(v) for v in sorted(LOG_RETENTION_DAYS))
            raise ValueError(f"{value} is not a CloudWatch Logs retention; use one of {allowed}")
        return value

    @model_validator(mode="after")
    def _resources(self) -> JobDefinition:
        if self.platform == "FARGATE":
            _check_fargate_size(self.vcpus, self.memory)
        elif self.vcpus != int(self.vcpus) or self.vcpus < 1:
            _fail("vcpus", f"vcpus {self.vcpus:g}: EC2 jobs take a whole number of vCPUs, at least 1")
        return self

    @property
    def uses_secrets(self) -> bool:
        """Whether the job reads secrets (and so needs an execution role)."""
        return bool(self.secrets)


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
        if value is not None and not REGION.match(value):
            raise ValueError(f"{value!r} is not an AWS region like 'us-east-1'")
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
        problems: list[tuple[str, str]] = []
        for collection in ("compute_environments", "job_queues", "job_definitions"):
            seen: dict[str, int] = {}
            for index, item in enumerate(getattr(self, collection)):
                if item.name in seen:
                    problems.append(
                        (f"{collection}.{index}.name",
                         f"{item.name!r} is already used by {collection}.{seen[item.name]}")
                    )
                seen[item.name] = index
                full = f"{self.name}-{item.name}"
                limit = 102 if collection == "compute_environments" else 128
                if len(full) > limit:
                    problems.append(
                        (f"{collection}.{index}.name",
                         f"'{full}' is {len(full)} characters; AWS allows {limit} here")
                    )
        for index, ce in enumerate(self.compute_environments):
            role = f"{self.name}-{ce.name}{IAM_ROLE_SUFFIX}"
            if len(role) > 64:
                problems.append(
                    (f"compute_environments.{index}.name",
                     f"the IAM role name '{role}' would be {len(role)} characters (IAM allows "
                     "64); shorten the stack or compute environment name")
                )
        for index, job in enumerate(self.job_definitions):
            role = f"{self.name}-{job.name}-execution"
            if len(role) > 64:
                problems.append(
                    (f"job_definitions.{index}.name",
                     f"the IAM role name '{role}' would be {len(role)} characters (IAM allows "
                     "64); shorten the stack or job definition name")
                )
        problems.extend(self._network_fit())
        by_name = {ce.name: ce for ce in self.compute_environments}
        for index, queue in enumerate(self.job_queues):
            families = set()
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
                    families.add(member.family)
            if len(families) > 1:
                problems.append(
                    (f"job_queues.{index}.compute_environments",
                     "mixes EC2/SPOT with FARGATE/FARGATE_SPOT compute environments; AWS Batch "
                     "takes one platform family per queue, so split them into two queues")
                )
        queue_families = {
            by_name[name].family
            for queue in self.job_queues
            for name in queue.compute_environments
            if name in by_name
        }
        for index, job in enumerate(self.job_definitions):
            if queue_families and job.platform not in queue_families:
                problems.append(
                    (f"job_definitions.{index}.platform",
                     f"{job.platform} jobs need a queue with {job.platform} compute, and no queue "
                     f"has any; add a {job.platform} compute environment to a queue or change "
                     "the platform")
                )
            if self.network.mode == "endpoints" and not PRIVATE_ECR_IMAGE.match(job.image):
                problems.append(
                    (f"job_definitions.{index}.image",
                     f"{job.image!r} is not in the account's private ECR, and network mode "
                     "'endpoints' has no internet path, so nothing could pull it; use mode "
                     "'nat' or push the image to an ECR repository "
                     "(<account>.dkr.ecr.<region>.amazonaws.com/<name>:<tag>)")
                )
            if (
                self.region
                and job.secrets
                and any(f":{self.region}:" not in arn for arn in job.secrets.values())
            ):
                wrong = [k for k, arn in job.secrets.items() if f":{self.region}:" not in arn]
                problems.append(
                    (f"job_definitions.{index}.secrets.{wrong[0]}",
                     f"the secret is in another region than the stack ({self.region}); "
                     "Batch reads secrets from the job's own region")
                )
        if problems:
            raise CrossReferenceError(problems)
        return self

    def _network_fit(self) -> list[tuple[str, str]]:
        net = self.network
        problems: list[tuple[str, str]] = []
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

    @property
    def families(self) -> set[str]:
        """The platform families of the compute environments ('EC2', 'FARGATE')."""
        return {ce.family for ce in self.compute_environments}


class CrossReferenceError(ValueError):
    """Problems found across fields, each with its path below the model that found them."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{path}: {message}" for path, message in problems))
