"""BF037: references to resources, data sources, variables, locals and module outputs that are
declared nowhere, as `terraform validate` reports them."""

from __future__ import annotations

from collections.abc import Iterator

from batchform.lint.model import Configuration, UndeclaredReference
from batchform.lint.rules.rule import Hit, Rule

# Terraform's summary of each kind of undeclared reference.
_SUMMARY = {
    "resource": "Reference to undeclared resource",
    "data": "Reference to undeclared resource",
    "variable": "Reference to undeclared input variable",
    "local": "Reference to undeclared local value",
    "module": "Reference to undeclared module",
    "output": "Unsupported attribute",
}


def check(configuration: Configuration) -> Iterator[Hit]:
    """One hit per reference, where it is written."""
    for reference in configuration.undeclared_references():
        yield Hit(reference.file, reference.line, reference.address, _message(reference))


def _message(reference: UndeclaredReference) -> str:
    if reference.kind == "output":
        call, output = reference.name.rsplit(".", 1)
        detail = f"{call} has no output named {output!r}"
    else:
        detail = f"{reference.name} is not declared in this module"
    hint = f"; did you mean {reference.suggestion}?" if reference.suggestion else ""
    return f"{_SUMMARY[reference.kind]}: {detail}{hint}"


RULE = Rule(
    code="BF037",
    severity="error",
    title="reference to something declared nowhere",
    explanation="""
The expression refers to a resource, data source, input variable, local value, module call or
module output that its module does not declare: a typo, a block renamed or deleted, or a
variable never added. terraform validate (and every plan) fails with "Reference to undeclared
..." before anything else is checked. Outputs are checked for local modules whose files were
read.
""",
    fix="declare what is referred to, or correct the reference (see the did-you-mean)",
    check=check,
)
