"""Where a job's container image comes from: the account's private ECR, or anywhere else."""

from __future__ import annotations

import re
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


# Architecture names in image references: the OCI image index's platform.architecture values
# (amd64, arm64) and the kernel's (x86_64, aarch64), as tags and Docker Hub's per-architecture
# namespaces (arm64v8/alpine) carry them.
_ARCHITECTURE_WORDS = {
    "arm64": re.compile(r"(?<![a-z0-9])(arm64(v8)?|aarch64)(?![a-z0-9])", re.IGNORECASE),
    "x86_64": re.compile(r"(?<![a-z0-9])(amd64|x86[-_]64)(?![a-z0-9])", re.IGNORECASE),
}


def architecture_hint(image: Any) -> str | None:
    """The one architecture an image's name or tag says it is built for ("arm64", "x86_64"),
    None when it says none (or both): a multi-architecture image names none."""
    text = image if isinstance(image, str) else None
    if text is None:
        return None
    found = [arch for arch, words in _ARCHITECTURE_WORDS.items() if words.search(text)]
    return found[0] if len(found) == 1 else None
