"""The machine images of EC2 and SPOT compute environments: Batch's ECS image types and AMI ids.

Source: the AWS Batch API reference as botocore ships it (``botocore/data/batch/2016-08-10``),
``Ec2Configuration.imageType`` and ``Ec2Configuration.imageIdOverride``: the ECS image types,
which instance types each serves, and the end of Amazon Linux 2. The API types ``imageType`` as a
free string, so the values are written down here.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable

from batchform.aws.instance_types import InstanceType

SOURCE = "AWS Batch API reference (botocore batch 2016-08-10), Ec2Configuration.imageType"

AL2023 = "ECS_AL2023"
AL2023_NVIDIA = "ECS_AL2023_NVIDIA"
AL2 = "ECS_AL2"
AL2_NVIDIA = "ECS_AL2_NVIDIA"
# The image types of ECS compute environments (the EKS_* ones are for EKS compute environments).
ECS_IMAGE_TYPES = (AL2023, AL2023_NVIDIA, AL2, AL2_NVIDIA)
# Amazon Linux 2: "Effective June 30, 2026, Batch will block creation of new Amazon ECS compute
# environments using Batch-provided Amazon Linux 2 AMIs."
AMAZON_LINUX_2 = frozenset({AL2, AL2_NVIDIA})
AMAZON_LINUX_2_BLOCKED_FROM = datetime.date(2026, 6, 30)
# "ECS_AL2023_NVIDIA ... can be used for all non Amazon Web Services Graviton-based instance
# types": the NVIDIA image is x86_64 only.
NVIDIA_ARCHITECTURE = "x86_64"
# "Amazon Linux 2023 does not support A1 instances."
AL2023_UNSUPPORTED_FAMILIES = frozenset({"a1"})
# The GPUs the NVIDIA image drives: Batch schedules a job's GPU resource requirement on them.
GPU_VENDOR = "NVIDIA"
# EC2 resource ids: "ami-" and 8 or 17 hexadecimal digits (Amazon EC2 user guide, resource IDs).
AMI_ID = re.compile(r"^ami-(?:[0-9a-f]{8}|[0-9a-f]{17})\Z")


def schedulable_gpus(entry: InstanceType) -> int:
    """The GPUs of an instance type a Batch job can reserve: NVIDIA GPUs on x86_64."""
    if entry.gpu_vendor == GPU_VENDOR and entry.architecture == NVIDIA_ARCHITECTURE:
        return entry.gpus
    return 0


def default_image_type(types: Iterable[InstanceType] | None) -> str:
    """The image type batchform picks: the NVIDIA one when any instance type has GPUs it drives,
    else Amazon Linux 2023 (Batch's own default since January 2026, written out)."""
    if types is not None and any(schedulable_gpus(entry) for entry in types):
        return AL2023_NVIDIA
    return AL2023


def is_nvidia(image_type: str) -> bool:
    """Whether an image type carries the NVIDIA drivers GPU jobs need."""
    return image_type.endswith("_NVIDIA")


def image_type_problem(image_type: str, types: Iterable[InstanceType] | None) -> str | None:
    """Why an image type cannot serve these instance types (None when it can, or when the types
    are Batch's choice)."""
    if image_type in AMAZON_LINUX_2:
        successor = AL2023_NVIDIA if is_nvidia(image_type) else AL2023
        return (
            f"{image_type} is Amazon Linux 2, which AWS Batch no longer accepts for new compute "
            f"environments from {AMAZON_LINUX_2_BLOCKED_FROM:%d %B %Y} ({SOURCE}); every "
            f"replacement creates a new one, so use {successor}"
        )
    for entry in types or ():
        if entry.family in AL2023_UNSUPPORTED_FAMILIES:
            return (
                f"Amazon Linux 2023 does not support {entry.family.upper()} instances such as "
                f"{entry.name} ({SOURCE}); use Graviton types such as m7g or c7g instead"
            )
        if is_nvidia(image_type) and entry.architecture != NVIDIA_ARCHITECTURE:
            return (
                f"{image_type} serves x86_64 instance types only, not AWS Graviton ones such as "
                f"{entry.name} ({SOURCE}); use {AL2023} for them"
            )
    return None
