"""BF021: a compute environment's service role must be one AWS Batch can use."""

from __future__ import annotations

from collections.abc import Iterator

from batchform.lint.knowledge import iam
from batchform.lint.knowledge.batch import environments
from batchform.lint.model import Configuration
from batchform.lint.rules.rule import Hit, Rule, hit

BATCH_SERVICE = "batch.amazonaws.com"


def check(configuration: Configuration) -> Iterator[Hit]:
    """Service roles that do not trust batch.amazonaws.com or lack AWSBatchServiceRole."""
    for ce in environments(configuration):
        role = iam.role_of(ce.get("service_role"))
        if role is None:
            continue
        services = iam.trusted_services(role)
        if services is not None and BATCH_SERVICE not in services:
            trusted = ", ".join(sorted(services)) or "no service"
            yield hit(
                ce,
                f"service role {role.address} trusts {trusted}, not {BATCH_SERVICE}",
                attribute="service_role",
            )
        policies, complete = iam.attached_policies(configuration, role)
        if complete and not any(arn.endswith("/AWSBatchServiceRole") for arn, _ in policies):
            yield hit(
                ce,
                f"service role {role.address} lacks the AWSBatchServiceRole policy",
                attribute="service_role",
            )


RULE = Rule(
    code="BF021",
    severity="error",
    title="service role without AWSBatchServiceRole or not trusting batch.amazonaws.com",
    explanation="""
A compute environment's service_role must be assumable by batch.amazonaws.com and carry the
AWSBatchServiceRole managed policy (or be the service-linked role). Otherwise AWS Batch cannot
manage the instances: the compute environment goes INVALID and jobs stay RUNNABLE. A role
with inline policies (which may grant the same), or one looked up with a data source (its
policies live elsewhere), is not judged on its policies.
""",
    fix="trust batch.amazonaws.com in assume_role_policy and attach "
    "arn:aws:iam::aws:policy/service-role/AWSBatchServiceRole, or omit service_role to use the "
    "service-linked role",
    check=check,
)
