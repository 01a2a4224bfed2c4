"""EC2 launch templates for Batch compute environments: root volume, user data, key pairs.

Sources, cited per fact: botocore's EC2 model (``botocore/data/ec2/2016-11-15``, member
documentation), the AWS Batch user guide and the Amazon ECS developer guide.
"""

from __future__ import annotations

import re

_EC2 = "Amazon EC2 API reference (botocore ec2 2016-11-15)"

# The root device of the ECS-optimized AMIs Batch launches (AWS Batch user guide, "Use Amazon EC2
# launch templates with AWS Batch", whose example resizes /dev/xvda).
ROOT_DEVICE_NAME = "/dev/xvda"
# "By default, the Amazon ECS-optimized Amazon Linux 2023 AMI ships with a single 30-GiB root
# volume" (Amazon ECS developer guide, "Amazon ECS-optimized Linux AMI storage configuration"):
# a launch template cannot make it smaller than the AMI's snapshot.
ROOT_VOLUME_MIN_GIB = 30
# gp3: 1 - 65,536 GiB (LaunchTemplateEbsBlockDeviceRequest.VolumeSize).
GP3_MAX_GIB = 65_536
ROOT_VOLUME_SOURCE = f"{_EC2}, LaunchTemplateEbsBlockDeviceRequest.VolumeSize"
ROOT_VOLUME_TYPE = "gp3"
# "User data is limited to 16 KB"; "If you are creating the launch template for use with Batch,
# the user data must be provided in the MIME multi-part archive format"
# (RequestLaunchTemplateData.UserData).
USER_DATA_MAX_BYTES = 16 * 1024
USER_DATA_SOURCE = f"{_EC2}, RequestLaunchTemplateData.UserData"
# IMDSv2: http_tokens "required" (LaunchTemplateInstanceMetadataOptionsRequest.HttpTokens).
HTTP_TOKENS_REQUIRED = "required"
HTTP_TOKENS_OPTIONAL = "optional"
# "A unique name for the key pair. Constraints: Up to 255 ASCII characters"
# (CreateKeyPairRequest.KeyName).
KEY_PAIR_NAME = re.compile(r"^[\x20-\x7e]{1,255}\Z")
KEY_PAIR_SOURCE = f"{_EC2}, CreateKeyPairRequest.KeyName"
# The cloud-init part types a script can start with (cloud-init documentation, "User data
# formats"), and the MIME type Batch's multi-part archive gives each.
PART_TYPES = (
    ("#cloud-config", "text/cloud-config"),
    ("#cloud-boothook", "text/cloud-boothook"),
    ("#!", "text/x-shellscript"),
)


def mime_multipart(text: str) -> str | None:
    """User data as the MIME multi-part archive Batch merges its own part into; None when the
    text is none of the formats cloud-init knows from its first line."""
    if text.startswith("MIME-Version:") or text.lower().startswith("content-type: multipart/"):
        return text
    part_type = next((kind for start, kind in PART_TYPES if text.startswith(start)), None)
    if part_type is None:
        return None
    boundary = "==BATCHFORM=="
    while boundary in text:
        boundary = f"={boundary}="
    charset = "us-ascii" if text.isascii() else "utf-8"
    body = text if text.endswith("\n") else text + "\n"
    # The line break before a boundary belongs to the boundary (RFC 2046), so one more keeps
    # the script's own last line break.
    return (
        "MIME-Version: 1.0\n"
        f'Content-Type: multipart/mixed; boundary="{boundary}"\n'
        "\n"
        f"--{boundary}\n"
        f'Content-Type: {part_type}; charset="{charset}"\n'
        "\n"
        f"{body}\n"
        f"--{boundary}--\n"
    )
