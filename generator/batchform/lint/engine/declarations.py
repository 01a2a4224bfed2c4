"""References to what a module does not declare, found the way `terraform validate` finds them.

Each module directory is read once, whatever number of times it is called: the names a
module declares do not depend on its instance. Inside a block, the names Terraform binds there
(`count`, `each`, `self`, a `for` expression's variables, a `dynamic` block's iterator) are
not references; `ignore_changes` lists attribute names, and `providers`, `provider`, `source`
and a variable's `type` hold no references at all.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from batchform.hcl.syntax import Block, Expr, ForExpr, Traversal, children
from batchform.lint.engine.modules import ModuleInstance
from batchform.lint.model import UndeclaredReference

# Names Terraform gives a meaning of their own wherever they appear.
_BUILT_IN = frozenset({"count", "each", "self", "path", "terraform"})
# Arguments of top-level blocks that take provider names, module sources or types rather than
# expressions.
_NOT_EXPRESSIONS = {
    "module": frozenset({"source", "version", "providers"}),
    "resource": frozenset({"provider"}),
    "data": frozenset({"provider"}),
    "variable": frozenset({"type"}),
}
# Blocks whose contents are addresses or settings, not expressions of the module.
_SKIPPED_BLOCKS = frozenset({"terraform", "moved", "removed", "import"})


@dataclass(frozen=True)
class _Written:
    """An expression as written in a block, and the names bound around it."""

    expr: Expr
    bound: frozenset[str]
    address: str


def undeclared_references(
    modules: Iterable[ModuleInstance], unparsed: Collection[Path] = ()
) -> list[UndeclaredReference]:
    """Every reference in the modules' files to an undeclared name, once per module directory;
    none in a directory with a file that could not be parsed (it may declare the name)."""
    found: list[UndeclaredReference] = []
    seen: set[Path] = set(unparsed)
    for module in modules:
        if module.directory in seen:
            continue
        seen.add(module.directory)
        found.extend(_module_references(module, unparsed))
    return found


def _module_references(
    module: ModuleInstance, unparsed: Collection[Path]
) -> Iterator[UndeclaredReference]:
    declared = _Declared(module, unparsed)
    for source in module.files:
        for block in source.blocks:
            if block.type in _SKIPPED_BLOCKS:
                continue
            scoped = _check_scoped_data(block) if block.type == "check" else frozenset()
            for written in _top_level(block, module):
                yield from declared.problems(written, block.file, scoped)


def _top_level(block: Block, module: ModuleInstance) -> Iterator[_Written]:
    prefix = f"{module.address}." if module.address else ""
    if block.type == "locals":
        for name, attribute in block.attributes.items():
            yield _Written(attribute.expr, frozenset(), f"{prefix}local.{name}")
        return
    address = prefix + _local_address(block)
    skipped = _NOT_EXPRESSIONS.get(block.type, frozenset())
    for name, attribute in block.attributes.items():
        if name not in skipped:
            yield _Written(attribute.expr, frozenset(), address)
    for child in block.blocks:
        yield from _nested(child, address, frozenset())


def _local_address(block: Block) -> str:
    """The block's address in its module: aws_x.y, data.aws_x.y, module.m, var.v, output.o."""
    if block.type == "resource" and len(block.labels) == 2:
        return ".".join(block.labels)
    if block.type == "data" and len(block.labels) == 2:
        return "data." + ".".join(block.labels)
    if block.type in ("module", "output", "variable", "provider", "check") and block.labels:
        return f"{'var' if block.type == 'variable' else block.type}.{block.labels[0]}"
    return block.type


def _check_scoped_data(block: Block) -> frozenset[str]:
    """The data sources a `check` block declares for its own assertions."""
    return frozenset(
        f"{child.labels[0]}.{child.labels[1]}"
        for child in block.blocks_of("data")
        if len(child.labels) == 2
    )


