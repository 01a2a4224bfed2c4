"""Where a job's container image comes from: the account's private ECR, or anywhere else."""

from __future__ import annotations

from typing import Any

from batchform.aws import ecr
from batchform.lint.model.values import AttrRef, Partial, text_of


def private_ecr(image: Any) -> bool | None:
    """Whether an image is in a private ECR registry; None when unknown."""
    if isinstance(image, AttrRef) and image.instance.type == "aws_ecr_repository":
        return True
    text = text_of(image)
    if text is None:
        return None
    if ecr.is_private_image(text) or ecr.names_private_registry(text):
        return True
    if isinstance(image, str):
        return False
    # A partly known image: decide on the registry part only when it is fully known.
    first = image.parts[0] if isinstance(image, Partial) else None
    if isinstance(first, str) and "/" in first:
        return False
    return None
