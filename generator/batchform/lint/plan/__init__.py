"""The resource model from a saved plan: `terraform show -json PLANFILE`, read by the same rules.

A plan has every value the configuration resolves to, through registry and git modules too:
`resource_changes` give each instance's planned values (`after`, with `after_unknown` marking
what the provider computes at apply time) and `prior_state` the data sources read while
planning; the `configuration` section gives, per module, what each argument is written from
(`references`, `constant_value`), `depends_on`, module calls with their `source`, and outputs.

What a plan does not hold, the adapter says it does not know (the rules then say nothing):
file names and lines (a finding names the module's source path and the resource address),
`lifecycle` settings (create_before_destroy is known only for a planned replacement), locals,
and how a value is written (function calls, heredocs). A value the provider computes is a
reference to the instance it comes from when the configuration's references say which one.

`read_plan` checks the document; `PlanConfiguration` is the `Configuration` over it.
"""

from __future__ import annotations

from batchform.lint.plan.configuration import PlanConfiguration, read_plan

__all__ = ["PlanConfiguration", "read_plan"]
