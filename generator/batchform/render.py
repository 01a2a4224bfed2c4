"""Rendering: a validated spec in, the text of every file of the stack out."""

from __future__ import annotations

import dataclasses
import ipaddress
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import jinja2

from batchform import hcl
from batchform.aws import (
    efs,
    endpoints,
    jobs,
    launch_templates,
    names,
    provider,
    rules,
    secrets,
)
from batchform.spec import FARGATE_FAMILY, ComputeEnvironment, JobDefinition, JobQueue, Spec

MODULES = ("network", "compute_environment", "job_queue", "job_definition")
# One template per output file of each module; the module's README is derived afterwards.
MODULE_FILES = ("main.tf", "variables.tf", "outputs.tf", "versions.tf")
ROOT_FILES = ("main.tf", "variables.tf", "versions.tf", "outputs.tf")
REQUIRED_TERRAFORM = ">= 1.5.0"
# Cancel jobs stuck RUNNABLE for these reasons (AWS Batch JobStateTimeLimitAction.reason).
RUNNABLE_TIMEOUT_REASONS = (
    "CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY",
    "MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE",
    "MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT",
)

# S3's own state lock file (use_lockfile) is generally available from Terraform 1.11
# (Terraform upgrade guide v1.11, "S3 Native State Locking"; experimental in 1.10).
S3_LOCKFILE_TERRAFORM = ">= 1.11.0"
# Launch template user data, beside the root module, by compute environment name.
USER_DATA_DIR = "user_data"

Usage = Literal["none", "some", "all"]


def user_data_path(environment: str) -> str:
    """Where the stack keeps a compute environment's user data archive."""
    return f"{USER_DATA_DIR}/{environment}.mime"


def usage(flags: list[bool]) -> Usage:
    """Whether a feature is used by no, some or all instances of a module."""
    if not any(flags):
        return "none"
    return "all" if all(flags) else "some"


@dataclass(frozen=True)
class Features:
    """What the modules must be able to do for this spec: nothing more goes into them."""

    ce_ec2: Usage
    ce_spot_bid: Usage
    # A role of the stack's own instead of the service-linked role (spec service_role = "custom").
    ce_custom_service_role: bool
    # Which EC2/SPOT environments AWS updates in place (service-linked role, updatable strategy).
    ce_updatable: Usage
    queue_fair_share: Usage
    queue_timeout: Usage
    job_fargate: Usage
    job_secrets: Usage
    job_ssm: bool
    job_secretsmanager: bool
    job_timeout: Usage
    job_policies: bool
    job_secrets_kms: bool
    # Compute environments (over all of them; Fargate ones never use these).
    ce_image_id: Usage = "none"
    ce_launch_template: Usage = "none"
    # Over the environments with a launch template.
    lt_root_volume: Usage = "none"
    lt_user_data: Usage = "none"
    ce_update_policy: Usage = "none"
    ce_placement_group: Usage = "none"
    ce_key_pair: Usage = "none"
    # Job definitions.
    job_multinode: Usage = "none"
    job_gpus: Usage = "none"
    job_runtime_platform: Usage = "none"
    job_ephemeral_storage: Usage = "none"
    job_efs: Usage = "none"
    job_efs_iam: Usage = "none"
    job_host_volumes: Usage = "none"
    job_evaluate_on_exit: Usage = "none"
    job_linux_parameters: Usage = "none"
    job_ulimits: Usage = "none"
    job_user: Usage = "none"
    job_readonly_root: Usage = "none"
    job_privileged: Usage = "none"
    job_parameters: Usage = "none"
    job_propagate_tags: Usage = "none"
    job_scheduling_priority: Usage = "none"
    # The stack: every IAM role's path and permissions boundary, the log groups' KMS key.
    iam_path: bool = False
    iam_boundary: bool = False
    log_kms_key: bool = False

    @property
    def job_execution_role(self) -> bool:
        """Fargate jobs and jobs with secrets need an execution role; the module gives it to all."""
        return self.job_fargate != "none" or self.job_secrets != "none"

    @property
    def job_volumes(self) -> bool:
        """Whether any job mounts a volume."""
        return self.job_efs != "none" or self.job_host_volumes != "none"

    @property
    def iam_settings(self) -> bool:
        """Whether roles take a path or a permissions boundary from the spec."""
        return self.iam_path or self.iam_boundary