def _nested(block: Block, address: str, bound: frozenset[str]) -> Iterator[_Written]:
    """Every expression of a nested block and the blocks inside it, with the names bound there:
    a `dynamic` block binds its iterator in its content; `ignore_changes` names attributes."""
    inner = bound
    skipped: frozenset[str] = frozenset()
    if block.type == "dynamic" and block.labels:
        named = block.attributes.get("iterator")
        iterator = named.expr.root if named and isinstance(named.expr, Traversal) else None
        inner = bound | {iterator or block.labels[0]}
        skipped = frozenset({"iterator"})
    elif block.type == "lifecycle":
        skipped = frozenset({"ignore_changes"})
    for name, attribute in block.attributes.items():
        if name not in skipped:
            yield _Written(attribute.expr, bound, address)
    for child in block.blocks:
        yield from _nested(child, address, inner)


class _Declared:
    """What one module declares, and the references to anything else."""

    def __init__(self, module: ModuleInstance, unparsed: Collection[Path]) -> None:
        self.module = module
        self.unparsed = unparsed
        self.resources = {
            f"{kind}.{name}" if mode == "resource" else f"data.{kind}.{name}"
            for mode, kind, name in module.resources
        }

    def problems(
        self, written: _Written, file: str, scoped: frozenset[str]
    ) -> Iterator[UndeclaredReference]:
        for traversal, bound in _traversals(written.expr, written.bound):
            if traversal.root in bound or traversal.root in _BUILT_IN:
                continue
            problem = self._problem(traversal, scoped)
            if problem is not None:
                kind, name, known = problem
                close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.6)
                yield UndeclaredReference(
                    file, traversal.line, traversal.column, written.address, kind, name,
                    close[0] if close else None,
                )

    def _problem(
        self, traversal: Traversal, scoped: frozenset[str]
    ) -> tuple[str, str, Iterable[str]] | None:
        steps = traversal.steps
        names = [step.name if step.kind == "attr" else None for step in steps]
        root = traversal.root
        if root == "resource" and names and names[0] is not None:
            # `resource.TYPE.NAME`: the prefix Terraform accepts before a managed resource.
            root, names = names[0], names[1:]
        if not names or names[0] is None:
            return None
        if root == "var" and names[0] not in self.module.variables:
            return "variable", f"var.{names[0]}", (f"var.{n}" for n in self.module.variables)
        if root == "local" and names[0] not in self.module.locals:
            return "local", f"local.{names[0]}", (f"local.{n}" for n in self.module.locals)
        if root == "module":
            return self._module_problem(names)
        if root == "data":
            return self._data_problem(names, scoped)
        if root in ("var", "local"):
            return None
        name = f"{root}.{names[0]}"
        if name in self.resources:
            return None
        return "resource", name, (item for item in self.resources if not item.startswith("data."))

    def _module_problem(self, names: list[str | None]) -> tuple[str, str, Iterable[str]] | None:
        call = names[0]
        calls = self.module.calls
        if call not in calls:
            return "module", f"module.{call}", (f"module.{n}" for n in calls)
        # module.m[0].out reads like module.m.out.
        rest = names[2:] if names[1:2] == [None] else names[1:]
        output = rest[0] if rest else None
        child = self.module.child(call)
        if child is None or output is None or output in child.outputs:
            return None
        if child.directory in self.unparsed:
            return None
        return "output", f"module.{call}.{output}", (f"module.{call}.{n}" for n in child.outputs)

    def _data_problem(
        self, names: list[str | None], scoped: frozenset[str]
    ) -> tuple[str, str, Iterable[str]] | None:
        if len(names) < 2 or names[1] is None:
            return None
        name = f"data.{names[0]}.{names[1]}"
        if name in self.resources or name.removeprefix("data.") in scoped:
            return None
        return "data", name, (item for item in self.resources if item.startswith("data."))


def _traversals(expr: Expr, bound: frozenset[str]) -> Iterator[tuple[Traversal, frozenset[str]]]:
    """Every reference inside an expression, with the names bound where it stands."""
    pending: list[tuple[Expr, frozenset[str]]] = [(expr, bound)]
    while pending:
        current, names = pending.pop()
        if isinstance(current, Traversal) and current.source is None:
            yield current, names
        if isinstance(current, ForExpr):
            inner = names | {current.value_var} | ({current.key_var} if current.key_var else set())
            pending.append((current.collection, names))
            pending.extend(
                (part, inner)
                for part in (current.key, current.value, current.condition)
                if part is not None
            )
            continue
        pending.extend((child, names) for child in children(current))
