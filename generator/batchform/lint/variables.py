"""Root module variable values, gathered as Terraform gathers them.

Terraform takes them, later ones winning, from `terraform.tfvars`, `terraform.tfvars.json`, the
`*.auto.tfvars` and `*.auto.tfvars.json` files in lexical order of their names, then every
`-var-file` and `-var` in command-line order (developer.hashicorp.com/terraform/language/
values/variables, "Variable Definition Precedence"; TF_VAR_ environment variables, which come
first, are not read: lint does not depend on the environment). A `-var` value is a literal
string for a variable of a primitive type or none, and an HCL expression for any other type
(Terraform internal/configs/named_values.go, decodeVariableType).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from batchform.errors import HclParseError, UsageError
from batchform.hcl.loader import auto_tfvars_files
from batchform.hcl.syntax import Attribute, Expr, Literal, SourceFile, Traversal

_PRIMITIVE_TYPES = ("string", "number", "bool")


@dataclass(frozen=True)
class VarFile:
    """`--var-file PATH`: a .tfvars (HCL) or .tfvars.json file."""

    path: Path


@dataclass(frozen=True)
class VarValue:
    """`--var NAME=VALUE`, as written."""

    name: str
    text: str


Given = VarFile | VarValue


def parse_assignment(text: str) -> VarValue:
    """`NAME=VALUE` as one `--var` (UsageError without a name and `=`)."""
    name, equals, value = text.partition("=")
    if not equals or not name.strip():
        raise UsageError(f"--var {text!r}: expected NAME=VALUE, e.g. --var image_tag=1.4.2")
    return VarValue(name.strip(), value)


def check_given(given: Iterable[Given]) -> list[Given]:
    """The given values with every --var-file checked to be a readable file."""
    checked = list(given)
    for item in checked:
        if isinstance(item, VarFile) and not item.path.is_file():
            raise UsageError(f"--var-file {item.path}: no such file")
    return checked


ReadFile = Callable[[Path], dict[str, Attribute]]


def root_values(
    directory: Path,
    files: Sequence[SourceFile],
    given: Sequence[Given],
    read_file: ReadFile,
) -> dict[str, Attribute]:
    """Every value of a root module's variables, later sources winning; `files` are its parsed
    .tf files (for the declared types), `read_file` reads one tfvars file (errors recorded)."""
    values: dict[str, Attribute] = {}
    for path in auto_tfvars_files(directory):
        values.update(read_file(path))
    types = _declared_types(files)
    for item in given:
        if isinstance(item, VarFile):
            values.update(read_file(item.path))
        else:
            values[item.name] = _assignment(item, types.get(item.name))
    return values


def _declared_types(files: Sequence[SourceFile]) -> dict[str, Expr | None]:
    types: dict[str, Expr | None] = {}
    for source in files:
        for block in source.blocks:
            if block.type == "variable" and block.labels:
                declared = block.attributes.get("type")
                types[block.labels[0]] = declared.expr if declared is not None else None
    return types


def _assignment(item: VarValue, declared: Expr | None) -> Attribute:
    if declared is None or _primitive(declared):
        return Attribute(item.name, Literal(item.text, 0), 0)
    from batchform.hcl.parser import parse_tfvars

    where = f"--var {item.name}"
    try:
        parsed = parse_tfvars(f"{item.name} = {item.text}\n", where)
    except HclParseError as error:
        raise UsageError(f"{where}: not a valid value for its type: {error.detail}") from None
    attribute = parsed.get(item.name)
    if attribute is None:
        raise UsageError(f"{where}: not a valid value for its type")
    return attribute


def _primitive(declared: Expr) -> bool:
    return isinstance(declared, Traversal) and not declared.steps and declared.root in (
        _PRIMITIVE_TYPES
    )
