"""Image references served by the account's private Amazon ECR registry.

A private registry is ``<account>.dkr.ecr.<region>.amazonaws.com``, ``.amazonaws.com.cn`` in the
China regions, and ``<account>.dkr.ecr-fips.<region>.amazonaws.com`` through the FIPS endpoints
(Amazon ECR user guide, "Private registry concepts" and "Amazon ECR endpoints and quotas"). An
ECR pull-through cache is served under the same private registry URI (Amazon ECR user guide,
"Sync an upstream registry with an Amazon ECR private registry"), so its images count as private.
Only these can be pulled through the ``ecr.api``/``ecr.dkr`` VPC endpoints.
"""

from __future__ import annotations

import re

PRIVATE_REGISTRY = re.compile(
    r"^[0-9]{12}\.dkr\.ecr(?:-fips)?\.(?P<region>[a-z0-9-]+)\.amazonaws\.com(?:\.cn)?/"
)
# What marks a registry host as private ECR when the account or region is not known yet.
_PRIVATE_HOST_PART = re.compile(r"\.dkr\.ecr(?:-fips)?\.")
EXAMPLE = "<account>.dkr.ecr.<region>.amazonaws.com/<name>:<tag>"


def is_private_image(reference: str) -> bool:
    """Whether a fully known image reference is in a private ECR registry."""
    return PRIVATE_REGISTRY.match(reference) is not None


def registry_region(reference: str) -> str | None:
    """The region of the private ECR registry an image reference names, if it names one. VPC
    endpoints reach only their own region's ECR (the ecr.api and ecr.dkr services are regional:
    com.amazonaws.<region>.ecr.dkr)."""
    found = PRIVATE_REGISTRY.match(reference)
    return found.group("region") if found else None


def names_private_registry(text: str) -> bool:
    """Whether partly known text already shows a private ECR registry host."""
    return _PRIVATE_HOST_PART.search(text) is not None