@dataclass(frozen=True)
class NetworkPlan:
    """The network module's shape and the values the root passes to it."""

    mode: str
    cidr: str
    zone_names: list[str] | None
    zone_count: int
    public_subnet_cidrs: list[str] = field(default_factory=list)
    private_subnet_cidrs: list[str] = field(default_factory=list)
    nat_per_az: bool = False
    interface_endpoints: list[str] = field(default_factory=list)
    flow_logs: bool = False
    creates_security_group: bool = True
    # Security group names start with the stack name, unless EC2 keeps that start for group ids.
    security_group_prefix: str = "${var.name}"
    # Jobs mount EFS: compute gets NFS to the VPC (where the mount targets are) and to the
    # mount targets' security groups the spec names.
    efs: bool = False
    nfs_to_vpc: bool = False
    nfs_security_groups: list[str] = field(default_factory=list)

    @property
    def compute_subnets(self) -> str:
        """Which subnets compute runs in."""
        return "public" if self.mode == "public" else "private"


@dataclass(frozen=True)
class Stack:
    """Everything the templates need, computed once from the spec."""

    spec: Spec
    features: Features
    network: NetworkPlan

    @property
    def max_vcpus(self) -> dict[str, int]:
        """The spec's max_vcpus by compute environment: the root variable's default."""
        return {ce.name: ce.max_vcpus for ce in self.spec.compute_environments}

    @property
    def images(self) -> dict[str, str]:
        """The spec's images by job definition: the root variable's default."""
        return {job.name: job.image for job in self.spec.job_definitions}

    @property
    def user_data_files(self) -> dict[str, str]:
        """The launch templates' user data, as the MIME archives the root passes on."""
        return {
            user_data_path(ce.name): ce.launch_template.user_data_archive
            for ce in self.spec.compute_environments
            if ce.launch_template is not None and ce.launch_template.user_data_archive is not None
        }

    @property
    def root_required_terraform(self) -> str:
        """The Terraform the root needs: S3's own state lock file needs 1.11."""
        backend = self.spec.backend
        if backend is not None and backend.s3.use_lockfile:
            return S3_LOCKFILE_TERRAFORM
        return REQUIRED_TERRAFORM

    @staticmethod
    def launch_template_argument(ce: ComputeEnvironment) -> dict[str, object]:
        """The launch_template object a compute environment's module call passes."""
        template = ce.launch_template
        assert template is not None
        value: dict[str, object] = {
            "http_tokens": (launch_templates.HTTP_TOKENS_REQUIRED if template.imdsv2
                            else launch_templates.HTTP_TOKENS_OPTIONAL),
        }
        if template.root_volume_gib is not None:
            value["root_volume_gib"] = template.root_volume_gib
        if template.user_data is not None:
            value["user_data"] = hcl.Expression(
                f'file("${{path.module}}/{user_data_path(ce.name)}")'
            )
        return value

    @staticmethod
    def volume_arguments(job: JobDefinition) -> dict[str, list[dict[str, object]]]:
        """The efs_volumes and host_volumes a job definition's module call passes."""
        found: dict[str, list[dict[str, object]]] = {"efs_volumes": [], "host_volumes": []}
        for volume in job.volumes:
            mount: dict[str, object] = {
                "name": volume.name, "mount_path": volume.mount_path, "read_only": volume.read_only,
            }
            if volume.efs is None:
                found["host_volumes"].append({**mount, "host_path": volume.host_path})
                continue
            mount["file_system_id"] = volume.efs.file_system_id
            for key in ("access_point_id", "root_directory"):
                if getattr(volume.efs, key) is not None:
                    mount[key] = getattr(volume.efs, key)
            mount["transit_encryption"] = volume.efs.transit_encryption
            mount["iam"] = volume.efs.iam
            found["efs_volumes"].append(mount)
        return found

    @staticmethod
    def evaluate_on_exit(job: JobDefinition) -> list[dict[str, object]]:
        """The evaluate_on_exit rules a job definition's module call passes."""
        rules = job.retry.rules if job.retry is not None else []
        return [
            {key: value for key, value in dataclasses.asdict(rule).items() if value is not None}
            for rule in rules
        ]

    @staticmethod
    def linux_parameters(job: JobDefinition) -> dict[str, object]:
        """The linux_parameters a job definition's module call passes: only what is set."""
        settings = job.linux_parameters
        assert settings is not None
        # False is Docker's default: leaving it out keeps the registered JSON what AWS returns.
        return {key: value for key, value in settings.model_dump().items() if value}

    @staticmethod
    def ulimits(job: JobDefinition) -> dict[str, dict[str, int]]:
        """The ulimits a job definition's module call passes, by name."""
        return {name: limit.model_dump() for name, limit in sorted(job.ulimits.items())}

    # -- what the root README says -----------------------------------------------------------

    @property
    def submit_example(self) -> tuple[JobDefinition, JobQueue] | None:
        """The job and queue the README submits to: the first job with a queue it runs on."""
        for job in self.spec.job_definitions:
            queues = self.spec.queues_of(job)
            if queues:
                return job, queues[0]
        return None

    @staticmethod
    def parameters_example(job: JobDefinition) -> str:
        """`--parameters` of submit-job with the job's own defaults."""
        return ",".join(f"{name}={value}" for name, value in sorted(job.parameters.items()))

    @property
    def priority_listing(self) -> str:
        """The scheduling priorities of the job definitions, for the README."""
        found = [f"`{job.name}` {job.scheduling_priority}" for job in self.spec.job_definitions
                 if job.scheduling_priority is not None]
        return f" ({', '.join(found)})" if found else ""

    @property
    def routed_jobs(self) -> list[JobDefinition]:
        """The job definitions whose spec names their queues."""
        return [job for job in self.spec.job_definitions if job.queues is not None]

    @property
    def routing_listing(self) -> str:
        """Which queues each job definition with `queues` goes to."""
        return "; ".join(
            f"`{job.name}` to " + " or ".join(f"`{queue}`" for queue in job.queues or ())
            for job in self.routed_jobs
        )

    @property
    def tfvars_example(self) -> str:
        """A .tfvars line doubling every compute environment's max_vcpus."""
        pairs = ", ".join(f"{hcl.key(name)} = {value * 2}" for name, value in self.max_vcpus.items())
        return f"max_vcpus = {{ {pairs} }}"

    def _updatable(self, ce: ComputeEnvironment) -> bool:
        role = None if self.spec.service_role == "service-linked" else "custom"
        return rules.updatable_in_place(role, ce.resolved_allocation_strategy)

    def _listing(self, environments: list[ComputeEnvironment]) -> str:
        return ", ".join(f"`{ce.name}`" for ce in environments)

    @property
    def image_change_note(self) -> str:
        """What a change of image type does to the EC2/SPOT compute environments."""
        ec2 = [ce for ce in self.spec.compute_environments if not ce.is_fargate]
        kinds = ", ".join(f"`{ce.name}` {ce.resolved_image_type}" for ce in ec2)
        return (f"Instances run AWS Batch's ECS-optimized AMI of their image type ({kinds}). "
                + self._update_or_replace("a new image_type", ec2))

    @property
    def launch_template_note(self) -> str:
        """What a change of a launch template does to its compute environment."""
        with_template = [ce for ce in self.spec.compute_environments if ce.launch_template]
        return (
            f"The compute environments {self._listing(with_template)} start their instances "
            "from a launch template that requires IMDSv2 tokens unless the spec says imdsv2 = "
            "false. A change to it (instance metadata, root volume, user data) is a new "
            "template version, and the compute environment follows `latest_version`, never "
            "`$Latest` (which AWS Batch reads once, at creation): "
            + self._update_or_replace("the new version", with_template)
        )

    def _update_or_replace(self, what: str, environments: list[ComputeEnvironment]) -> str:
        updated = [ce for ce in environments if self._updatable(ce)]
        replaced = [ce for ce in environments if not self._updatable(ce)]
        text = []
        if updated:
            text.append(
                f"{self._listing(updated)} take{'s' if len(updated) == 1 else ''} {what} in "
                "place, as an infrastructure update "
                "(the service-linked role and an updatable allocation strategy): AWS Batch "
                "replaces the instances as their jobs finish"
                + (" or their update_policy's time runs out"
                   if all(ce.update_policy for ce in updated) else "") + "."
            )
        if replaced:
            text.append(
                f"{self._listing(replaced)} {'is' if len(replaced) == 1 else 'are'} replaced "
                f"for {what}, new before old, as AWS updates no infrastructure in place "
                + ("with a service role of the stack's own." if self.spec.service_role == "custom"
                   else "under BEST_FIT.")
            )
        return " ".join(text)

    @property
    def gpu_jobs(self) -> list[str]:
        """The GPU job definitions, for the README."""
        return [f"`{job.name}`" for job in self.spec.job_definitions if job.gpus]

    @property
    def placement_group_environments(self) -> list[str]:
        """The compute environments with a placement group, for the README."""
        return [f"`{ce.name}`" for ce in self.spec.compute_environments if ce.placement_group]

    @property
    def efs_note(self) -> str:
        """How jobs reach their EFS file systems, and what the file systems must allow."""
        net = self.network
        reach = []
        if net.nfs_to_vpc:
            reach.append("NFS (TCP 2049) anywhere in the VPC, where the mount targets are")
        if net.nfs_security_groups:
            reach.append("NFS to the mount targets' security groups "
                         + ", ".join(f"`{group}`" for group in net.nfs_security_groups))
        if reach:
            text = f"Jobs mount EFS file systems: the compute security group may reach {' and '.join(reach)}."
        else:
            text = ("Jobs mount EFS file systems: the network's own security_group_ids must "
                    "allow NFS (TCP 2049) out to the mount targets.")
        text += (" The mount targets' security group must allow NFS in from compute (`terraform "
                 "output compute_security_group_ids`).")
        if self.features.job_efs_iam != "none":
            text += (" With IAM authorization the job role may mount (and, unless every mount "
                     "is read-only, write); a file system policy must not deny it.")
        return text

    @property
    def assign_public_ip(self) -> str:
        """Fargate's assignPublicIp: ENABLED only where subnets reach the internet directly."""
        if self.network.mode == "public":
            return "ENABLED"
        if self.network.mode == "existing" and self.spec.network.assign_public_ip:
            return "ENABLED"
        return "DISABLED"


