"""Private ECR image references, FIPS and China registries included."""

from __future__ import annotations

import pytest

from batchform.aws import ecr


@pytest.mark.parametrize(("reference", "private"), [
    ("123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1", True),
    ("123456789012.dkr.ecr-fips.us-east-1.amazonaws.com/app:1", True),
    ("123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/app:1", True),
    # A pull-through cache is served under the private registry.
    ("123456789012.dkr.ecr.us-east-1.amazonaws.com/docker-hub/library/alpine:3.20", True),
    ("public.ecr.aws/docker/library/alpine:3.20", False),
    ("alpine:3.20", False),
    ("12345.dkr.ecr.us-east-1.amazonaws.com/app", False),
    ("123456789012.dkr.ecr.us-east-1.amazonaws.com.evil.example/app", False),
])
def test_private_images(reference: str, private: bool) -> None:
    assert ecr.is_private_image(reference) is private


def test_partly_known_hosts() -> None:
    assert ecr.names_private_registry("${account}.dkr.ecr.${region}.amazonaws.com/app")
    assert ecr.names_private_registry("${account}.dkr.ecr-fips.us-east-1.amazonaws.com/app")
    assert not ecr.names_private_registry("ghcr.io/org/app")
