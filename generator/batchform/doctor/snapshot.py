"""What doctor read from the account: the Describe results of one walk, as AWS returned them.

Plain botocore data (dicts in the API's own casing), grouped by kind, so the walk
(`doctor.inquiry`) and the mapping into the resource model (`doctor.adapter`) stay apart, and
tests can hand the mapping an account AWS would show but an emulator cannot make (an INVALID
compute environment, a blocked queue's statusReason).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

Item = dict[str, Any]
# How long AWS gets to act before doctor judges that it did not: a job still RUNNABLE with no
# vCPUs wanted, an instance still not in the ECS cluster. batchform's choice, not an AWS
# figure: instances usually register within a few minutes of launch.
DEFAULT_GRACE = timedelta(minutes=10)


@dataclass
class Snapshot:
    """Everything one doctor run read, keyed where the model needs to find things."""

    region: str
    partition: str = "aws"
    account_id: str = ""
    # What was asked: "job ...", "queue ...", or every queue with RUNNABLE jobs.
    target: str = ""
    now: datetime = field(default_factory=lambda: datetime.now(UTC))
    grace: timedelta = DEFAULT_GRACE
    jobs: list[Item] = field(default_factory=list)
    queues: list[Item] = field(default_factory=list)
    compute_environments: list[Item] = field(default_factory=list)
    job_definitions: list[Item] = field(default_factory=list)
    clusters: list[Item] = field(default_factory=list)
    # ECS container instances by cluster ARN.
    container_instances: dict[str, list[Item]] = field(default_factory=dict)
    instances: list[Item] = field(default_factory=list)
    # Instance profiles and roles by name; None for one the account does not have.
    instance_profiles: dict[str, Item | None] = field(default_factory=dict)
    roles: dict[str, Item | None] = field(default_factory=dict)
    # Managed policies attached to each role, by role name.
    attached_policies: dict[str, list[Item]] = field(default_factory=dict)
    subnets: list[Item] = field(default_factory=list)
    vpcs: list[Item] = field(default_factory=list)
    route_tables: list[Item] = field(default_factory=list)
    nat_gateways: list[Item] = field(default_factory=list)
    internet_gateways: list[Item] = field(default_factory=list)
    endpoints: list[Item] = field(default_factory=list)
    security_groups: list[Item] = field(default_factory=list)
    # Ids a compute environment names that the account does not have, by kind.
    missing: dict[str, list[str]] = field(default_factory=dict)

    def settled(self, since: Any) -> bool:
        """Whether something created at `since` (a datetime or epoch milliseconds) has had the
        grace period; unknown times count as settled."""
        if isinstance(since, (int, float)) and not isinstance(since, bool):
            since = datetime.fromtimestamp(since / 1000, UTC)
        if not isinstance(since, datetime):
            return True
        if since.tzinfo is None:
            since = since.replace(tzinfo=UTC)
        settled: bool = self.now - since >= self.grace
        return settled

    def note_missing(self, kind: str, identifier: str) -> None:
        """Record an id the account does not have."""
        listed = self.missing.setdefault(kind, [])
        if identifier not in listed:
            listed.append(identifier)
