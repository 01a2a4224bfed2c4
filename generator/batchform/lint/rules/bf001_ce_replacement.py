"""BF001: a compute environment a job queue uses must be replaceable."""

from __future__ import annotations

from collections.abc import Iterator

from batchform.hcl.syntax import Call, Traversal
from batchform.lint.knowledge.batch import ce_name_fixed, queued_environments
from batchform.lint.model import Configuration, ResourceInstance
from batchform.lint.rules.rule import Hit, Rule, hit

# Functions whose result differs on every run: a name built from one is never fixed.
_RANDOM_FUNCTIONS = ("uuid", "timestamp")


def check(configuration: Configuration) -> Iterator[Hit]:
    """Queued CEs without create_before_destroy, or with a fixed name: one hit per CE, naming
    every fix it needs."""
    for ce in queued_environments(configuration):
        no_cbd = ce.lifecycle().create_before_destroy is False
        fixed = ce_name_fixed(ce)
        if fixed is not None and _randomised(ce, fixed):
            fixed = None
        if no_cbd and fixed is not None:
            yield hit(
                ce,
                "compute environment used by a job queue has no "
                f"lifecycle {{ create_before_destroy = true }} and a fixed `{fixed}`: replacing "
                "it fails while the queue holds it, and with create_before_destroy alone the "
                "new one could not be created next to the old; add create_before_destroy and "
                f"use `{_prefix_of(fixed)}`",
            )
        elif no_cbd:
            yield hit(
                ce,
                "compute environment used by a job queue has no "
                "lifecycle { create_before_destroy = true }: replacing it fails while the "
                "queue holds it",
            )
        elif fixed is not None:
            yield hit(
                ce,
                f"compute environment used by a job queue has a fixed `{fixed}`: a "
                "replacement cannot be created while the old one exists; use "
                f"`{_prefix_of(fixed)}` instead",
                attribute=fixed,
            )


def _prefix_of(argument: str) -> str:
    """The prefix argument that replaces a fixed name argument."""
    return f"{argument}_prefix"


def _randomised(ce: ResourceInstance, argument: str) -> bool:
    """True when the name is built from a random_* resource, uuid() or timestamp()."""
    for node in ce.expressions(argument):
        if isinstance(node, Traversal) and node.root.startswith("random_"):
            return True
        if isinstance(node, Call) and node.name in _RANDOM_FUNCTIONS:
            return True
    return False


RULE = Rule(
    code="BF001",
    severity="error",
    title="compute environment in a queue cannot be replaced",
    explanation="""
Changing almost anything in compute_resources (instance types, subnets, security groups, the
instance role, the AMI, tags) replaces the compute environment. Terraform destroys first by
default, but AWS refuses to delete a compute environment a job queue still uses ("Cannot
delete, found existing JobQueue relationship"). With create_before_destroy but a fixed name,
the new environment cannot be created next to the old one (409 "Object already exists").
""",
    fix="add `lifecycle { create_before_destroy = true }` and use `name_prefix` instead of `name`",
    check=check,
)
