"""Job storage: the EFS volumes of a job definition, and where an EFS file system is mounted."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Any

from batchform.lint.knowledge.container_properties import ContainerProperties
from batchform.lint.knowledge.links import instance_of, referrers
from batchform.lint.model import Configuration, ResourceInstance

FILE_SYSTEM_TYPE = "aws_efs_file_system"
MOUNT_TARGET_TYPE = "aws_efs_mount_target"
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True)
class EfsVolume:
    """One `volumes[].efsVolumeConfiguration` of a job: its name and file system id value."""

    name: str
    file_system: Any

    def shown(self) -> str:
        """The file system as a reader knows it: its resource address, or its id."""
        found = instance_of(self.file_system, FILE_SYSTEM_TYPE)
        if found is not None:
            return found.address
        return self.file_system if isinstance(self.file_system, str) else f"volume {self.name}"


def efs_volumes(properties: ContainerProperties) -> list[EfsVolume]:
    """The job's EFS volumes."""
    volumes = properties.value.get("volumes")
    found = []
    for volume in volumes if isinstance(volumes, list) else []:
        config = volume.get("efsVolumeConfiguration") if isinstance(volume, dict) else None
        if isinstance(config, dict):
            name = volume.get("name")
            found.append(EfsVolume(name if isinstance(name, str) else "?",
                                   config.get("fileSystemId")))
    return found


def mount_target_networks(
    configuration: Configuration, volume: EfsVolume
) -> list[Network] | None:
    """The CIDR blocks of the subnets the file system's mount targets are in; None when that
    cannot be told (a file system of another configuration, a subnet without a known CIDR)."""
    file_system = instance_of(volume.file_system, FILE_SYSTEM_TYPE)
    if file_system is None:
        return None
    targets = referrers(configuration, MOUNT_TARGET_TYPE, "file_system_id")
    if targets.unclear or not targets.of(file_system):
        return None
    networks = []
    for target in targets.of(file_system):
        network = _subnet_network(target)
        if network is None:
            return None
        networks.append(network)
    return networks


def _subnet_network(target: ResourceInstance) -> Network | None:
    subnet = instance_of(target.get("subnet_id"), "aws_subnet")
    cidr = subnet.get("cidr_block") if subnet is not None else None
    if not isinstance(cidr, str):
        return None
    try:
        return ipaddress.ip_network(cidr, strict=False)
    except ValueError:
        return None
