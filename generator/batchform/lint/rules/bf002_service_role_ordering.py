"""BF002: a compute environment must depend on its service role's policy attachment."""

from __future__ import annotations

from collections.abc import Iterator

from batchform.lint.knowledge import iam
from batchform.lint.knowledge.batch import environments
from batchform.lint.model import Configuration
from batchform.lint.rules.rule import Hit, Rule, hit


def check(configuration: Configuration) -> Iterator[Hit]:
    """CEs whose service role's attachments are not among what they are created after."""
    for ce in environments(configuration):
        role = iam.role_of(ce.get("service_role"))
        if role is None:
            continue
        attachments, complete = iam.attachments(configuration, role)
        if not attachments:
            continue
        dependencies = ce.dependencies()
        if any(attachment in dependencies for attachment in attachments):
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


RULE = Rule(
    code="BF002",
    severity="error",
    title="compute environment does not depend on its service role's policy attachment",
    explanation="""
The compute environment references the service role, so Terraform orders it after the role,
but not after the role's policy attachment (or its inline aws_iam_role_policy). On destroy the attachment can go first; the
compute environment then loses its permissions and sticks in DELETING/INVALID. On create it
can race IAM propagation.
""",
    fix="add the service role's aws_iam_role_policy_attachment (or aws_iam_role_policy) to the "
    "compute environment's depends_on",
    check=check,
)
