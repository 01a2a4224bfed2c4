"""What a Batch job definition may ask for, and where: GPUs, architectures, storage, retries,
Linux settings, scheduling priority and multi-node parallel jobs.

Source, unless a fact names another: the AWS Batch API reference as botocore ships it
(``botocore/data/batch/2016-08-10``), member documentation of ``RegisterJobDefinitionRequest``,
``ContainerProperties`` and the shapes below it.
"""

from __future__ import annotations

from dataclasses import dataclass

_API = "AWS Batch API reference (botocore batch 2016-08-10)"

# "GPUs aren't available for jobs that are running on Fargate resources" (ResourceRequirement).
GPU_SOURCE = f"{_API}, ResourceRequirement.value"
# "The minimum supported value is 21 GiB and the maximum supported value is 200 GiB", for tasks
# hosted on Fargate (EphemeralStorage.sizeInGiB, ContainerProperties.ephemeralStorage).
EPHEMERAL_STORAGE_MIN_GIB = 21
EPHEMERAL_STORAGE_MAX_GIB = 200
EPHEMERAL_STORAGE_SOURCE = f"{_API}, EphemeralStorage.sizeInGiB"
# RuntimePlatform, "for Batch jobs on Fargate": cpuArchitecture X86_64 (default) or ARM64;
# operatingSystemFamily LINUX (default) for Linux containers.
CPU_ARCHITECTURES = ("X86_64", "ARM64")
OPERATING_SYSTEM_FAMILY = "LINUX"
RUNTIME_PLATFORM_SOURCE = f"{_API}, RuntimePlatform"
# How the API's cpuArchitecture names the architectures of EC2 instance types.
INSTANCE_ARCHITECTURE = {"X86_64": "x86_64", "ARM64": "arm64"}
# Ulimit.name: "core | cpu | data | fsize | locks | memlock | msgqueue | nice | nofile | nproc |
# rss | rtprio | rttime | sigpending | stack".
ULIMIT_NAMES = (
    "core", "cpu", "data", "fsize", "locks", "memlock", "msgqueue", "nice", "nofile", "nproc",
    "rss", "rtprio", "rttime", "sigpending", "stack",
)
# Members documented as "isn't applicable to jobs that are running on Fargate resources".
EC2_ONLY_SOURCE = {
    "privileged": f"{_API}, ContainerProperties.privileged",
    "ulimits": f"{_API}, ContainerProperties.ulimits",
    "shared_memory_mib": f"{_API}, LinuxParameters.sharedMemorySize",
    "host_path": f"{_API}, Volume.host",
}
# "The minimum supported value is 0 and the maximum supported value is 9999"; it "only affects
# jobs in job queues with a fair-share policy" (RegisterJobDefinitionRequest.schedulingPriority).
SCHEDULING_PRIORITY_MIN = 0
SCHEDULING_PRIORITY_MAX = 9999
SCHEDULING_PRIORITY_SOURCE = f"{_API}, RegisterJobDefinitionRequest.schedulingPriority"
# "If the job is run on Fargate resources, then multinode isn't supported"
# (RegisterJobDefinitionRequest.type); "Multi-node parallel jobs aren't supported on Spot
# Instances" (ComputeResource.type); the main node's index "must be fewer than the number of
# nodes" (NodeProperties.mainNode).
MULTINODE_SOURCE = f"{_API}, RegisterJobDefinitionRequest.type and ComputeResource.type"
MAIN_NODE_SOURCE = f"{_API}, NodeProperties.mainNode"
# "Your accumulative node ranges must account for all nodes (0:n)"; "0:" covers them all
# (NodeRangeProperty.targetNodes).
ALL_NODES = "0:"
# EvaluateOnExit: "Array of up to 5 objects" (RetryStrategy.evaluateOnExit).
EVALUATE_ON_EXIT_MAX = 5


@dataclass(frozen=True)
class ExitRule:
    """One evaluate_on_exit condition and its action."""

    action: str
    on_status_reason: str | None = None
    on_reason: str | None = None
    on_exit_code: str | None = None


# A Spot reclaim (or any termination of the instance) ends the attempt with the status reason
# "Host EC2 (instance i-...) terminated." (AWS Compute Blog, "Introducing retry strategies for
# AWS Batch", its Spot interruption example).
ON_SPOT_RECLAIM = ExitRule("RETRY", on_status_reason="Host EC2*")
# An image that cannot be pulled ends it with the reason "CannotPullContainerError: ..."
# (Amazon ECS developer guide, "CannotPullContainer task errors"; the same blog's image example).
ON_IMAGE_PULL_ERROR = ExitRule("RETRY", on_reason="CannotPullContainerError*")
# "If evaluateOnExit is specified, but none of the retry strategies match, then the job is
# retried. For jobs that don't match to exit, add a final entry that exits for any reason"
# (AWS Batch user guide, "Automated job retries", whose example ends with this entry).
EXIT_OTHERWISE = ExitRule("EXIT", on_reason="*")
RETRY_SOURCE = "AWS Batch user guide, Automated job retries"
