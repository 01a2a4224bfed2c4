"""The simulated AWS account behind the offline provider: names in use and queue relationships.

AWS refuses a second object with a name already taken (Batch answers "Object already exists",
TPA #44644) and refuses to delete a compute environment a job queue still uses ("Cannot delete,
found existing JobQueue relationship", TAM #5). Those two rules decide whether a compute
environment replacement works, so the stand-in keeps just enough of an account to apply them: a
JSON file in Terraform's data directory, shared by every plugin process of that directory.
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

FILE_NAME = "batchform-offline-account.json"

# Types whose name is unique per account and region, with the noun AWS uses in its errors.
UNIQUE_NAMES: dict[str, str] = {
    "aws_batch_compute_environment": "Batch Compute Environment",
    "aws_batch_job_queue": "Batch Job Queue",
    "aws_batch_scheduling_policy": "Batch Scheduling Policy",
    "aws_iam_role": "IAM Role",
    "aws_iam_instance_profile": "IAM Instance Profile",
    "aws_iam_policy": "IAM Policy",
    "aws_cloudwatch_log_group": "CloudWatch Logs Log Group",
    "aws_launch_template": "EC2 Launch Template",
    "aws_ecr_repository": "ECR Repository",
}
_ALREADY_EXISTS = {
    "aws_batch_compute_environment": "ClientException: Object already exists",
    "aws_batch_job_queue": "ClientException: Object already exists",
    "aws_batch_scheduling_policy": "ClientException: Object already exists",
    "aws_cloudwatch_log_group": "ResourceAlreadyExistsException: The specified log group already exists",
    "aws_ecr_repository": "RepositoryAlreadyExistsException: The repository already exists",
}


class AccountError(Exception):
    """AWS would refuse this change; the message reads like the provider's error."""


def account_path() -> Path:
    """Where the account lives: Terraform's data directory of the working directory."""
    return Path(os.environ.get("TF_DATA_DIR") or ".terraform") / FILE_NAME


@contextmanager
def _locked(path: Path) -> Iterator[dict[str, Any]]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_suffix(".lock"), "w", encoding="utf-8") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
        data.setdefault("names", {})
        data.setdefault("queue_environments", {})
        yield data
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, indent=1, sort_keys=True), encoding="utf-8")
        os.replace(tmp, path)


def _name(state: Mapping[str, Any] | None) -> str | None:
    value = None if state is None else state.get("name")
    return value if isinstance(value, str) else None


def _environments(queue: Mapping[str, Any]) -> list[str]:
    orders = queue.get("compute_environment_order") or []
    return [
        o["compute_environment"] for o in orders if isinstance(o.get("compute_environment"), str)
    ]


def record_change(
    type_name: str,
    prior: Mapping[str, Any] | None,
    new: Mapping[str, Any] | None,
    path: Path | None = None,
) -> None:
    """Check a change against the account and record it; raises AccountError when AWS would not."""
    label = UNIQUE_NAMES.get(type_name)
    if label is None and type_name != "aws_batch_job_queue":
        return
    with _locked(path or account_path()) as account:
        names: dict[str, str] = account["names"].setdefault(type_name, {})
        queues: dict[str, list[str]] = account["queue_environments"]
        old_name, new_name = _name(prior), _name(new)
        if new is None and prior is not None:
            _check_delete(type_name, prior, queues)
        if prior is None and new_name is not None and new_name in names:
            reason = _ALREADY_EXISTS.get(type_name, "EntityAlreadyExists: the name is taken")
            raise AccountError(
                f"creating {label} ({new_name}): {reason}. Another object of this type already "
                f"has that name in this account (the offline provider's record of "
                f"{account_path().parent})."
            )
        if old_name is not None and old_name != new_name:
            names.pop(old_name, None)
        if new is not None and new_name is not None:
            names[new_name] = str(new.get("arn") or new.get("id") or new_name)
        if type_name == "aws_batch_job_queue":
            arn = str((new or prior or {}).get("arn"))
            if new is None:
                queues.pop(arn, None)
            else:
                queues[arn] = _environments(new)


def _check_delete(
    type_name: str, prior: Mapping[str, Any], queues: Mapping[str, list[str]]
) -> None:
    if type_name != "aws_batch_compute_environment":
        return
    arn = prior.get("arn")
    users = sorted(queue for queue, environments in queues.items() if arn in environments)
    if users:
        raise AccountError(
            f"deleting Batch Compute Environment ({prior.get('name')}): ClientException: Cannot "
            f"delete, found existing JobQueue relationship (still used by {', '.join(users)}). "
            "Give the compute environment `lifecycle { create_before_destroy = true }` and a "
            "unique name (name_prefix) so the queue moves to the new one first."
        )
