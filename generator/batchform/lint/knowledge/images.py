"""Where a job's container image comes from: the account's private ECR, or anywhere else."""

from __future__ import annotations

import re
from typing import Any

from batchform.lint.model.values import AttrRef, Partial, text_of

_PRIVATE_ECR = re.compile(r"^(\d{12}|[^/]*)\.dkr\.ecr\.[a-z0-9-]*\.amazonaws\.com(\.cn)?/")


def private_ecr(image: Any) -> bool | None:
    """Whether an image is in a private ECR registry; None when unknown."""
    if isinstance(image, AttrRef) and image.instance.type == "aws_ecr_repository":
        return True
    text = text_of(image)
    if text is None:
        return None
    if _PRIVATE_ECR.match(text) or ".dkr.ecr." in text:
        return True
    if isinstance(image, str):
        return False
    # A partly known image: decide on the registry part only when it is fully known.
    first = image.parts[0] if isinstance(image, Partial) else None
    if isinstance(first, str) and "/" in first:
        return False
    return None
