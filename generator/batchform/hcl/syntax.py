"""The Terraform syntax tree: blocks, attributes and expressions, each with its line and column.

Lines and columns count from 1; a column counts characters, as Terraform's messages do.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Literal:
    """A number, string without interpolation, bool or null."""

    value: str | int | float | bool | None
    line: int
    column: int = 0


@dataclass(frozen=True)
class Template:
    """A quoted string or heredoc: literal text and `${...}` parts; `directive` marks `%{...}`."""

    parts: tuple[str | Expr, ...]
    line: int
    heredoc: bool = False
    directive: bool = False
    column: int = 0


@dataclass(frozen=True)
class TupleExpr:
    """`[a, b, ...]`."""

    items: tuple[Expr, ...]
    line: int
    column: int = 0


@dataclass(frozen=True)
class ObjectExpr:
    """`{ key = value, ... }`; a bare identifier key is stored as a string Literal."""

    items: tuple[tuple[Expr, Expr], ...]
    line: int
    column: int = 0


@dataclass(frozen=True)
class Step:
    """One traversal step: `.name` (kind "attr"), `[expr]` (kind "index"), or a splat `[*]`."""

    kind: str
    name: str = ""
    index: Expr | None = None
    line: int = 0
    column: int = 0


@dataclass(frozen=True)
class Traversal:
    """A reference such as `var.x`, `aws_iam_role.this.arn`, `local.m["k"][0]`, `x[*].id`."""

    root: str
    steps: tuple[Step, ...]
    line: int
    source: Expr | None = None
    column: int = 0

    def dotted(self) -> str:
        """The reference as written, with indexes rendered only when literal."""
        text = self.root
        for step in self.steps:
            if step.kind == "attr":
                text += f".{step.name}"
            elif step.kind == "splat":
                text += "[*]"
            elif isinstance(step.index, Literal):
                text += f"[{step.index.value!r}]".replace("'", '"')
            else:
                text += "[?]"
        return text


@dataclass(frozen=True)
class Call:
    """A function call; `expand` is True for `f(list...)`."""

    name: str
    args: tuple[Expr, ...]
    line: int
    expand: bool = False
    column: int = 0


@dataclass(frozen=True)
class Operation:
    """A unary (`-x`, `!x`) or binary operation."""

    op: str
    operands: tuple[Expr, ...]
    line: int
    column: int = 0


@dataclass(frozen=True)
class Conditional:
    """`cond ? a : b`."""

    condition: Expr
    if_true: Expr
    if_false: Expr
    line: int
    column: int = 0


@dataclass(frozen=True)
class ForExpr:
    """`[for k, v in coll : value if cond]` or `{for k, v in coll : key => value}`."""

    key_var: str | None
    value_var: str
    collection: Expr
    key: Expr | None
    value: Expr
    condition: Expr | None
    grouping: bool
    line: int
    column: int = 0


Expr = (
    Literal
    | Template
    | TupleExpr
    | ObjectExpr
    | Traversal
    | Call
    | Operation
    | Conditional
    | ForExpr
)


@dataclass(frozen=True)
class Attribute:
    """`name = expr` inside a body."""

    name: str
    expr: Expr
    line: int
    column: int = 0


@dataclass
class Block:
    """`type "label" ... { body }` with the lines it spans."""

    type: str
    labels: tuple[str, ...]
    attributes: dict[str, Attribute]
    blocks: list[Block]
    line: int
    end_line: int
    file: str = ""
    column: int = 0

    def blocks_of(self, block_type: str) -> list[Block]:
        """The nested blocks of one type, in order."""
        return [block for block in self.blocks if block.type == block_type]

    def first(self, block_type: str) -> Block | None:
        """The first nested block of one type, if any."""
        found = self.blocks_of(block_type)
        return found[0] if found else None


@dataclass
class SourceFile:
    """One parsed .tf file: its top-level blocks and its `# batchform:ignore` comments."""

    path: str
    blocks: list[Block]
    ignores: list[tuple[int, str]] = field(default_factory=list)


def walk(expr: Expr) -> list[Expr]:
    """Every expression inside `expr`, itself included, depth first."""
    found: list[Expr] = []
    stack: list[Expr] = [expr]
    while stack:
        current = stack.pop()
        found.append(current)
        stack.extend(children(current))
    return found


def children(expr: Expr) -> list[Expr]:
    """The direct sub-expressions of one expression."""
    if isinstance(expr, Template):
        return [part for part in expr.parts if not isinstance(part, str)]
    if isinstance(expr, TupleExpr):
        return list(expr.items)
    if isinstance(expr, ObjectExpr):
        return [item for pair in expr.items for item in pair]
    if isinstance(expr, Traversal):
        nested = [step.index for step in expr.steps if step.index is not None]
        return nested + ([expr.source] if expr.source is not None else [])
    if isinstance(expr, Call):
        return list(expr.args)
    if isinstance(expr, Operation):
        return list(expr.operands)
    if isinstance(expr, Conditional):
        return [expr.condition, expr.if_true, expr.if_false]
    if isinstance(expr, ForExpr):
        parts = [expr.collection, expr.value]
        return parts + [part for part in (expr.key, expr.condition) if part is not None]
    return []


def expression_text(expr: Expr) -> str:
    """An expression on one line, the way python-hcl2 writes one back: `object({a = string,
    b = optional(number, 2)})`; strings quoted, templates and heredocs as quoted strings."""
    if isinstance(expr, Literal):
        return _literal_text(expr.value)
    if isinstance(expr, Template):
        return '"' + "".join(
            _escape_text(part) if isinstance(part, str) else "${" + expression_text(part) + "}"
            for part in expr.parts
        ) + '"'
    if isinstance(expr, TupleExpr):
        return "[" + ", ".join(expression_text(item) for item in expr.items) + "]"
    if isinstance(expr, ObjectExpr):
        return "{" + ", ".join(
            f"{_key_text(key)} = {expression_text(value)}" for key, value in expr.items
        ) + "}"
    if isinstance(expr, Traversal):
        base = expr.root if expr.source is None else f"({expression_text(expr.source)})"
        return base + Traversal("", expr.steps, expr.line).dotted()
    if isinstance(expr, Call):
        arguments = ", ".join(expression_text(arg) for arg in expr.args)
        return f"{expr.name}({arguments}{'...' if expr.expand else ''})"
    if isinstance(expr, Operation):
        if len(expr.operands) == 1:
            return expr.op + expression_text(expr.operands[0])
        return f" {expr.op} ".join(expression_text(operand) for operand in expr.operands)
    if isinstance(expr, Conditional):
        return (f"{expression_text(expr.condition)} ? {expression_text(expr.if_true)} : "
                f"{expression_text(expr.if_false)}")
    return _for_text(expr)


def _for_text(expr: ForExpr) -> str:
    names = f"{expr.key_var}, {expr.value_var}" if expr.key_var else expr.value_var
    head = f"for {names} in {expression_text(expr.collection)} : "
    condition = f" if {expression_text(expr.condition)}" if expr.condition is not None else ""
    if expr.key is None:
        return f"[{head}{expression_text(expr.value)}{condition}]"
    grouping = "..." if expr.grouping else ""
    return (f"{{{head}{expression_text(expr.key)} => {expression_text(expr.value)}{grouping}"
            f"{condition}}}")


def _literal_text(value: str | int | float | bool | None) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + _escape_text(value) + '"'
    return repr(value)


def _key_text(key: Expr) -> str:
    if isinstance(key, Literal) and isinstance(key.value, str):
        return key.value
    return expression_text(key)


def _escape_text(text: str) -> str:
    return (text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
            .replace("${", "$${").replace("%{", "%%{"))