# The root module calls one module per spec element, named by the element's kind and name
# (templates/root/main.tf.j2).
MODULE_CALL_PREFIXES = {
    "compute_environments": "compute_environment_",
    "job_queues": "job_queue_",
    "job_definitions": "job_definition_",
}


def module_calls(spec: Spec) -> dict[str, tuple[str, ...]]:
    """Each module call of the root module, with the spec field path of what it renders:
    "job_definition_big" -> ("job_definitions", "2")."""
    calls: dict[str, tuple[str, ...]] = {"network": ("network",)}
    for collection, prefix in MODULE_CALL_PREFIXES.items():
        for index, item in enumerate(getattr(spec, collection)):
            calls[prefix + item.name] = (collection, str(index))
    return calls


def plan_stack(spec: Spec) -> Stack:
    """Derive the module shapes and values from a spec."""
    ces = spec.compute_environments
    queues = spec.job_queues
    jobs = spec.job_definitions
    secret_arns = [arn for job in jobs for arn in job.secrets.values()]
    ec2 = [ce for ce in ces if ce.type not in FARGATE_FAMILY]
    custom_role = spec.service_role == "custom"
    features = Features(
        ce_ec2=usage([ce.type not in FARGATE_FAMILY for ce in ces]),
        ce_spot_bid=usage([ce.bid_percentage is not None for ce in ces]),
        ce_custom_service_role=custom_role,
        ce_updatable=usage([
            not custom_role and rules.is_updatable_allocation_strategy(ce.resolved_allocation_strategy)
            for ce in ec2
        ]),
        queue_fair_share=usage([queue.fair_share is not None for queue in queues]),
        queue_timeout=usage([queue.runnable_timeout_seconds is not None for queue in queues]),
        job_fargate=usage([job.platform == "FARGATE" for job in jobs]),
        job_secrets=usage([job.uses_secrets for job in jobs]),
        job_ssm=any(secrets.is_ssm(arn) for arn in secret_arns),
        job_secretsmanager=any(secrets.is_secrets_manager(arn) for arn in secret_arns),
        job_timeout=usage([job.timeout_seconds is not None for job in jobs]),
        job_policies=any(job.job_role_policy_arns for job in jobs),
        job_secrets_kms=spec.secrets_kms_key_arn is not None and bool(secret_arns),
        **_compute_features(spec),
        **_job_features(spec),
        iam_path=spec.iam.path != "/",
        iam_boundary=spec.iam.permissions_boundary_arn is not None,
        log_kms_key=spec.log_kms_key_arn is not None,
    )
    return Stack(spec=spec, features=features, network=_plan_network(spec))


