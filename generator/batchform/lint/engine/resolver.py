"""Evaluate Terraform expressions statically across files and local modules.

Known values come out as Python data. Anything that depends on the cloud or on an input without
a default is `Unknown`; references to computed attributes keep their origin (`AttrRef`) so rules
can tell an `aws_iam_role` ARN from an `aws_iam_instance_profile` ARN.

A name (`var.x`, `local.x`, `module.m.out`) is looked up in one place, `_definition`: the value,
the origin of a value and the expressions feeding it all follow the same definitions.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from batchform.hcl.syntax import (
    Attribute,
    Block,
    Call,
    Conditional,
    Expr,
    ForExpr,
    Literal,
    ObjectExpr,
    Operation,
    SourceFile,
    Step,
    Template,
    Traversal,
    TupleExpr,
    children,
    walk,
)
from batchform.lint.engine.functions import call_function
from batchform.lint.engine.modules import (
    ModuleGraph,
    ModuleInstance,
    ModuleLoader,
    Resource,
    UnknownExpansion,
    callee_directory,
    local_source,
)
from batchform.lint.engine.operations import (
    FAILED,
    BlockValue,
    failed,
    iteration,
    operate,
    to_text,
)
from batchform.lint.engine.scope import Scope
from batchform.lint.engine.types import conform
from batchform.lint.engine.views import Instance
from batchform.lint.model import Input
from batchform.lint.model.values import (
    UNKNOWN,
    AttrRef,
    EncodedJson,
    Partial,
    ResourceRef,
    Unknown,
    is_known,
)

_MAX_DEPTH = 60
# A reference as 0.11-style quoted strings name one: `aws_iam_role.x`, `module.m`, `x.y[0]`.
_REFERENCE = re.compile(r"[A-Za-z_][\w-]*(\.[A-Za-z_][\w-]*|\[[^\]]*\])+")
# Converting a value to its own type changes nothing the linter can see.
_PASS_THROUGH = ("tostring", "tolist", "toset", "tomap", "sensitive", "nonsensitive")


@dataclass(frozen=True)
class _Name:
    """A `var`, `local` or `module` output reference looked up: where its value is memoised
    (module, kind, name), the expression that defines it (None: no definition), and the
    traversal steps after the name."""

    module: ModuleInstance
    kind: str
    name: str
    definition: tuple[Expr, Scope] | None
    rest: tuple[Step, ...]


class Resolver:
    """Builds module instances and evaluates expressions inside them."""

    def __init__(self, load_module: ModuleLoader, graph: ModuleGraph | None = None) -> None:
        self.load_module = load_module
        self.graph = graph
        self._depth = 0
        self._direct: dict[Resource, set[Resource]] = {}
        self._directories: dict[tuple[Path, str], Path] = {}

    def root(
        self,
        directory: Path,
        files: list[SourceFile],
        tfvars: dict[str, Attribute] | None = None,
        *,
        lock: SourceFile | None = None,
    ) -> ModuleInstance:
        """A root module instance; its variables take the tfvars values, else their defaults;
        `lock` is its parsed .terraform.lock.hcl."""
        module = ModuleInstance(self, directory, files, "")
        module.tfvars = dict(tfvars or {})
        module.lock = lock
        return module

    def instantiate_child(self, parent: ModuleInstance, name: str) -> ModuleInstance | None:
        """Load the directory of a local module call and instantiate it; None for a remote
        source, a directory without .tf files, or a call back into a module on the way here."""
        call = parent.calls[name]
        source = local_source(call)
        if source is None:
            return None
        directory = callee_directory(parent.directory, source, self._directories)
        if self._cyclic(parent, directory):
            parent.cyclic_calls.append(name)
            return None
        files = self.load_module(directory)
        if not files:
            return None
        address = f"{parent.address}.module.{name}" if parent.address else f"module.{name}"
        return ModuleInstance(self, directory, files, address, parent, call)

    def _cyclic(self, parent: ModuleInstance, directory: Path) -> bool:
        if self.graph is not None and self.graph.cyclic(parent.directory, directory):
            return True
        # Without a graph (or for a call it did not see), a module on the way here is enough.
        return any(module.directory == directory for module in parent.ancestors())

    def call_scope(self, module: ModuleInstance) -> Scope | None:
        """The scope a module's arguments are evaluated in (its caller's), count/each unknown."""
        if module.parent is None or module.call is None:
            return None
        scope = Scope(module.parent)
        if "count" in module.call.attributes:
            scope = scope.bind(count={"index": UNKNOWN})
        if "for_each" in module.call.attributes:
            scope = scope.bind(each={"key": UNKNOWN, "value": UNKNOWN})
        return scope

    # -- names -----------------------------------------------------------------------------

    def _definition(self, root: str, steps: Sequence[Step], module: ModuleInstance) -> _Name | None:
        """The one lookup of `var.x` (the caller's argument, else tfvars in a root module, else
        the default), `local.x` and `module.m.out` (the child's output value)."""
        if not steps or steps[0].kind != "attr":
            return None
        name = steps[0].name
        if root == "var":
            return _Name(module, "var", name, self._variable(module, name), tuple(steps[1:]))
        if root == "local":
            attribute = module.locals.get(name)
            defined = (attribute.expr, Scope(module)) if attribute is not None else None
            return _Name(module, "local", name, defined, tuple(steps[1:]))
        if root == "module":
            child = module.child(name) if name in module.calls else None
            if child is None or len(steps) < 2 or steps[1].kind != "attr":
                return None
            block = child.outputs.get(steps[1].name)
            value = block.attributes.get("value") if block is not None else None
            defined = (value.expr, Scope(child)) if value is not None else None
            return _Name(child, "output", steps[1].name, defined, tuple(steps[2:]))
        return None

    def _variable(self, module: ModuleInstance, name: str) -> tuple[Expr, Scope] | None:
        call_scope = self.call_scope(module)
        if module.call is not None and call_scope is not None:
            argument = module.call.attributes.get(name)
            if argument is not None:
                return argument.expr, call_scope
        if module.call is None and name in module.tfvars:
            return module.tfvars[name].expr, Scope(module)
        block = module.variables.get(name)
        if block is not None and "default" in block.attributes:
            return block.attributes["default"].expr, Scope(module)
        return None

    def _named_value(self, named: _Name) -> Any:
        definition = named.definition
        if definition is None:
            return UNKNOWN
        if named.kind != "var":
            return named.module.memo(named.kind, named.name, lambda: self.evaluate(*definition))
        block = named.module.variables.get(named.name)
        declared = block.attributes.get("type") if block is not None else None
        scope = Scope(named.module)

        def typed() -> Any:
            value = self.evaluate(*definition)
            if declared is None:
                return value
            return conform(value, declared.expr, lambda expr: self.evaluate(expr, scope))

        return named.module.memo(named.kind, named.name, typed)

    def variable(self, module: ModuleInstance, name: str) -> Any:
        """A module variable's value: the caller's argument, tfvars, the default, else Unknown."""
        named = self._definition("var", [Step("attr", name)], module)
        return UNKNOWN if named is None else self._named_value(named)

    # -- evaluation ------------------------------------------------------------------------

    def evaluate(self, expr: Expr, scope: Scope) -> Any:
        """The value of an expression, Unknown where it cannot be known statically."""
        self._depth += 1
        try:
            if self._depth > _MAX_DEPTH:
                return UNKNOWN
            return self._evaluate(expr, scope)
        finally:
            self._depth -= 1

    def _evaluate(self, expr: Expr, scope: Scope) -> Any:
        if isinstance(expr, Literal):
            return expr.value
        if isinstance(expr, Template):
            return self._template(expr, scope)
        if isinstance(expr, TupleExpr):
            return [self.evaluate(item, scope) for item in expr.items]
        if isinstance(expr, ObjectExpr):
            return self._object(expr, scope)
        if isinstance(expr, Traversal):
            return self._traversal(expr, scope)
        if isinstance(expr, Call):
            return self._call(expr, scope)
        if isinstance(expr, Conditional):
            condition = self.evaluate(expr.condition, scope)
            if isinstance(condition, bool):
                return self.evaluate(expr.if_true if condition else expr.if_false, scope)
            return UNKNOWN
        if isinstance(expr, Operation):
            return operate(expr.op, [self.evaluate(item, scope) for item in expr.operands])
        if isinstance(expr, ForExpr):
            return self._for(expr, scope)
        return UNKNOWN

    def _object(self, expr: ObjectExpr, scope: Scope) -> Any:
        result: dict[str, Any] = {}
        for key_expr, value_expr in expr.items:
            key = self.evaluate(key_expr, scope)
            if isinstance(key, (Unknown, list, dict)):
                return UNKNOWN
            result[to_text(key)] = self.evaluate(value_expr, scope)
        return result

    def _template(self, expr: Template, scope: Scope) -> Any:
        if expr.directive:
            return Partial(tuple(part if isinstance(part, str) else UNKNOWN for part in expr.parts))
        if len(expr.parts) == 1 and not isinstance(expr.parts[0], str) and not expr.heredoc:
            return self.evaluate(expr.parts[0], scope)
        parts: list[Any] = []
        for part in expr.parts:
            value = part if isinstance(part, str) else self.evaluate(part, scope)
            if isinstance(value, Partial):
                parts.extend(value.parts)
            elif isinstance(value, Unknown):
                parts.append(value)
            elif isinstance(value, (list, dict, ResourceRef)):
                parts.append(UNKNOWN)
            else:
                parts.append(to_text(value))
        if all(isinstance(part, str) for part in parts):
            return "".join(parts)
        merged: list[Any] = []
        for part in parts:
            if isinstance(part, str) and merged and isinstance(merged[-1], str):
                merged[-1] += part
            else:
                merged.append(part)
        return Partial(tuple(merged))

    def _call(self, expr: Call, scope: Scope) -> Any:
        name = expr.name.split("::")[-1] if expr.name.startswith("provider::") else expr.name
        if name == "try":
            return self._try(expr.args, scope)
        if name == "can":
            value = self.evaluate(expr.args[0], scope) if expr.args else FAILED
            if failed(value):
                return False
            return UNKNOWN if _opaque(value) else True
        args = [self.evaluate(arg, scope) for arg in expr.args]
        if expr.expand and args:
            last = args.pop()
            if not isinstance(last, list):
                return UNKNOWN
            args.extend(last)
        if name in _PASS_THROUGH and len(args) == 1 and isinstance(args[0], Unknown):
            return args[0]
        if name in ("sensitive", "nonsensitive") and len(args) == 1:
            return args[0]
        return call_function(name, args)

    def _try(self, args: Sequence[Expr], scope: Scope) -> Any:
        """The first argument that evaluates without failing; partly unknown values count (an
        unknown does not fail), a wholly unknown one may or may not fail: unknown."""
        for arg in args:
            value = self.evaluate(arg, scope)
            if failed(value):
                continue
            return UNKNOWN if _opaque(value) else value
        return UNKNOWN

    def _for(self, expr: ForExpr, scope: Scope) -> Any:
        items = iteration(self.evaluate(expr.collection, scope))
        if items is None:
            return UNKNOWN
        out_list: list[Any] = []
        out_map: dict[str, Any] = {}
        for key, value in items:
            names = {expr.value_var: value}
            if expr.key_var:
                names[expr.key_var] = key
            inner = scope.bind(**names)
            if expr.condition is not None:
                keep = self.evaluate(expr.condition, inner)
                if keep is False:
                    continue
                if keep is not True:
                    return UNKNOWN
            result = self.evaluate(expr.value, inner)
            if expr.key is None:
                out_list.append(result)
                continue
            map_key = self.evaluate(expr.key, inner)
            if isinstance(map_key, (Unknown, list, dict)):
                return UNKNOWN
            if expr.grouping:
                out_map.setdefault(to_text(map_key), []).append(result)
            else:
                out_map[to_text(map_key)] = result
        return out_list if expr.key is None else out_map

    def _traversal(self, expr: Traversal, scope: Scope) -> Any:
        if expr.source is not None:
            return self._steps(self.evaluate(expr.source, scope), expr.steps, scope)
        found, bound = scope.bound(expr.root)
        if found:
            return self._steps(bound, expr.steps, scope)
        steps = _module_steps(expr)
        module = scope.module
        root = expr.root
        if root in ("var", "local", "module"):
            named = self._definition(root, steps, module)
            if named is None:
                return UNKNOWN
            return self._steps(self._named_value(named), named.rest, scope)
        if root == "path" and steps and steps[0].name == "module":
            return str(module.directory)
        root, rest = _without_resource_prefix(root, steps)
        resource = _resource(module, root, rest)
        if resource is None:
            return UNKNOWN
        return self._steps(resource.value(), rest[2 if root == "data" else 1 :], scope)

    def _steps(self, value: Any, steps: Sequence[Step], scope: Scope) -> Any:
        for position, step in enumerate(steps):
            if step.kind == "splat":
                if isinstance(value, Unknown):
                    return UNKNOWN
                items = value if isinstance(value, list) else ([] if value is None else [value])
                rest = steps[position + 1 :]
                return [self._steps(item, rest, scope) for item in items]
            if step.kind == "attr":
                value = _attr(value, step.name)
            else:
                assert step.index is not None
                value = _index(value, self.evaluate(step.index, scope))
            if isinstance(value, Unknown) and not isinstance(value, (AttrRef, UnknownExpansion)):
                return value
        return value

    # -- where a value comes from ----------------------------------------------------------

    def _alias(self, expr: Expr, scope: Scope) -> tuple[Expr, Scope, tuple[Step, ...]] | None:
        """The definition a `var`, `local` or module output reference stands for."""
        if not isinstance(expr, Traversal) or expr.source is not None or scope.bound(expr.root)[0]:
            return None
        if expr.root not in ("var", "local", "module"):
            return None
        named = self._definition(expr.root, _module_steps(expr), scope.module)
        if named is None or named.definition is None:
            return None
        return *named.definition, named.rest

    def origin(self, expr: Expr, scope: Scope) -> tuple[Expr, Scope]:
        """Follow whole `var.x`, `local.x` and `module.m.out` references to the expression that
        defines them."""
        for _ in range(_MAX_DEPTH):
            if (
                isinstance(expr, Template)
                and len(expr.parts) == 1
                and not isinstance(expr.parts[0], str)
                and not expr.heredoc
            ):
                expr = expr.parts[0]
                continue
            alias = self._alias(expr, scope)
            if alias is None or alias[2]:
                return expr, scope
            expr, scope, _ = alias
        return expr, scope

    def expressions(
        self, expr: Expr, scope: Scope, *, taken_only: bool = False
    ) -> list[tuple[Expr, Scope]]:
        """Every expression that feeds `expr`, following variables, locals and module outputs.
        `taken_only` leaves out what evaluation passes over: the branch a known condition does
        not take, coalesce() arguments after the first known non-empty one, try() fallbacks
        after a known first value, and everything inside can() (which yields only a bool)."""
        seen: set[tuple[int, int]] = set()
        found: list[tuple[Expr, Scope]] = []
        pending = [(expr, scope)]
        while pending:
            current, current_scope = pending.pop()
            marker = (id(current), id(current_scope.module))
            if marker in seen:
                continue
            seen.add(marker)
            nodes = self._taken(current, current_scope) if taken_only else walk(current)
            for node in nodes:
                found.append((node, current_scope))
                alias = self._alias(node, current_scope)
                if alias is not None:
                    pending.append(alias[:2])
        return found

    def _taken(self, expr: Expr, scope: Scope) -> list[Expr]:
        """`walk(expr)` without the sub-expressions evaluation passes over."""
        found: list[Expr] = []
        stack: list[Expr] = [expr]
        while stack:
            current = stack.pop()
            found.append(current)
            stack.extend(self._taken_children(current, scope))
        return found

    def _taken_children(self, expr: Expr, scope: Scope) -> list[Expr]:
        if isinstance(expr, Conditional):
            condition = self.evaluate(expr.condition, scope)
            if isinstance(condition, bool):
                return [expr.condition, expr.if_true if condition else expr.if_false]
        elif isinstance(expr, Call) and not expr.expand:
            name = expr.name.split("::")[-1]
            if name == "can":
                return []
            if name in ("coalesce", "try"):
                return self._until_decided(name, expr.args, scope)
        return children(expr)

    def _until_decided(self, name: str, args: Sequence[Expr], scope: Scope) -> list[Expr]:
        """The arguments of coalesce() or try() up to the one whose known value is the result."""
        taken: list[Expr] = []
        for arg in args:
            taken.append(arg)
            value = self.evaluate(arg, scope)
            if not is_known(value):
                if name == "try":
                    return list(args)
                continue
            if name == "try" or value not in (None, ""):
                return taken
        return taken

    def inputs(self, expr: Expr, scope: Scope) -> list[Input]:
        """The input variables `expr` takes its value from, each shared when its module reads it
        (or a local on the way) more often than on the way to `expr`."""
        on_chain: Counter[tuple[ModuleInstance, str, str]] = Counter()
        for node, node_scope in self.expressions(expr, scope, taken_only=True):
            if (
                isinstance(node, Traversal)
                and node.source is None
                and node.root in ("var", "local")
                and node.steps
                and node.steps[0].kind == "attr"
                and not node_scope.bound(node.root)[0]
            ):
                on_chain[(node_scope.module, node.root, node.steps[0].name)] += 1
        locals_shared = any(
            module.reads()[(kind, name)] > count
            for (module, kind, name), count in on_chain.items()
            if kind == "local"
        )
        found = []
        for (module, kind, name), count in on_chain.items():
            if kind != "var":
                continue
            address = f"{module.address}.var.{name}" if module.address else f"var.{name}"
            shared = locals_shared or module.reads()[("var", name)] > count
            found.append(Input(address, shared))
        return found

    # -- dependencies ----------------------------------------------------------------------

    def referenced_resources(self, expr: Expr, scope: Scope) -> set[Resource]:
        """The resources an expression refers to, through variables, locals and module outputs."""
        found: set[Resource] = set()
        for node, node_scope in self.expressions(expr, scope):
            if not isinstance(node, Traversal) or node.source is not None or not node.steps:
                continue
            module = node_scope.module
            if node.root == "module" and len(_module_steps(node)) == 1:
                child = (
                    module.child(node.steps[0].name) if node.steps[0].name in module.calls else None
                )
                for descendant in child.walk() if child is not None else ():
                    found.update(descendant.resources.values())
                continue
            resource = _resource(module, *_without_resource_prefix(node.root, node.steps))
            if resource is not None:
                found.add(resource)
        return found

    def dependencies(self, resource: Resource) -> set[Resource]:
        """Everything a resource is created after and destroyed before (transitively)."""
        closure: set[Resource] = set()
        pending = [resource]
        while pending:
            current = pending.pop()
            for dependency in self._direct_dependencies(current):
                if dependency not in closure:
                    closure.add(dependency)
                    pending.append(dependency)
        return closure

    def _direct_dependencies(self, resource: Resource) -> set[Resource]:
        if resource in self._direct:
            return self._direct[resource]
        found: set[Resource] = set()
        scope = Scope(resource.module)
        for expr in _block_expressions(resource.block):
            found |= self.referenced_resources(expr, scope)
        module = resource.module
        while module.parent is not None and module.call is not None:
            depends_on = module.call.attributes.get("depends_on")
            if depends_on is not None:
                expr = _depends_on(depends_on.expr)
                found |= self.referenced_resources(expr, Scope(module.parent))
            module = module.parent
        found.discard(resource)
        self._direct[resource] = found
        return found


def _without_resource_prefix(root: str, steps: Sequence[Step]) -> tuple[str, Sequence[Step]]:
    """`resource.aws_x.y` reads like `aws_x.y`: the `resource.` prefix Terraform also accepts
    for managed resources (as `data.` is for data sources)."""
    if root == "resource" and steps and steps[0].kind == "attr":
        return steps[0].name, steps[1:]
    return root, steps


def _resource(module: ModuleInstance, root: str, steps: Sequence[Step]) -> Resource | None:
    """The resource (`type.name`) or data source (`data.type.name`) a reference starts with."""
    if root == "data":
        if len(steps) < 2:
            return None
        return module.resources.get(("data", steps[0].name, steps[1].name))
    if not steps or steps[0].kind != "attr":
        return None
    return module.resources.get(("resource", root, steps[0].name))


def _module_steps(expr: Traversal) -> tuple[Step, ...]:
    """`module.x[0].out` reads like `module.x.out`: a module is instantiated once, its
    count/for_each keys left unknown."""
    steps = expr.steps
    if expr.root == "module" and len(steps) >= 2 and steps[1].kind == "index":
        return steps[:1] + steps[2:]
    return steps


def _block_expressions(block: Block) -> Iterator[Expr]:
    for name, attribute in block.attributes.items():
        yield _depends_on(attribute.expr) if name == "depends_on" else attribute.expr
    for child in block.blocks:
        if child.type != "lifecycle":
            yield from _block_expressions(child)


def _depends_on(expr: Expr) -> Expr:
    """`depends_on` with 0.11-style quoted references (`["aws_iam_role.x"]`) read as the
    references they name, as Terraform does (with a deprecation warning: internal/configs
    compat_shim.go, shimTraversalInString)."""
    if not isinstance(expr, TupleExpr):
        return expr
    return TupleExpr(tuple(_quoted_reference(item) or item for item in expr.items), expr.line)


def _quoted_reference(expr: Expr) -> Traversal | None:
    """A string literal holding a plain reference (`"module.x"`, `"aws_x.y[0]"`) as one."""
    text = None
    if isinstance(expr, Template) and len(expr.parts) == 1 and isinstance(expr.parts[0], str):
        text = expr.parts[0]
    elif isinstance(expr, Literal) and isinstance(expr.value, str):
        text = expr.value
    if text is None or not _REFERENCE.fullmatch(text):
        return None
    names = re.sub(r"\[[^\]]*\]", "", text).split(".")
    return Traversal(names[0], tuple(Step("attr", name) for name in names[1:]), expr.line)


def _opaque(value: Any) -> bool:
    """Wholly unknown: nothing of its shape is known (a computed attribute is not: it exists)."""
    return isinstance(value, Unknown) and not isinstance(
        value, (AttrRef, Partial, EncodedJson, UnknownExpansion)
    )


def _attr(value: Any, name: str) -> Any:
    if isinstance(value, ResourceRef) and isinstance(value.instance, Instance):
        return value.instance.attribute(name)
    if isinstance(value, AttrRef):
        return AttrRef(value.instance, value.path + (name,))
    if isinstance(value, BlockValue):
        return value.get(name, UNKNOWN)
    if isinstance(value, dict):
        return value.get(name, FAILED)
    if value is None or isinstance(value, (str, int, float, list)):
        return FAILED
    return UNKNOWN


def _index(value: Any, key: Any) -> Any:
    if isinstance(value, UnknownExpansion):
        return ResourceRef(value.representative)
    if isinstance(value, AttrRef):
        if isinstance(key, (int, str)) and not isinstance(key, bool):
            return AttrRef(value.instance, value.path + (key,))
        return AttrRef(value.instance, value.path + ("*",))
    if isinstance(key, Unknown):
        return _any_of(value)
    if isinstance(value, list) and isinstance(key, (int, float)) and not isinstance(key, bool):
        position = int(key)
        return value[position] if 0 <= position < len(value) else FAILED
    if isinstance(value, BlockValue):
        return value.get(to_text(key), UNKNOWN)
    if isinstance(value, dict):
        return value.get(to_text(key), FAILED)
    return FAILED if value is None else UNKNOWN


def _any_of(value: Any) -> Any:
    """`x[unknown]`: when every element is an instance of one resource, a reference to one of
    them still tells which resource it is."""
    if (
        isinstance(value, list)
        and value
        and all(
            isinstance(item, ResourceRef)
            and isinstance(item.instance, Instance)
            and isinstance(value[0].instance, Instance)
            and item.instance.resource is value[0].instance.resource
            for item in value
        )
    ):
        return ResourceRef(value[0].instance)
    return UNKNOWN
