"""BF030: a SPOT compute environment with BEST_FIT (or no strategy) needs a Spot Fleet role."""

from __future__ import annotations

from collections.abc import Iterator

from batchform.aws import rules
from batchform.lint.knowledge.batch import environments, resources_block
from batchform.lint.model import Configuration
from batchform.lint.model.values import Unknown
from batchform.lint.rules.rule import Hit, Rule, hit


def check(configuration: Configuration) -> Iterator[Hit]:
    """SPOT compute environments whose strategy needs spot_iam_fleet_role and that have none."""
    for ce in environments(configuration):
        resources = resources_block(ce)
        if resources is None:
            continue
        kind, strategy = resources.get("type"), resources.get("allocation_strategy")
        if not isinstance(kind, str) or (strategy is not None and not isinstance(strategy, str)):
            continue
        if not rules.needs_spot_fleet_role(kind, strategy):
            continue
        role = resources.get("spot_iam_fleet_role")
        if isinstance(role, Unknown) or role not in (None, ""):
            continue
        strategy_text = f"allocation_strategy {strategy}" if strategy else (
            "no allocation_strategy (the API takes BEST_FIT)"
        )
        yield hit(
            ce,
            f"SPOT compute environment with {strategy_text} and no spot_iam_fleet_role: "
            "CreateComputeEnvironment refuses it",
            at=resources,
            attribute="allocation_strategy" if strategy else "type",
        )


RULE = Rule(
    code="BF030",
    severity="error",
    title="SPOT with BEST_FIT (or no allocation strategy) and no Spot Fleet role",
    explanation=f"""
{rules.SPOT_FLEET_ROLE.summary} ({rules.SPOT_FLEET_ROLE.source}.) Terraform accepts the
configuration; AWS refuses to create the compute environment when apply has begun. BEST_FIT is
also the strategy an environment gets when none is given, and one AWS never updates in place.
""",
    fix="use allocation_strategy = \"SPOT_PRICE_CAPACITY_OPTIMIZED\" (no fleet role needed, and "
    "the environment updates in place), or set spot_iam_fleet_role to a role trusted by "
    f"{rules.SPOT_FLEET_PRINCIPAL} with {rules.SPOT_FLEET_POLICY}",
    check=check,
)