def _compute_features(spec: Spec) -> dict[str, Usage]:
    ces = spec.compute_environments
    templates = [ce.launch_template for ce in ces if ce.launch_template is not None]
    return {
        "ce_image_id": usage([ce.image_id is not None for ce in ces]),
        "ce_launch_template": usage([ce.launch_template is not None for ce in ces]),
        "lt_root_volume": usage([lt.root_volume_gib is not None for lt in templates]),
        "lt_user_data": usage([lt.user_data is not None for lt in templates]),
        "ce_update_policy": usage([ce.update_policy is not None for ce in ces]),
        "ce_placement_group": usage([ce.placement_group is not None for ce in ces]),
        "ce_key_pair": usage([ce.ec2_key_pair is not None for ce in ces]),
    }


def _job_features(spec: Spec) -> dict[str, Usage]:
    jobs = spec.job_definitions
    flags = {
        "job_multinode": [job.is_multinode for job in jobs],
        "job_gpus": [job.gpus is not None for job in jobs],
        "job_runtime_platform": [
            job.platform == "FARGATE" and job.architecture is not None for job in jobs
        ],
        "job_ephemeral_storage": [job.ephemeral_storage_gib is not None for job in jobs],
        "job_efs": [bool(job.efs_volumes) for job in jobs],
        "job_efs_iam": [any(v.efs.iam for v in job.efs_volumes if v.efs) for job in jobs],
        "job_host_volumes": [any(v.host_path for v in job.volumes) for job in jobs],
        "job_evaluate_on_exit": [bool(job.retry and job.retry.rules) for job in jobs],
        "job_linux_parameters": [job.linux_parameters is not None for job in jobs],
        "job_ulimits": [bool(job.ulimits) for job in jobs],
        "job_user": [job.user is not None for job in jobs],
        "job_readonly_root": [job.readonly_root_filesystem for job in jobs],
        "job_privileged": [job.privileged for job in jobs],
        "job_parameters": [bool(job.parameters) for job in jobs],
        "job_propagate_tags": [job.propagate_tags for job in jobs],
        "job_scheduling_priority": [job.scheduling_priority is not None for job in jobs],
    }
    return {name: usage(values) for name, values in flags.items()}


