"""The simulated AWS account behind the offline provider: what AWS refuses when a change is applied.

AWS refuses a second object with a name already taken (Batch answers "Object already exists",
TPA #44644) and refuses to delete a compute environment a job queue still uses ("Cannot delete,
found existing JobQueue relationship", TAM #5). Those two rules decide whether a compute
environment replacement works, so the stand-in keeps just enough of an account to apply them: a
JSON file in Terraform's data directory, shared by every plugin process of that directory.

It also refuses, from the facts package, values only the API checks (``batchform.aws.constraints``
entries enforced by "aws") and the AWS-only rules of ``batchform.aws.rules`` that a single change
can break: SPOT with BEST_FIT and no Spot Fleet role, a queue's scheduling policy added or
removed, a compute environment moved between a regular and the service-linked service role.
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from batchform.aws import rules

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
    "aws_placement_group": "EC2 Placement Group",
    "aws_ecr_repository": "ECR Repository",
}
_ALREADY_EXISTS = {
    "aws_batch_compute_environment": "ClientException: Object already exists",
    "aws_batch_job_queue": "ClientException: Object already exists",
    "aws_batch_scheduling_policy": "ClientException: Object already exists",
    "aws_cloudwatch_log_group": "ResourceAlreadyExistsException: The specified log group already exists",
    "aws_ecr_repository": "RepositoryAlreadyExistsException: The repository already exists",
    # EC2 API reference, error codes: InvalidPlacementGroup.Duplicate.
    "aws_placement_group": "InvalidPlacementGroup.Duplicate: The specified placement group "
    "already exists",
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
    if new is not None:
        refused = api_refusal(type_name, prior, new)
        if refused is not None:
            action = "creating" if prior is None else "updating"
            raise AccountError(f"{action} {_label(type_name)} ({_name(new) or new.get('id')}): {refused}")
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


def _label(type_name: str) -> str:
    return UNIQUE_NAMES.get(type_name) or type_name.removeprefix("aws_").replace("_", " ")


def api_refusal(
    type_name: str, prior: Mapping[str, Any] | None, new: Mapping[str, Any]
) -> str | None:
    """Why the AWS API refuses to create (prior None) or update an object to new, if it does."""
    from batchform.provider.validation import check_resource

    problems = check_resource(type_name, new, enforced_by="aws")
    if problems:
        return f"ValidationException: {problems[0].summary}"
    if type_name == "aws_batch_compute_environment":
        return _compute_environment_refusal(prior, new)
    if type_name == "aws_batch_job_queue" and prior is not None:
        why = rules.scheduling_policy_change_refused(
            _text(prior.get("scheduling_policy_arn")), _text(new.get("scheduling_policy_arn"))
        )
        if why is not None:
            return (
                f"ClientException: {why} ({rules.SCHEDULING_POLICY_FIXED.source}). Replace the "
                "queue instead (a new queue can be created with or without a policy)."
            )
    return None


def _compute_environment_refusal(
    prior: Mapping[str, Any] | None, new: Mapping[str, Any]
) -> str | None:
    resources = new.get("compute_resources") or [{}]
    first: Mapping[str, Any] = resources[0] if isinstance(resources[0], Mapping) else {}
    if rules.needs_spot_fleet_role(
        _text(first.get("type")), _text(first.get("allocation_strategy"))
    ) and not first.get("spot_iam_fleet_role"):
        return (
            "ClientException: a SPOT compute environment with allocation strategy BEST_FIT (or "
            f"none) needs spot_iam_fleet_role ({rules.SPOT_FLEET_ROLE.source}). Use "
            "SPOT_PRICE_CAPACITY_OPTIMIZED, or give a role trusted by spotfleet.amazonaws.com "
            "with AmazonEC2SpotFleetTaggingRole."
        )
    if prior is not None:
        why = rules.service_role_change_refused(
            _text(prior.get("service_role")), _text(new.get("service_role"))
        )
        if why is not None:
            return (
                f"ClientException: {why} ({rules.SERVICE_ROLE_KIND_FIXED.source}). Keep the "
                "service role the environment was created with, or replace the environment."
            )
    return None


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None
