"""Amazon EFS volumes of Batch jobs: ids, the NFS port, IAM actions and the API's volume rules.

Sources, cited per fact: botocore's EFS and Batch models (``botocore/data/efs/2015-02-01``,
``botocore/data/batch/2016-08-10``) and the Amazon EFS user guide.
"""

from __future__ import annotations

import re

_BATCH = "AWS Batch API reference (botocore batch 2016-08-10)"

# FileSystemId and AccessPointId (botocore efs 2015-02-01): the ids (the ARN forms are for the
# EFS API, Batch takes the ids).
FILE_SYSTEM_ID = re.compile(r"^fs-[0-9a-f]{8,40}\Z")
ACCESS_POINT_ID = re.compile(r"^fsap-[0-9a-f]{8,40}\Z")
ID_SOURCE = "botocore efs 2015-02-01, FileSystemId and AccessPointId"
# Mount targets take NFS on TCP 2049 from their clients (Amazon EFS user guide, "Using VPC
# security groups": the mount target's group allows inbound NFS, port 2049, from the clients).
NFS_PORT = 2049
NFS_SOURCE = "Amazon EFS user guide, Using VPC security groups"
# IAM authorization: elasticfilesystem:ClientMount to mount read-only, ClientWrite to write
# (Amazon EFS user guide, "Using IAM to control file system data access"), on the file system's
# ARN arn:<partition>:elasticfilesystem:<region>:<account>:file-system/<id>.
CLIENT_MOUNT = "elasticfilesystem:ClientMount"
CLIENT_WRITE = "elasticfilesystem:ClientWrite"
IAM_SOURCE = "Amazon EFS user guide, Using IAM to control file system data access"
# "Transit encryption must be enabled if Amazon EFS IAM authorization is used", "If an access
# point is used, transit encryption must be enabled", and with an access point "the root
# directory ... must either be omitted or set to /" (EFSVolumeConfiguration, EFSAuthorizationConfig).
VOLUME_SOURCE = f"{_BATCH}, EFSVolumeConfiguration and EFSAuthorizationConfig"
# rootDirectory: "The maximum length is 4,096 characters".
ROOT_DIRECTORY_MAX = 4096
# Volume.name: "up to 255 characters long. It can contain uppercase and lowercase letters,
# numbers, hyphens (-), and underscores (_)".
VOLUME_NAME = re.compile(r"^[A-Za-z0-9_-]{1,255}\Z")
VOLUME_NAME_SOURCE = f"{_BATCH}, Volume.name"


def file_system_arn(partition: str, region: str, account: str, file_system_id: str) -> str:
    """The ARN IAM knows a file system by."""
    return f"arn:{partition}:elasticfilesystem:{region}:{account}:file-system/{file_system_id}"
