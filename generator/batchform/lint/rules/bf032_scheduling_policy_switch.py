"""BF032: a job queue's scheduling policy must not come and go with a condition."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from batchform.aws import rules
from batchform.hcl.syntax import Conditional, Expr, Literal, Traversal, expression_text
from batchform.lint.knowledge.batch import QUEUE_TYPE
from batchform.lint.model import Configuration, ResourceInstance
from batchform.lint.rules.rule import Hit, Rule, hit

POLICY_TYPE = "aws_batch_scheduling_policy"
_ARGUMENT = "scheduling_policy_arn"


def check(configuration: Configuration) -> Iterator[Hit]:
    """Queues (as written) whose scheduling_policy_arn is null under some condition and not
    under another, and which nothing replaces when it switches."""
    for queue in configuration.declared(QUEUE_TYPE):
        if not queue.has(_ARGUMENT) or _replaced_on_change(queue):
            continue
        reason = _switch(configuration, queue, queue.expressions(_ARGUMENT))
        if reason is not None:
            yield hit(
                queue,
                f"scheduling_policy_arn {reason}; {_REFUSED}, and the provider updates the "
                "queue in place, so the apply that switches it fails",
                attribute=_ARGUMENT,
            )


_REFUSED = (
    "AWS cannot give a queue created without a fair-share scheduling policy one, nor take a "
    "queue's policy away"
)


def _replaced_on_change(queue: ResourceInstance) -> bool:
    """Whether the queue's lifecycle replaces it when something else changes."""
    return any(
        block.type == "lifecycle" and block.body is not None
        and block.body.has("replace_triggered_by")
        for block in queue.blocks()
    )


def _switch(
    configuration: Configuration, queue: ResourceInstance, expressions: Sequence[Expr]
) -> str | None:
    """How the argument can be null one time and a policy another, in words; None if it cannot."""
    for expr in expressions:
        if isinstance(expr, Conditional) and _one_branch_null(expr):
            return f"is null on one side of `{expression_text(expr)}`"
    for expr in expressions:
        if isinstance(expr, Traversal) and expr.root == POLICY_TYPE and expr.steps:
            policy = _declared_policy(configuration, queue, expr.steps[0].name)
            if policy is None:
                continue
            counted = _switching_count(queue, policy)
            if counted is not None:
                return f"refers to {policy.address}, whose {counted}"
    origin = queue.origin(_ARGUMENT)
    variables = [
        expr for expr in expressions if isinstance(expr, Traversal) and expr.root == "var"
    ]
    if isinstance(origin, Literal) and origin.value is None and variables:
        return (
            f"comes from {variables[0].dotted()}, which is null by default (giving it a value "
            "later adds a policy)"
        )
    return None


def _one_branch_null(expr: Conditional) -> bool:
    nulls = [
        isinstance(branch, Literal) and branch.value is None
        for branch in (expr.if_true, expr.if_false)
    ]
    return nulls.count(True) == 1


def _declared_policy(
    configuration: Configuration, queue: ResourceInstance, name: str
) -> ResourceInstance | None:
    """The scheduling policy block a reference names: the one in the queue's module first."""
    local = f"{POLICY_TYPE}.{name}"
    module = _module_of(queue)
    found = [p for p in configuration.declared(POLICY_TYPE) if p.address.endswith(local)]
    same = [policy for policy in found if _module_of(policy) == module]
    candidates = same or found
    return candidates[0] if candidates else None


def _module_of(instance: ResourceInstance) -> str:
    return instance.address.rsplit(".", 2)[0] if instance.address.count(".") > 1 else ""


def _switching_count(queue: ResourceInstance, policy: ResourceInstance) -> str | None:
    """`count = ...` or `for_each = ...` of the policy when it can change and the queue does
    not follow it (a queue created and destroyed with its policy is never switched)."""
    for meta in ("count", "for_each"):
        if not policy.has(meta):
            continue
        feeding = policy.expressions(meta)
        if not any(isinstance(expr, (Traversal, Conditional)) for expr in feeding):
            return None
        written = policy.origin(meta)
        same = queue.origin(meta)
        if written is not None and same is not None and (
            expression_text(written) == expression_text(same)
        ):
            return None
        shown = expression_text(written) if written is not None else "..."
        return f"{meta} = {shown} can make it absent"
    return None


RULE = Rule(
    code="BF032",
    severity="error",
    title="job queue whose scheduling policy is added or removed by a condition",
    explanation=f"""
{rules.SCHEDULING_POLICY_FIXED.summary} ({rules.SCHEDULING_POLICY_FIXED.source}.) The
provider does not replace a queue when scheduling_policy_arn changes (only name forces a new
queue: data/force_new.json, from job_queue.go): it asks AWS to update the queue, and AWS
refuses. A scheduling_policy_arn that a condition, a counted policy or a
variable defaulting to null makes null for some inputs and an ARN for others fails the first
apply that switches it.
""",
    fix="replace the queue when the policy comes or goes: lifecycle { replace_triggered_by = "
    "[terraform_data.scheduling] } with a terraform_data whose input is the condition; or keep "
    "first-in-first-out and fair-share queues apart, each with a fixed policy",
    check=check,
)
