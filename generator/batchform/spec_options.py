"""The tables a spec nests inside compute environments, job definitions and the stack: launch
templates, update policies, volumes, retries, Linux settings, IAM and the state backend."""

from __future__ import annotations

import os
import posixpath
import re
import stat
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, PrivateAttr, ValidationInfo, field_validator, model_validator

from batchform.aws import constraints, efs, jobs, launch_templates, s3, validators
from batchform.spec_base import Model, fail, high, low

# IAM policy ARNs: AWS managed ("aws") or of an account, with a path and name.
POLICY_ARN = re.compile(r"^arn:aws[a-z-]*:iam::(?:aws|[0-9]{12}):policy/[^\s\x00-\x1f\x7f]+\Z")
# Where relative paths in a spec start: the spec file's directory, given when validating.
SPEC_DIR = "spec_dir"


# --------------------------------------------------------------------------------------------
# Compute environments
# --------------------------------------------------------------------------------------------


class LaunchTemplate(Model):
    """The EC2 launch template of a compute environment's instances."""

    # IMDSv2 only (http_tokens "required"); false keeps IMDSv1 working for old software.
    imdsv2: bool = True
    root_volume_gib: int | None = Field(
        default=None, ge=launch_templates.ROOT_VOLUME_MIN_GIB, le=launch_templates.GP3_MAX_GIB
    )
    # A script or cloud-config file, relative to the spec file's directory.
    user_data: str | None = None
    _archive: str | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _read_archive(self, info: ValidationInfo) -> LaunchTemplate:
        if self.user_data is not None:
            try:
                self._archive = _read_user_data(self.user_data, _spec_dir(info))
            except ValueError as error:
                fail("user_data", str(error))
        return self

    @property
    def user_data_archive(self) -> str | None:
        """The user data as the MIME multi-part archive the launch template carries."""
        return self._archive


def _spec_dir(info: ValidationInfo) -> Path:
    context = info.context if isinstance(info.context, dict) else {}
    directory = context.get(SPEC_DIR)
    return Path(directory) if directory is not None else Path.cwd()