def _security_group_prefix(spec: Spec) -> str:
    """How security group names start: with the stack name, but never with "sg-"."""
    if spec.name.startswith(names.SECURITY_GROUP_RESERVED_PREFIX):
        return "batch-${var.name}"
    return "${var.name}"


def _nfs(spec: Spec) -> dict[str, Any]:
    """Where compute needs NFS to: the VPC, and the mount targets' security groups named."""
    volumes = [v.efs for job in spec.job_definitions for v in job.efs_volumes if v.efs]
    creates_group = spec.network.mode != "existing" or not spec.network.security_group_ids
    return {
        "efs": bool(volumes),
        "nfs_to_vpc": creates_group and any(v.security_group_id is None for v in volumes),
        "nfs_security_groups": sorted({v.security_group_id for v in volumes
                                       if v.security_group_id and creates_group}),
    }


def _plan_network(spec: Spec) -> NetworkPlan:
    net = spec.network
    zone_names = None if isinstance(net.availability_zones, int) else list(net.availability_zones)
    if net.mode == "existing":
        return NetworkPlan(
            mode="existing",
            cidr=net.cidr,
            zone_names=zone_names,
            zone_count=net.zone_count,
            creates_security_group=not net.security_group_ids,
            security_group_prefix=_security_group_prefix(spec),
            **_nfs(spec),
        )
    # Subnets are carved out of the VPC in blocks of a sixteenth (a /20 of a /16).
    vpc = ipaddress.IPv4Network(net.cidr)
    blocks = [str(block) for block in vpc.subnets(new_prefix=min(vpc.prefixlen + 4, 28))]
    count = net.zone_count
    private = blocks[:count] if net.mode != "public" else []
    public = blocks[8 : 8 + count] if net.mode in ("public", "nat") else []
    interface: list[str] = []
    if net.mode == "endpoints":
        arns = [arn for job in spec.job_definitions for arn in job.secrets.values()]
        interface = endpoints.compute_interface_endpoints(
            secretsmanager=any(secrets.is_secrets_manager(arn) for arn in arns),
            ssm=any(secrets.is_ssm(arn) for arn in arns),
        )
    return NetworkPlan(
        mode=net.mode,
        cidr=net.cidr,
        zone_names=zone_names,
        zone_count=count,
        public_subnet_cidrs=public,
        private_subnet_cidrs=private,
        nat_per_az=net.mode == "nat" and net.nat_gateways == "per_az",
        interface_endpoints=interface,
        flow_logs=net.flow_logs,
        security_group_prefix=_security_group_prefix(spec),
        **_nfs(spec),
    )


