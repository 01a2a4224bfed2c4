"""The one way doctor talks to AWS: a boto3 session that sends only the reads listed in
`doctor.permissions`, and turns every failure into one clear `AccountError`.

Credentials come from the default chain (environment, `--profile` or AWS_PROFILE, SSO, the
instance or container role). A botocore `before-call` hook refuses every request whose
operation is not a Describe, List or Get, whatever code asks for it; only the credential
exchanges of the chain itself (STS AssumeRole*, SSO) pass, which change nothing in the account.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from batchform.aws import iam_actions
from batchform.doctor import permissions
from batchform.errors import AccessDeniedError, AccountError, BatchformError, ReadOnlyViolation

# What the default credentials chain may send on its own behalf.
CREDENTIAL_EXCHANGES = frozenset(
    {
        ("sts", "AssumeRole"),
        ("sts", "AssumeRoleWithWebIdentity"),
        ("sts", "AssumeRoleWithSAML"),
        ("sso-oidc", "CreateToken"),
    }
)
# Error codes AWS answers when the identity may not do something.
_DENIED = frozenset(
    {"AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "UnauthorizedException"}
)
# Error codes of credentials AWS does not accept.
_BAD_CREDENTIALS = frozenset(
    {
        "AuthFailure",
        "ExpiredToken",
        "ExpiredTokenException",
        "InvalidClientTokenId",
        "SignatureDoesNotMatch",
        "UnrecognizedClientException",
    }
)
_THROTTLED = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "RequestLimitExceeded",
        "TooManyRequestsException",
        "RequestThrottled",
    }
)
_XML_MESSAGE = re.compile(r"<Message>(.*?)</Message>", re.S)
# Retries botocore makes (standard mode, backing off) before a throttled request fails.
MAX_ATTEMPTS = 6


def refuse_writes(model: Any = None, **_: Any) -> None:
    """botocore `before-call` hook: raise unless the operation only reads."""
    if model is None:
        return
    service = model.service_model.service_name
    if iam_actions.is_read_only(model.name) or (service, model.name) in CREDENTIAL_EXCHANGES:
        return
    raise ReadOnlyViolation(service, model.name)


class Account:
    """Read-only access to one region of one AWS account."""

    def __init__(
        self,
        region: str | None = None,
        profile: str | None = None,
        endpoint_url: str | None = None,
    ) -> None:
        import boto3  # type: ignore[import-untyped]
        from botocore.exceptions import (  # type: ignore[import-untyped]
            BotoCoreError,
            ProfileNotFound,
        )

        try:
            self._session = boto3.Session(profile_name=profile, region_name=region)
        except ProfileNotFound as error:
            raise AccountError(
                f"{error}; list the profiles with `aws configure list-profiles`"
            ) from None
        except BotoCoreError as error:
            raise AccountError(f"cannot read the AWS configuration: {error}") from None
        if not self._session.region_name:
            raise AccountError(
                "no AWS region: give --region (or set AWS_REGION, or a region in the profile)"
            )
        self.region: str = self._session.region_name
        self.endpoint_url = endpoint_url
        self._session.events.register("before-call", refuse_writes)
        self._clients: dict[str, Any] = {}

    def client(self, service: str) -> Any:
        """The boto3 client of a service (one per service), with retries for throttling."""
        if service not in self._clients:
            from botocore.config import Config  # type: ignore[import-untyped]

            config = Config(
                retries={"mode": "standard", "max_attempts": MAX_ATTEMPTS},
                connect_timeout=10,
                read_timeout=30,
                user_agent_extra="batchform-doctor",
            )
            self._clients[service] = self._session.client(
                service, endpoint_url=self.endpoint_url, config=config
            )
        return self._clients[service]

    def call(
        self, service: str, operation: str, absent: tuple[str, ...] = (), **params: Any
    ) -> dict[str, Any] | None:
        """One request; None when AWS answers with one of the `absent` error codes (a resource
        that does not exist)."""
        method = self._method(service, operation)
        answer: dict[str, Any] | None = self._guarded(
            service, operation, lambda: method(**params), absent
        )
        return answer

    def pages(
        self, service: str, operation: str, key: str, limit: int | None = None, **params: Any
    ) -> list[Any]:
        """Every item under `key` across the pages of a request (at most `limit` of them)."""
        self._method(service, operation)
        client = self.client(service)
        name = _snake(operation)

        def collect() -> list[Any]:
            found: list[Any] = []
            if not client.can_paginate(name):
                found.extend(getattr(client, name)(**params).get(key, []))
                return found[:limit] if limit is not None else found
            for page in client.get_paginator(name).paginate(**params):
                found.extend(page.get(key, []))
                if limit is not None and len(found) >= limit:
                    return found[:limit]
            return found

        items = self._guarded(service, operation, collect, ())
        return items if items is not None else []

    def _method(self, service: str, operation: str) -> Callable[..., dict[str, Any]]:
        if not permissions.allowed(service, operation):
            raise BatchformError(
                f"doctor asked for {service} {operation}, which doctor.permissions does not "
                "list. This is a bug in batchform; please report it."
            )
        method: Callable[..., dict[str, Any]] = getattr(self.client(service), _snake(operation))
        return method

    def _guarded(
        self, service: str, operation: str, request: Callable[[], Any], absent: tuple[str, ...]
    ) -> Any:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return request()
        except ClientError as error:
            code = str(error.response.get("Error", {}).get("Code", ""))
            if code in absent:
                return None
            raise self._client_error(service, operation, code, error) from None
        except BotoCoreError as error:
            raise self._transport_error(service, operation, error) from None

    def _client_error(self, service: str, operation: str, code: str, error: Any) -> BatchformError:
        message = str(error.response.get("Error", {}).get("Message", "")) or str(error)
        action = iam_actions.action(service, operation)
        if code.isdigit():
            # A body botocore could not parse (an emulator answering in another protocol):
            # the HTTP status is the code, and the message may sit in an XML error.
            found = _XML_MESSAGE.search(message)
            message = found.group(1) if found else message
        if code in _DENIED or code == "403":
            denied = iam_actions.denied_action(message)
            # IAM matches actions case-insensitively; say the canonical name.
            if denied is None or denied.lower() == action.lower():
                denied = action
            return AccessDeniedError(denied, message)
        if code in _BAD_CREDENTIALS:
            return AccountError(
                f"AWS did not accept the credentials ({code} on {action}): {message}; check "
                "the profile, the keys or the session token"
            )
        if code in _THROTTLED:
            return AccountError(
                f"AWS throttled {action} ({code}) after {MAX_ATTEMPTS} attempts; run doctor "
                "again in a minute"
            )
        return AccountError(f"{action} failed in {self.region}: {code}: {message}")

    def _transport_error(self, service: str, operation: str, error: Exception) -> BatchformError:
        from botocore.exceptions import (
            ConnectionError,
            CredentialRetrievalError,
            HTTPClientError,
            NoCredentialsError,
            NoRegionError,
            PartialCredentialsError,
            SSOError,
            TokenRetrievalError,
        )

        action = iam_actions.action(service, operation)
        if isinstance(error, NoCredentialsError):
            return AccountError(
                "no AWS credentials found: use --profile (or AWS_PROFILE), set "
                "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run `aws sso login`"
            )
        if isinstance(
            error,
            (PartialCredentialsError, CredentialRetrievalError, SSOError, TokenRetrievalError),
        ):
            return AccountError(f"cannot get AWS credentials: {error}")
        if isinstance(error, NoRegionError):
            return AccountError("no AWS region: give --region (or set AWS_REGION)")
        if isinstance(error, (ConnectionError, HTTPClientError)):
            where = self.endpoint_url or f"the {service} endpoint of {self.region}"
            return AccountError(f"cannot reach {where} for {action}: {error}")
        return AccountError(f"{action} failed: {error}")


def _snake(operation: str) -> str:
    from botocore import xform_name  # type: ignore[import-untyped]

    name: str = xform_name(operation)
    return name