def _read_user_data(value: str, base: Path) -> str:
    """The user data file's text as a MIME archive; it must stay inside the spec's directory."""
    where = f"relative to the spec's directory {base}"
    if not value.strip() or posixpath.isabs(value) or os.path.isabs(value):
        raise ValueError(f"{value!r}: give the path of a file {where}, e.g. 'user-data.sh'")
    root = base.resolve()
    path = (root / value).resolve()
    if not path.is_relative_to(root):
        raise ValueError(
            f"{value!r} leads outside the spec's directory {root}; keep the file beside the "
            "spec so the stack can be regenerated anywhere"
        )
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise ValueError(f"{value!r} ({path}) is not a regular file")
        if info.st_size > launch_templates.USER_DATA_MAX_BYTES:
            raise ValueError(_too_big(value, info.st_size))
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ValueError(f"{value!r}: no such file {where} ({path})") from None
    except OSError as error:
        raise ValueError(f"{value!r}: cannot read {path}: {error.strerror}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError(f"{value!r} is not UTF-8 text") from None
    archive = launch_templates.mime_multipart(text)
    if archive is None:
        raise ValueError(
            f"{value!r}: start it with '#!' (a script), '#cloud-config' or '#cloud-boothook', "
            "or give a MIME multi-part archive; AWS Batch merges launch template user data as "
            f"MIME parts ({launch_templates.USER_DATA_SOURCE})"
        )
    if len(archive.encode("utf-8")) > launch_templates.USER_DATA_MAX_BYTES:
        raise ValueError(_too_big(value, len(archive.encode("utf-8"))))
    return archive


def _too_big(value: str, size: int) -> str:
    return (
        f"{value!r}: user data is limited to {launch_templates.USER_DATA_MAX_BYTES // 1024} KB "
        f"({launch_templates.USER_DATA_SOURCE}), this is {size} bytes as a MIME archive; "
        "download larger scripts from S3 in a short one"
    )


class UpdatePolicy(Model):
    """What happens to running jobs when AWS updates a compute environment's infrastructure."""

    terminate_jobs_on_update: bool = False
    job_execution_timeout_minutes: int = Field(
        default=30,
        ge=low(validators.JOB_EXECUTION_TIMEOUT_MINUTES),
        le=high(validators.JOB_EXECUTION_TIMEOUT_MINUTES),
    )


# --------------------------------------------------------------------------------------------
# Job definitions
# --------------------------------------------------------------------------------------------


class EfsVolume(Model):
    """An Amazon EFS file system a job mounts."""

    file_system_id: str
    access_point_id: str | None = None
    root_directory: str | None = Field(default=None, min_length=1, max_length=efs.ROOT_DIRECTORY_MAX)
    transit_encryption: bool = True
    # Mount with the job role's IAM identity; the job role gets the EFS client permissions.
    iam: bool = False
    # The security group of the file system's mount targets: compute gets NFS to it. Without
    # one, compute may reach NFS anywhere in the VPC, where the mount targets are.
    security_group_id: str | None = None

    @field_validator("file_system_id")
    @classmethod
    def _file_system(cls, value: str) -> str:
        if not efs.FILE_SYSTEM_ID.match(value):
            raise ValueError(
                f"{value!r} is not an EFS file system id like 'fs-0123456789abcdef0' "
                f"({efs.ID_SOURCE})"
            )
        return value

    @field_validator("access_point_id")
    @classmethod
    def _access_point(cls, value: str | None) -> str | None:
        if value is not None and not efs.ACCESS_POINT_ID.match(value):
            raise ValueError(
                f"{value!r} is not an EFS access point id like 'fsap-0123456789abcdef0' "
                f"({efs.ID_SOURCE})"
            )
        return value

    @field_validator("security_group_id")
    @classmethod
    def _security_group(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^sg-(?:[0-9a-f]{8}|[0-9a-f]{17})\Z", value):
            raise ValueError(f"{value!r} is not a security group id like 'sg-0123456789abcdef0'")
        return value

    @model_validator(mode="after")
    def _encryption(self) -> EfsVolume:
        if not self.transit_encryption:
            for key, why in (("access_point_id", "an access point"), ("iam", "IAM authorization")):
                if getattr(self, key):
                    fail("transit_encryption", f"{why} needs transit encryption "
                         f"({efs.VOLUME_SOURCE}); set transit_encryption = true")
        if self.access_point_id and self.root_directory not in (None, "/"):
            fail("root_directory", "with an access point the root directory is the access "
                 f"point's own; leave root_directory out ({efs.VOLUME_SOURCE})")
        return self


class Volume(Model):
    """A volume a job mounts: an EFS file system, or a path of the EC2 host."""

    name: str
    mount_path: str
    read_only: bool = False
    efs: EfsVolume | None = None
    host_path: str | None = None

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not efs.VOLUME_NAME.match(value):
            raise ValueError(
                f"{value!r}: a volume name has up to 255 letters, digits, '-' and '_' "
                f"({efs.VOLUME_NAME_SOURCE})"
            )
        return value

    @field_validator("mount_path", "host_path")
    @classmethod
    def _absolute(cls, value: str | None) -> str | None:
        if value is not None and (not value.startswith("/") or any(ch.isspace() for ch in value)):
            raise ValueError(f"{value!r}: give an absolute path without spaces, e.g. '/data'")
        return value

    @model_validator(mode="after")
    def _one_source(self) -> Volume:
        if (self.efs is None) == (self.host_path is None):
            fail("efs", "give either efs = { file_system_id = ... } or host_path = \"/path\"")
        return self


class ExitCondition(Model):
    """One evaluate_on_exit rule of a retry strategy."""

    action: Literal["RETRY", "EXIT"]
    on_status_reason: str | None = None
    on_reason: str | None = None
    on_exit_code: str | None = None

    @model_validator(mode="after")
    def _patterns(self) -> ExitCondition:
        conditions = {key: getattr(self, key) for key in ("on_status_reason", "on_reason",
                                                           "on_exit_code")}
        if all(value is None for value in conditions.values()):
            fail("action", "give on_status_reason, on_reason or on_exit_code to match")
        for key, value in conditions.items():
            for constraint in constraints.find("aws_batch_job_definition",
                                               f"retry_strategy.evaluate_on_exit.{key}"):
                problem = None if value is None else constraint.violation(value, key)
                if problem is not None:
                    fail(key, problem)
        return self

    @property
    def is_catch_all(self) -> bool:
        """Whether the rule matches every attempt that ends."""
        return "*" in (self.on_status_reason, self.on_reason, self.on_exit_code)


class Retry(Model):
    """How often a failed job is attempted again, and on which failures."""

    attempts: int = Field(ge=low(validators.RETRY_ATTEMPTS), le=high(validators.RETRY_ATTEMPTS))
    on_spot_reclaim: bool = False
    on_image_pull_error: bool = False
    evaluate_on_exit: list[ExitCondition] = Field(default_factory=list)

    @model_validator(mode="after")
    def _rule_count(self) -> Retry:
        if len(self.rules) > jobs.EVALUATE_ON_EXIT_MAX:
            fail("evaluate_on_exit", f"with the presets and the final EXIT rule this is "
                 f"{len(self.rules)} rules; AWS Batch takes at most {jobs.EVALUATE_ON_EXIT_MAX} "
                 f"({jobs.RETRY_SOURCE})")
        return self

    @property
    def rules(self) -> list[jobs.ExitRule]:
        """The evaluate_on_exit rules in order: the presets, the spec's own, then EXIT for
        anything else (AWS retries what no rule matches)."""
        found: list[jobs.ExitRule] = []
        if self.on_spot_reclaim:
            found.append(jobs.ON_SPOT_RECLAIM)
        if self.on_image_pull_error:
            found.append(jobs.ON_IMAGE_PULL_ERROR)
        found.extend(jobs.ExitRule(rule.action, rule.on_status_reason, rule.on_reason,
                                   rule.on_exit_code) for rule in self.evaluate_on_exit)
        if found and not (self.evaluate_on_exit and self.evaluate_on_exit[-1].is_catch_all):
            found.append(jobs.EXIT_OTHERWISE)
        return found


class LinuxParameters(Model):
    """Linux settings of a job's container."""

    shared_memory_mib: int | None = Field(default=None, ge=1)
    init_process_enabled: bool | None = None


class Ulimit(Model):
    """A resource limit of a job's container; -1 is unlimited (Docker's --ulimit)."""

    soft: int = Field(ge=-1)
    hard: int = Field(ge=-1)

    @model_validator(mode="after")
    def _order(self) -> Ulimit:
        unlimited = float("inf")
        soft = unlimited if self.soft == -1 else self.soft
        hard = unlimited if self.hard == -1 else self.hard
        if soft > hard:
            fail("soft", f"the soft limit {self.soft} is above the hard limit {self.hard}")
        return self


# --------------------------------------------------------------------------------------------
# The stack
# --------------------------------------------------------------------------------------------


class Iam(Model):
    """Organisation rules every IAM role of the stack follows."""

    path: str = "/"
    permissions_boundary_arn: str | None = None

    @field_validator("path")
    @classmethod
    def _path(cls, value: str) -> str:
        for constraint in constraints.find("aws_iam_role", "path"):
            if not constraint.allows(value):
                raise ValueError(
                    f"{value!r} is not an IAM path: '/' or '/<names>/' of printable ASCII, up "
                    "to 512 characters, e.g. '/batch/'"
                )
        return value

    @field_validator("permissions_boundary_arn")
    @classmethod
    def _boundary(cls, value: str | None) -> str | None:
        if value is not None and not POLICY_ARN.match(value):
            raise ValueError(
                f"{value!r} is not an IAM policy ARN like "
                "'arn:aws:iam::123456789012:policy/batch-boundary'"
            )
        return value


class S3Backend(Model):
    """Terraform state in S3."""

    bucket: str
    key: str
    region: str | None = None
    # S3's own lock file beside the state (Terraform 1.11 and newer), no DynamoDB table.
    use_lockfile: bool = True
    encrypt: bool = True

    @field_validator("bucket")
    @classmethod
    def _bucket(cls, value: str) -> str:
        problem = s3.bucket_name_problem(value)
        if problem is not None:
            raise ValueError(f"{value!r}: {problem} ({s3.SOURCE})")
        return value

    @field_validator("key")
    @classmethod
    def _key(cls, value: str) -> str:
        problem = s3.state_key_problem(value)
        if problem is not None:
            raise ValueError(f"{value!r}: {problem}")
        return value

    @field_validator("region")
    @classmethod
    def _region(cls, value: str | None) -> str | None:
        from batchform.aws import regions

        if value is not None and not regions.is_region(value):
            raise ValueError(f"{value!r} is not an AWS region like 'us-east-1'")
        return value


class Backend(Model):
    """Where Terraform keeps the stack's state."""

    s3: S3Backend


def spec_context(spec_dir: Path | None) -> dict[str, Any]:
    """The validation context of a spec read from a file in spec_dir (None: the current
    directory)."""
    return {} if spec_dir is None else {SPEC_DIR: spec_dir}
