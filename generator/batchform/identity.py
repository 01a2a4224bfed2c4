"""Which AWS account and region a lifecycle with the real provider would create resources in.

The account comes from STS GetCallerIdentity through botocore's credential chain, the one the
real hashicorp/aws provider also follows when its block names no credentials: environment
variables, `AWS_PROFILE` and the shared config and credentials files, SSO, container and
instance metadata; `AWS_ENDPOINT_URL_STS` and `AWS_ENDPOINT_URL` are honoured as the provider
honours them. botocore rather than an `aws_caller_identity` data source read by terraform:
it answers before terraform has planned anything, it needs no change to the stack, and it can be
tested against an emulator here, where the real provider cannot be installed. What the stack's
own provider block says is read from the saved plan and wins: its `region`, its `profile`, and
an `assume_role` ARN, whose account is where the resources go.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from batchform.errors import UsageError

# Short bounds: this runs before anything is created, on a machine that may be offline.
_CONNECT_TIMEOUT = 5
_READ_TIMEOUT = 10


@dataclass(frozen=True)
class AwsTarget:
    """Where resources would be created: account, the caller's ARN, region, and why."""

    account: str
    caller_arn: str
    region: str
    region_source: str
    assumed_role: str | None = None

    def statement(self) -> str:
        """One sentence for the user, before anything is created."""
        via = f"as {self.caller_arn}"
        if self.assumed_role:
            via += f", assuming {self.assumed_role}"
        return (
            f"the real hashicorp/aws provider will create resources in AWS account "
            f"{self.account} ({via}), region {self.region} ({self.region_source})"
        )


@dataclass(frozen=True)
class ProviderSettings:
    """What the root module's default `provider "aws"` block sets, where it is a known value."""

    region: str | None = None
    profile: str | None = None
    role_arn: str | None = None


def provider_settings(plan_document: Mapping[str, Any]) -> ProviderSettings:
    """Read region, profile and assume_role's role_arn of the default aws provider from the
    JSON of a saved plan (constants, or root variables as the plan resolved them)."""
    configuration = plan_document.get("configuration") or {}
    provider = (configuration.get("provider_config") or {}).get("aws") or {}
    expressions = provider.get("expressions") or {}
    variables = plan_document.get("variables") or {}
    roles = expressions.get("assume_role") or [{}]
    return ProviderSettings(
        region=_known(expressions.get("region"), variables),
        profile=_known(expressions.get("profile"), variables),
        role_arn=_known(roles[0].get("role_arn") if isinstance(roles, list) else None, variables),
    )


def _known(expression: Any, variables: Mapping[str, Any]) -> str | None:
    if not isinstance(expression, Mapping):
        return None
    constant = expression.get("constant_value")
    if isinstance(constant, str):
        return constant
    references = expression.get("references") or []
    for reference in references:
        if isinstance(reference, str) and reference.startswith("var."):
            value = (variables.get(reference.removeprefix("var.")) or {}).get("value")
            if isinstance(value, str):
                return value
    return None


def caller_identity(*, region: str | None, profile: str | None) -> tuple[str, str, str | None]:
    """(account, caller ARN, the environment's region) from STS GetCallerIdentity, with this
    process's environment (the one terraform gets)."""
    import botocore.session  # type: ignore[import-untyped]
    from botocore.config import Config  # type: ignore[import-untyped]
    from botocore.exceptions import BotoCoreError, ClientError  # type: ignore[import-untyped]

    try:
        session = botocore.session.Session(profile=profile)
        # The provider (AWS SDK for Go) reads AWS_REGION first; botocore only the others.
        env_region = os.environ.get("AWS_REGION") or session.get_config_variable("region")
        client = session.create_client(
            "sts",
            region_name=region or env_region or "us-east-1",
            config=Config(
                connect_timeout=_CONNECT_TIMEOUT,
                read_timeout=_READ_TIMEOUT,
                retries={"max_attempts": 2},
            ),
        )
        answer = client.get_caller_identity()
    except (BotoCoreError, ClientError) as error:
        raise UsageError(
            f"cannot tell which AWS account the real provider would use ({error}); nothing was "
            "created. Configure credentials (AWS_PROFILE, AWS_ACCESS_KEY_ID, ...) or use "
            "--provider offline"
        ) from None
    return str(answer["Account"]), str(answer["Arn"]), env_region


def aws_target(plan_document: Mapping[str, Any]) -> AwsTarget:
    """Where the real provider would create this plan's resources."""
    settings = provider_settings(plan_document)
    account, arn, env_region = caller_identity(region=settings.region, profile=settings.profile)
    if settings.region:
        region, source = settings.region, "from the stack's provider block"
    elif env_region:
        region, source = env_region, "from the environment or the AWS profile"
    else:
        region, source = "unknown", "neither the stack nor the environment sets one"
    if settings.role_arn:
        # arn:PARTITION:iam::ACCOUNT:role/NAME: the role's account is where resources go.
        parts = settings.role_arn.split(":")
        account = parts[4] if len(parts) > 5 and parts[4] else account
    return AwsTarget(account, arn, region, source, settings.role_arn)
