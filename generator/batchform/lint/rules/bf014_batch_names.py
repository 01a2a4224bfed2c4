"""BF014: Batch names take letters, digits, hyphens and underscores, 1 to 128 of them."""

from __future__ import annotations

from collections.abc import Iterator

from batchform.aws import names
from batchform.aws.provider import NAME_GENERATED_WHEN_EMPTY
from batchform.lint.model import Configuration, ResourceInstance
from batchform.lint.model.values import Partial
from batchform.lint.rules.rule import Hit, Rule, hit

_NAMED = {
    "aws_batch_compute_environment": (
        "name",
        "name_prefix",
        "compute_environment_name",
        "compute_environment_name_prefix",
    ),
    "aws_batch_job_queue": ("name",),
    "aws_batch_job_definition": ("name",),
    "aws_batch_scheduling_policy": ("name",),
}
_BAD = names.BATCH_NAME_INVALID_CHARACTER
_PREFIX_MAX = names.BATCH_NAME_PREFIX_MAX_LENGTH


def check(configuration: Configuration) -> Iterator[Hit]:
    """Names (and name prefixes) with invalid characters or of the wrong length."""
    for resource_type, arguments in _NAMED.items():
        for instance in configuration.instances(resource_type):
            for argument in arguments:
                if instance.has(argument):
                    yield from _check_name(instance, argument)


def _check_name(instance: ResourceInstance, argument: str) -> Iterator[Hit]:
    value = instance.get(argument)
    limit = _PREFIX_MAX if argument.endswith("prefix") else names.BATCH_NAME_MAX_LENGTH
    if isinstance(value, str):
        text, complete = value, True
    elif isinstance(value, Partial):
        text, complete = value.known_text(), False
    else:
        return
    bad = sorted(set(_BAD.findall(text)))
    if bad:
        shown = ", ".join(repr(char) for char in bad)
        yield hit(instance, f"{argument} {_show(value)} contains {shown}", attribute=argument)
    elif len(text) > limit or (complete and not text and not _generated(instance, argument)):
        yield hit(
            instance,
            f"{argument} is {len(text)} characters; 1 to {limit} allowed",
            attribute=argument,
        )


def _generated(instance: ResourceInstance, argument: str) -> bool:
    """An empty name the provider replaces with a generated one (it is as good as unset)."""
    return (instance.type, argument) in NAME_GENERATED_WHEN_EMPTY


def _show(value: object) -> str:
    return repr(value) if isinstance(value, str) else f'"{value!r}"'


RULE = Rule(
    code="BF014",
    severity="error",
    title="Batch name with invalid characters or too long",
    explanation="""
Names of compute environments, job queues, job definitions and scheduling policies may hold
only letters, digits, hyphens and underscores, 1 to 128 characters (a name_prefix at most 102,
as the provider appends 26). AWS rejects anything else at apply time. An empty name or prefix
of a compute environment is as good as none: the provider generates one.
""",
    fix="use only A-Z, a-z, 0-9, '-' and '_' (replace spaces with '-')",
    check=check,
)
