"""Rendering: a validated spec in, the text of every file of the stack out."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Literal

import jinja2

from batchform import hcl
from batchform.aws import endpoints, names, provider, rules, secrets
from batchform.spec import FARGATE_FAMILY, Spec

MODULES = ("network", "compute_environment", "job_queue", "job_definition")
# One template per output file of each module; the module's README is derived afterwards.
MODULE_FILES = ("main.tf", "variables.tf", "outputs.tf", "versions.tf")
ROOT_FILES = ("main.tf", "versions.tf", "outputs.tf")
REQUIRED_TERRAFORM = ">= 1.5.0"
# Cancel jobs stuck RUNNABLE for these reasons (AWS Batch JobStateTimeLimitAction.reason).
RUNNABLE_TIMEOUT_REASONS = (
    "CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY",
    "MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE",
    "MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT",
)

Usage = Literal["none", "some", "all"]


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

    @property
    def job_execution_role(self) -> bool:
        """Fargate jobs and jobs with secrets need an execution role; the module gives it to all."""
        return self.job_fargate != "none" or self.job_secrets != "none"


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
    )
    return Stack(spec=spec, features=features, network=_plan_network(spec))


def _security_group_prefix(spec: Spec) -> str:
    """How security group names start: with the stack name, but never with "sg-"."""
    if spec.name.startswith(names.SECURITY_GROUP_RESERVED_PREFIX):
        return "batch-${var.name}"
    return "${var.name}"


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
        ce_arn=lambda name: f"module.compute_environment_{name}.arn",
    )
    env.globals.update(
        required_terraform=REQUIRED_TERRAFORM,
        aws_provider=provider.VERSION_CONSTRAINT,
        aws_provider_source=provider.SOURCE,
        runnable_timeout_reasons=RUNNABLE_TIMEOUT_REASONS,
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
        files[name] = render_template(_template("root", name), stack=stack)
    for module in MODULES:
        for name in MODULE_FILES:
            files[f"modules/{module}/{name}"] = render_template(
                _template(f"modules/{module}", name), stack=stack
            )
    return files


def _template(folder: str, name: str) -> str:
    # Every module pins the same Terraform and provider versions from one template.
    return "versions.tf.j2" if name == "versions.tf" else f"{folder}/{name}.j2"
