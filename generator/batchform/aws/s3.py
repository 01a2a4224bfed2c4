"""Amazon S3 bucket names and state keys, for the S3 backend that holds a stack's state.

Sources: the Amazon S3 user guide, "General purpose bucket naming rules"; for the key, the
validation of Terraform's own S3 backend (its `terraform init` messages, Terraform 1.11).
"""

from __future__ import annotations

import ipaddress
import re

SOURCE = "Amazon S3 user guide, General purpose bucket naming rules"
# 3 to 63 lower-case letters, numbers, periods and hyphens, beginning and ending with a letter
# or number.
BUCKET_NAME = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\Z")
RESERVED_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
RESERVED_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3")


def bucket_name_problem(name: str) -> str | None:
    """Why S3 refuses a general purpose bucket name, or None."""
    if not BUCKET_NAME.match(name):
        return (
            "a bucket name has 3 to 63 lower-case letters, numbers, periods and hyphens, and "
            "begins and ends with a letter or number"
        )
    if ".." in name:
        return "a bucket name must not hold two adjacent periods"
    try:
        ipaddress.IPv4Address(name)
    except ValueError:
        pass
    else:
        return "a bucket name must not be formatted as an IP address"
    for prefix in RESERVED_PREFIXES:
        if name.startswith(prefix):
            return f"a bucket name must not start with {prefix!r}"
    for suffix in RESERVED_SUFFIXES:
        if name.endswith(suffix):
            return f"a bucket name must not end with {suffix!r}"
    return None


def state_key_problem(key: str) -> str | None:
    """Why Terraform's S3 backend refuses a state key, or None."""
    if not key.strip():
        return "the state key cannot be empty"
    if key.startswith("/") or key.endswith("/"):
        return "the state key must not start or end with '/' (Terraform's S3 backend)"
    if "//" in key:
        return "the state key must not contain '//' (Terraform's S3 backend)"
    return None
