"""IAM facts for the rules: which managed policies a role has, which role a profile holds."""

from __future__ import annotations

import json
from typing import Any

from batchform.lint.engine.resolver import Instance, Stack
from batchform.lint.model.values import AttrRef, EncodedJson, ResourceRef, Unknown, text_of

ROLE_TYPE = "aws_iam_role"
PROFILE_TYPE = "aws_iam_instance_profile"
ATTACHMENT_TYPES = (
    "aws_iam_role_policy_attachment",
    "aws_iam_policy_attachment",
    "aws_iam_role_policy_attachments_exclusive",
)


def role_of(value: Any) -> Instance | None:
    """The `aws_iam_role` instance a value refers to (any of its attributes)."""
    if isinstance(value, (AttrRef, ResourceRef)) and value.instance.type == ROLE_TYPE:
        return value.instance
    return None


def _names_role(value: Any, role: Instance) -> bool | None:
    """Whether a `role = ...` value designates this role; None when that cannot be told."""
    if isinstance(value, (AttrRef, ResourceRef)):
        return value.instance is role
    if isinstance(value, str):
        name = role.get("name")
        if isinstance(name, str):
            return value == name or value.endswith(f":role/{name}")
        return None
    return None


def attached_policies(stack: Stack, role: Instance) -> tuple[list[tuple[str, Instance]], bool]:
    """(policy ARN text, the attaching resource) for a role, and False if some attachment is opaque."""
    found: list[tuple[str, Instance]] = []
    complete = True
    for attachment in stack.instances("aws_iam_role_policy_attachment"):
        match = _names_role(attachment.get("role"), role)
        if match is None:
            complete = False
        elif match:
            text = text_of(attachment.get("policy_arn"))
            if text is None:
                complete = False
            else:
                found.append((text, attachment))
    for attachment in stack.instances("aws_iam_policy_attachment"):
        roles = attachment.get("roles")
        if not isinstance(roles, list):
            complete = False
            continue
        for item in roles:
            match = _names_role(item, role)
            if match is None:
                complete = False
            elif match:
                text = text_of(attachment.get("policy_arn"))
                if text is None:
                    complete = False
                else:
                    found.append((text, attachment))
    for exclusive in stack.instances("aws_iam_role_policy_attachments_exclusive"):
        match = _names_role(exclusive.get("role_name"), role)
        if match is None:
            complete = False
        elif match:
            arns = exclusive.get("policy_arns")
            if not isinstance(arns, list):
                complete = False
                continue
            for arn in arns:
                text = text_of(arn)
                if text is None:
                    complete = False
                else:
                    found.append((text, exclusive))
    managed = role.get("managed_policy_arns")
    if isinstance(managed, list):
        for arn in managed:
            text = text_of(arn)
            if text is None:
                complete = False
            else:
                found.append((text, role))
    elif managed is not None:
        complete = False
    return found, complete


def profile_role(stack: Stack, profile: Instance) -> Instance | None | Unknown:
    """The role held by an instance profile: an instance, None when absent, Unknown when opaque."""
    value = profile.get("role")
    if value is None:
        return None
    role = role_of(value)
    if role is not None:
        return role
    if isinstance(value, str):
        for candidate in stack.instances(ROLE_TYPE):
            if candidate.get("name") == value:
                return candidate
    return Unknown()


def trusted_services(role: Instance) -> set[str] | None:
    """The services a role's trust policy lets assume it; None when the policy is opaque."""
    policy = role.get("assume_role_policy")
    document = None
    if isinstance(policy, AttrRef) and policy.instance.type == "aws_iam_policy_document":
        return _document_services(policy.instance)
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


def _document_services(document: Instance) -> set[str] | None:
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
