"""Stacks generated from many valid specs lint clean: the generator never writes a trap."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from batchform.errors import SpecError
from batchform.generate import render_stack
from batchform.lint import lint_paths
from batchform.spec import Spec

ACCOUNT = "123456789012"
REGION = "us-east-1"
PRIVATE_IMAGE = f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/app:1"
PUBLIC_IMAGES = ["public.ecr.aws/docker/library/alpine:3.20", "alpine:3.20", "ghcr.io/org/app:2"]
FARGATE_PAIRS = [(0.25, 512), (0.5, 1024), (1, 2048), (2, 4096), (4, 8192)]
EC2_PAIRS = [(1, 512), (1, 1024), (2, 2048), (2, 3000)]
INSTANCE_TYPES = [None, ["c6i.large", "c6i.xlarge"], ["m6i.xlarge"], ["c5"], ["optimal"]]


@st.composite
def specs(draw: st.DrawFn) -> dict[str, Any]:
    """A spec dict over the axes that change what the generator writes."""
    mode = draw(st.sampled_from(["public", "nat", "endpoints", "existing"]))
    network: dict[str, Any] = {"mode": mode}
    if mode == "existing":
        network.update(
            vpc_id="vpc-0123456789abcdef0",
            subnet_ids=["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"],
        )
    else:
        network["availability_zones"] = draw(st.integers(1, 3))
    family = draw(st.sampled_from(["EC2", "FARGATE"]))
    kinds = ["EC2", "SPOT"] if family == "EC2" else ["FARGATE", "FARGATE_SPOT"]
    environments = []
    for index in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(kinds))
        environment: dict[str, Any] = {"name": f"ce{index}", "type": kind, "max_vcpus": 32}
        if family == "EC2":
            types = draw(st.sampled_from(INSTANCE_TYPES))
            if types is not None:
                environment["instance_types"] = types
        environments.append(environment)
    vcpus, memory = draw(st.sampled_from(FARGATE_PAIRS if family == "FARGATE" else EC2_PAIRS))
    image = PRIVATE_IMAGE if mode == "endpoints" else draw(st.sampled_from(PUBLIC_IMAGES))
    job: dict[str, Any] = {
        "name": "job",
        "platform": family,
        "image": image,
        "command": ["run"],
        "vcpus": vcpus,
        "memory": memory,
        "environment": {"MODE": "batch"},
    }
    if draw(st.booleans()):
        job["secrets"] = {"TOKEN": f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/token"}
    return {
        "name": "gen",
        "region": REGION,
        "network": network,
        "compute_environments": environments,
        "job_queues": [
            {
                "name": "queue",
                "compute_environments": [item["name"] for item in environments],
                "runnable_timeout_seconds": draw(st.sampled_from([None, 3600])),
            }
        ],
        "job_definitions": [job],
    }


@settings(
    derandomize=True,
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(specs())
def test_generated_stacks_lint_clean(data: dict[str, Any]) -> None:
    try:
        spec = Spec.model_validate(data)
    except (ValidationError, SpecError):
        assume(False)
        return
    files = render_stack(spec)
    with tempfile.TemporaryDirectory() as temporary:
        root = Path(temporary)
        for name, text in files.items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        result = lint_paths([root], display_root=root)
    assert result.findings == [], "\n".join(
        f"{f.file}:{f.line}: {f.code} {f.address}: {f.message}" for f in result.findings
    )
