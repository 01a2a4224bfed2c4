"""IAM facts for the rules: which managed policies a role has, which role a profile holds."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from batchform.lint.model import Configuration, ResourceInstance
from batchform.lint.model.values import AttrRef, EncodedJson, ResourceRef, text_of

ROLE_TYPE = "aws_iam_role"
PROFILE_TYPE = "aws_iam_instance_profile"
# Resources that give a role its permissions: managed policy attachments and inline policies.
ATTACHMENT_TYPES = (
    "aws_iam_role_policy_attachment",
    "aws_iam_policy_attachment",
    "aws_iam_role_policy_attachments_exclusive",
    "aws_iam_role_policy",
)

# (policy ARN text, or None when the ARN is unknown or the policy is inline; the resource that
# attaches it)
Policy = tuple[str | None, ResourceInstance]


def role_of(value: Any) -> ResourceInstance | None:
    """The `aws_iam_role` instance a value refers to (any of its attributes)."""
    if isinstance(value, (AttrRef, ResourceRef)) and value.instance.type == ROLE_TYPE:
        return value.instance
    return None


@dataclass
class _Attachments:
    """Every policy attachment of a configuration, by the role it names."""

    by_role: dict[ResourceInstance, list[Policy]] = field(default_factory=dict)
    # By role name: `role = "batch-service"` or a role ARN ending in `:role/batch-service`.
    by_name: dict[str, list[Policy]] = field(default_factory=dict)
    # Some attachment names its role in a way that cannot be told: it may be any role's.
    unclear: bool = False

    def add(self, role: Any, policies: list[Policy]) -> None:
        """Record policies attached to what a `role`-like argument designates."""
        if isinstance(role, (AttrRef, ResourceRef)):
            self.by_role.setdefault(role.instance, []).extend(policies)
        elif isinstance(role, str):
            name = role[role.rfind(":role/") + len(":role/") :] if ":role/" in role else role
            self.by_name.setdefault(name, []).extend(policies)
            if name != role:
                self.by_name.setdefault(role, []).extend(policies)
        else:
            self.unclear = True

    def of(self, role: ResourceInstance) -> tuple[list[Policy], bool]:
        """The policies attached to a role, and False when some attachment may be its too."""
        found = list(self.by_role.get(role, []))
        name = role.get("name")
        if isinstance(name, str):
            found += self.by_name.get(name, [])
        complete = not self.unclear and (isinstance(name, str) or not self.by_name)
        return found, complete


def _attachments(configuration: Configuration) -> _Attachments:
    index = _Attachments()
    for attachment in configuration.instances("aws_iam_role_policy_attachment"):
        index.add(attachment.get("role"), [(text_of(attachment.get("policy_arn")), attachment)])
    for attachment in configuration.instances("aws_iam_policy_attachment"):
        roles = attachment.get("roles")
        if not isinstance(roles, list):
            index.unclear = True
            continue
        for item in roles:
            index.add(item, [(text_of(attachment.get("policy_arn")), attachment)])
    for exclusive in configuration.instances("aws_iam_role_policy_attachments_exclusive"):
        arns = exclusive.get("policy_arns")
        # An unknown list of ARNs is one unknown ARN for the role it names.
        listed = arns if isinstance(arns, list) else [None]
        index.add(exclusive.get("role_name"), [(text_of(arn), exclusive) for arn in listed])
    for inline in configuration.instances("aws_iam_role_policy"):
        # An inline policy may grant what a managed one would: its content is not judged.
        index.add(inline.get("role"), [(None, inline)])
    return index


def attached_policies(
    configuration: Configuration, role: ResourceInstance
) -> tuple[list[tuple[str, ResourceInstance]], bool]:
    """(policy ARN text, the attaching resource) for a role, and False if some attachment is
    opaque (its role or its policy cannot be told), the role has inline policies (which may
    grant the same), or the role is looked up (a data source: its policies are elsewhere)."""
    if role.mode == "data":
        return [], False
    index = configuration.derived("iam.attachments", lambda: _attachments(configuration))
    policies, complete = index.of(role)
    policies += _managed(role)
    known = [(arn, source) for arn, source in policies if arn is not None]
    managed = role.get("managed_policy_arns")
    opaque_managed = managed is not None and not isinstance(managed, list)
    inline, _ = role.nested("inline_policy")
    return known, (complete and len(known) == len(policies) and not opaque_managed and not inline)


def attachments(
    configuration: Configuration, role: ResourceInstance
) -> tuple[list[ResourceInstance], bool]:
    """The resources that attach policies to a role (managed or inline), and False when some
    attachment's role cannot be told (it may be this one's)."""
    index = configuration.derived("iam.attachments", lambda: _attachments(configuration))
    policies, complete = index.of(role)
    found = {source: None for _, source in policies if source is not role}
    return list(found), complete


def _managed(role: ResourceInstance) -> list[Policy]:
    managed = role.get("managed_policy_arns")
    return [(text_of(arn), role) for arn in managed] if isinstance(managed, list) else []


def profile_role(
    configuration: Configuration, profile: ResourceInstance
) -> ResourceInstance | None:
    """The role an instance profile holds (by reference or by name); None when it holds none
    or the role cannot be told."""
    value = profile.get("role")
    role = role_of(value)
    if role is not None or not isinstance(value, str):
        return role
    return configuration.derived("iam.roles_by_name", lambda: _roles_by_name(configuration)).get(
        value
    )


def _roles_by_name(configuration: Configuration) -> dict[str, ResourceInstance]:
    """Roles by their known name; the first one wins, as a search in order would find it."""
    found: dict[str, ResourceInstance] = {}
    for role in configuration.instances(ROLE_TYPE):
        name = role.get("name")
        if isinstance(name, str):
            found.setdefault(name, role)
    return found


def trusted_services(role: ResourceInstance) -> set[str] | None:
    """The services a role's trust policy lets assume it; None when the policy is opaque."""
    policy = role.get("assume_role_policy")
    if isinstance(policy, AttrRef) and policy.instance.type == "aws_iam_policy_document":
        return _document_services(policy.instance)
    document = None
    if isinstance(policy, EncodedJson):
        document = policy.value
    elif isinstance(policy, str):
        try:
            document = json.loads(policy)
        except ValueError:
            return None
    if not isinstance(document, dict):
        return None
    statements = document.get("Statement")
    if isinstance(statements, dict):
        statements = [statements]
    if not isinstance(statements, list):
        return None
    return _statement_services(statements)


def _statement_services(statements: list[Any]) -> set[str] | None:
    """The services the Allow statements of a JSON policy name as principals."""
    services: set[str] = set()
    for statement in statements:
        if not isinstance(statement, dict) or statement.get("Effect", "Allow") != "Allow":
            continue
        principal = statement.get("Principal")
        if not isinstance(principal, dict):
            return None
        service = principal.get("Service", [])
        listed = service if isinstance(service, list) else [service]
        for item in listed:
            if not isinstance(item, str):
                return None
            services.add(item)
    return services


def _document_services(document: ResourceInstance) -> set[str] | None:
    statements, complete = document.nested("statement")
    if not complete or document.has("source_policy_documents"):
        return None
    services: set[str] = set()
    for statement in statements:
        if statement.get("effect", "Allow") != "Allow":
            continue
        principals, principals_complete = statement.nested("principals")
        if not principals_complete:
            return None
        for principal in principals:
            kind = principal.get("type")
            identifiers = principal.get("identifiers")
            if not isinstance(kind, str) or not isinstance(identifiers, list):
                return None
            if kind == "Service":
                for item in identifiers:
                    if not isinstance(item, str):
                        return None
                    services.add(item)
    return services