# --------------------------------------------------------------------------------------------
# Templates
# --------------------------------------------------------------------------------------------


def templates_dir() -> Path:
    """The templates: inside the installed package, or at the top of a source checkout."""
    packaged = Path(str(resources.files("batchform"))) / "templates"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "templates"


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """The one template environment, with the filters that quote and lay out HCL."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir()),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    # No bytecode cache: jinja's is pickled, and a cache directory is no place to load code
    # from. Compiling every template costs about 0.05 s per process (see bench/run.py).
    env.filters.update(
        hcl=hcl.literal,
        key=hcl.key,
        quote=hcl.quote,
        object_lines=hcl.object_lines,
        list_lines=hcl.list_lines,
        value_lines=hcl.value_lines,
        ce_arn=lambda name: f"module.compute_environment_{name}.arn",
    )
    env.globals.update(
        required_terraform=REQUIRED_TERRAFORM,
        aws_provider=provider.VERSION_CONSTRAINT,
        aws_provider_source=provider.SOURCE,
        runnable_timeout_reasons=RUNNABLE_TIMEOUT_REASONS,
        root_device_name=launch_templates.ROOT_DEVICE_NAME,
        root_volume_type=launch_templates.ROOT_VOLUME_TYPE,
        operating_system_family=jobs.OPERATING_SYSTEM_FAMILY,
        all_nodes=jobs.ALL_NODES,
        nfs_port=efs.NFS_PORT,
        efs_client_mount=efs.CLIENT_MOUNT,
        efs_client_write=efs.CLIENT_WRITE,
        efs_file_system_arn=efs.file_system_arn(
            "${data.aws_partition.current.partition}", "${data.aws_region.current.region}",
            "${data.aws_caller_identity.current.account_id}", "${statement.key}",
        ),
    )
    return env


def render_template(name: str, **context: object) -> str:
    """Render one template; .tf output is laid out the way `terraform fmt` writes it."""
    text = environment().get_template(name).render(**context)
    if name.endswith(".tf.j2"):
        return hcl.tidy(hcl.align(text))
    return hcl.tidy(text, code=False)


def render_terraform(stack: Stack) -> dict[str, str]:
    """Render every .tf file of the stack, keyed by path relative to the output directory."""
    files: dict[str, str] = {}
    for name in ROOT_FILES:
        files[name] = render_template(
            _template("root", name), stack=stack, module=None,
            required_terraform=stack.root_required_terraform,
        )
    if stack.spec.backend is not None:
        files["backend.tf"] = render_template("root/backend.tf.j2", stack=stack, module=None)
    for module in MODULES:
        for name in MODULE_FILES:
            files[f"modules/{module}/{name}"] = render_template(
                _template(f"modules/{module}", name), stack=stack, module=module
            )
    return files


def render_support_files(stack: Stack) -> dict[str, str]:
    """The stack's files beside the Terraform: the .gitignore, and the user data archives the
    root module reads (written byte for byte)."""
    files = {".gitignore": render_template("root/gitignore.j2", stack=stack)}
    files.update(stack.user_data_files)
    return files


def _template(folder: str, name: str) -> str:
    # Every module pins the same Terraform and provider versions from one template.
    return "versions.tf.j2" if name == "versions.tf" else f"{folder}/{name}.j2"
