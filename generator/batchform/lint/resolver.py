"""Evaluate Terraform expressions statically across files and local modules.

Known values come out as Python data. Anything that depends on the cloud or on an input without
a default is `Unknown`; references to computed attributes keep their origin (`AttrRef`) so rules
can tell an `aws_iam_role` ARN from an `aws_iam_instance_profile` ARN.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
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
    walk,
)
from batchform.lint.functions import call_function
from batchform.lint.values import (
    UNKNOWN,
    AttrRef,
    EncodedJson,
    Partial,
    ResourceRef,
    Unknown,
    is_known,
)

_MAX_DEPTH = 60
# Attributes no configuration can set: always computed by the provider.
_COMPUTED = {"id", "arn"}
_META = {"count", "for_each", "provider", "depends_on", "lifecycle", "provisioner", "connection"}


@dataclass(frozen=True)
class Scope:
    """Where an expression is evaluated: its module and the names bound around it."""

    module: ModuleInstance
    bindings: tuple[tuple[str, Any], ...] = ()

    def bound(self, name: str) -> tuple[bool, Any]:
        """The value bound to a name (count, each, a for variable, a dynamic iterator)."""
        for key, value in reversed(self.bindings):
            if key == name:
                return True, value
        return False, None

    def bind(self, **names: Any) -> Scope:
        """A scope with more names bound."""
        return Scope(self.module, self.bindings + tuple(names.items()))


class BlockView:
    """A configuration block seen through the resolver: attribute values, nested blocks."""

    def __init__(self, block: Block, scope: Scope) -> None:
        self.block = block
        self.scope = scope

    @property
    def file(self) -> str:
        """The file the block is written in."""
        return self.block.file

    @property
    def line(self) -> int:
        """The line the block starts at."""
        return self.block.line

    def has(self, name: str) -> bool:
        """True when the attribute is written (whatever its value)."""
        return name in self.block.attributes

    def get(self, name: str, default: Any = None) -> Any:
        """The attribute's value; `default` when it is not written."""
        attribute = self.block.attributes.get(name)
        if attribute is None:
            return default
        return self.scope.module.resolver.evaluate(attribute.expr, self.scope)

    def expr(self, name: str) -> Expr | None:
        """The attribute's expression as written, if any."""
        attribute = self.block.attributes.get(name)
        return attribute.expr if attribute else None

    def line_of(self, name: str) -> int:
        """The attribute's line, or the block's line when it is not written."""
        attribute = self.block.attributes.get(name)
        return attribute.line if attribute else self.block.line

    def nested(self, block_type: str) -> tuple[list[BlockView], bool]:
        """The nested blocks of one type, `dynamic` ones expanded; False when that was not possible."""
        views = [BlockView(child, self.scope) for child in self.block.blocks_of(block_type)]
        complete = True
        for dynamic in self.block.blocks_of("dynamic"):
            if not dynamic.labels or dynamic.labels[0] != block_type:
                continue
            content = dynamic.first("content")
            iterator_expr = dynamic.attributes.get("iterator")
            iterator = block_type
            if iterator_expr and isinstance(iterator_expr.expr, Traversal):
                iterator = iterator_expr.expr.root
            resolver = self.scope.module.resolver
            for_each = dynamic.attributes.get("for_each")
            collection = resolver.evaluate(for_each.expr, self.scope) if for_each else UNKNOWN
            items = _iteration(collection)
            if items is None or content is None:
                complete = False
                if content is not None:
                    views.append(BlockView(content, self.scope.bind(**{iterator: UNKNOWN})))
                continue
            for key, value in items:
                scope = self.scope.bind(**{iterator: {"key": key, "value": value}})
                views.append(BlockView(content, scope))
        return views, complete

    def first(self, block_type: str) -> BlockView | None:
        """The first nested block of one type."""
        views, _ = self.nested(block_type)
        return views[0] if views else None

    def value(self) -> dict[str, Any]:
        """The whole block as a dict (nested blocks as lists of dicts)."""
        result: dict[str, Any] = {
            name: self.get(name) for name in self.block.attributes if name not in _META
        }
        types = {child.type for child in self.block.blocks} - {"dynamic", "lifecycle"}
        types |= {child.labels[0] for child in self.block.blocks_of("dynamic") if child.labels}
        for block_type in types:
            views, complete = self.nested(block_type)
            result[block_type] = [view.value() for view in views] if complete else UNKNOWN
        return result


class Instance(BlockView):
    """One instance of a resource or data block (one per count index / for_each key)."""

    def __init__(self, resource: Resource, key: Any, scope: Scope) -> None:
        super().__init__(resource.block, scope)
        self.resource = resource
        self.key = key

    @property
    def type(self) -> str:
        """The resource type, e.g. aws_batch_compute_environment."""
        return self.resource.type

    @property
    def address(self) -> str:
        """The resource address without the instance key."""
        return self.resource.address

    def attribute(self, name: str) -> Any:
        """What `<resource>.<name>` evaluates to from elsewhere in the configuration."""
        if name in _COMPUTED:
            return AttrRef(self, (name,))
        if self.resource.mode == "data" and (self.type, name) == ("template_file", "rendered"):
            return self._rendered_template()
        if name in self.block.attributes:
            value = self.get(name)
            return (
                AttrRef(self, (name,))
                if isinstance(value, Unknown) and not isinstance(value, (AttrRef, EncodedJson))
                else value
            )
        views, complete = self.nested(name)
        if views:
            return [view.value() for view in views] if complete else AttrRef(self, (name,))
        return AttrRef(self, (name,))

    def _rendered_template(self) -> Any:
        """`data.template_file.x.rendered` is its template when there is nothing to substitute."""
        template = self.get("template")
        if self.has("vars") and self.get("vars") not in ({}, None):
            return AttrRef(self, ("rendered",))
        if isinstance(template, EncodedJson) or (
            isinstance(template, str) and "${" not in template
        ):
            return template
        return AttrRef(self, ("rendered",))

    def __repr__(self) -> str:
        return f"Instance({self.address}[{self.key!r}])"


class Resource:
    """A `resource` or `data` block inside one module instance."""

    def __init__(self, module: ModuleInstance, block: Block) -> None:
        self.module = module
        self.block = block
        self.mode = block.type
        self.type = block.labels[0]
        self.name = block.labels[1]
        local = (
            f"{self.type}.{self.name}"
            if self.mode == "resource"
            else f"data.{self.type}.{self.name}"
        )
        self.address = f"{module.address}.{local}" if module.address else local
        self._instances: list[Instance] | None = None
        self._value: Any = None

    def instances(self) -> list[Instance]:
        """The instances, expanded by count/for_each when those are known."""
        if self._instances is None:
            self._instances, self._value = self._expand()
        return self._instances

    def value(self) -> Any:
        """What a reference to the whole resource evaluates to."""
        self.instances()
        return self._value

    def _expand(self) -> tuple[list[Instance], Any]:
        scope = Scope(self.module)
        resolver = self.module.resolver
        if "count" in self.block.attributes:
            count = resolver.evaluate(self.block.attributes["count"].expr, scope)
            if isinstance(count, bool) or not isinstance(count, (int, float)):
                only = Instance(self, UNKNOWN, scope.bind(count={"index": UNKNOWN}))
                return [only], _UnknownExpansion(only)
            instances = [
                Instance(self, index, scope.bind(count={"index": index}))
                for index in range(int(count))
            ]
            return instances, [ResourceRef(instance) for instance in instances]
        if "for_each" in self.block.attributes:
            collection = resolver.evaluate(self.block.attributes["for_each"].expr, scope)
            items = _iteration(collection, as_set_keys=True)
            if items is None:
                only = Instance(self, UNKNOWN, scope.bind(each={"key": UNKNOWN, "value": UNKNOWN}))
                return [only], _UnknownExpansion(only)
            instances = [
                Instance(self, key, scope.bind(each={"key": key, "value": value}))
                for key, value in items
            ]
            return instances, {str(i.key): ResourceRef(i) for i in instances}
        instance = Instance(self, None, scope)
        return [instance], ResourceRef(instance)


@dataclass(frozen=True)
class _UnknownExpansion(Unknown):
    """A counted resource whose count is unknown: indexing yields its one representative."""

    representative: Instance


class ModuleInstance:
    """One module directory instantiated once: the root, or a `module` call."""

    def __init__(
        self,
        resolver: Resolver,
        directory: Path,
        files: list[SourceFile],
        address: str,
        parent: ModuleInstance | None = None,
        call: Block | None = None,
    ) -> None:
        self.resolver = resolver
        self.directory = directory
        self.files = files
        self.address = address
        self.parent = parent
        self.call = call
        self.variables: dict[str, Block] = {}
        self.locals: dict[str, Attribute] = {}
        self.outputs: dict[str, Block] = {}
        self.resources: dict[tuple[str, str, str], Resource] = {}
        self.calls: dict[str, Block] = {}
        self._children: dict[str, ModuleInstance | None] = {}
        self._memo: dict[tuple[str, str], Any] = {}
        # Root modules only: values from terraform.tfvars and *.auto.tfvars.
        self.tfvars: dict[str, Attribute] = {}
        for source in files:
            for block in source.blocks:
                self._index(block)

    def _index(self, block: Block) -> None:
        if block.type == "variable" and block.labels:
            self.variables[block.labels[0]] = block
        elif block.type == "locals":
            self.locals.update(block.attributes)
        elif block.type == "output" and block.labels:
            self.outputs[block.labels[0]] = block
        elif block.type in ("resource", "data") and len(block.labels) == 2:
            resource = Resource(self, block)
            self.resources[(block.type, resource.type, resource.name)] = resource
        elif block.type == "module" and block.labels:
            self.calls[block.labels[0]] = block

    def child(self, name: str) -> ModuleInstance | None:
        """The instance of a local module call (`source = "./..."`), None for remote sources."""
        if name not in self._children:
            self._children[name] = self.resolver.instantiate_child(self, name)
        return self._children[name]

    def children(self) -> list[ModuleInstance]:
        """Every local child module instance."""
        return [child for name in self.calls if (child := self.child(name)) is not None]

    def walk(self) -> Iterator[ModuleInstance]:
        """This module and all its descendants."""
        yield self
        for child in self.children():
            yield from child.walk()

    def memo(self, kind: str, name: str, compute: Any) -> Any:
        """Evaluate a local/variable/output once per module instance; cycles become unknown."""
        key = (kind, name)
        if key in self._memo:
            value = self._memo[key]
            return UNKNOWN if value is _IN_PROGRESS else value
        self._memo[key] = _IN_PROGRESS
        value = compute()
        self._memo[key] = value
        return value


_IN_PROGRESS = object()


class Resolver:
    """Builds module instances and evaluates expressions inside them."""

    def __init__(self, load_module: Any) -> None:
        self.load_module = load_module
        self._depth = 0

    def root(
        self, directory: Path, files: list[SourceFile], tfvars: dict[str, Attribute] | None = None
    ) -> ModuleInstance:
        """A root module instance; its variables take the tfvars values, else their defaults."""
        module = ModuleInstance(self, directory, files, "")
        module.tfvars = dict(tfvars or {})
        return module

    def instantiate_child(self, parent: ModuleInstance, name: str) -> ModuleInstance | None:
        """Load the directory of a local module call and instantiate it."""
        call = parent.calls[name]
        source = call.attributes.get("source")
        if source is None:
            return None
        value = self.evaluate(source.expr, Scope(parent))
        if not isinstance(value, str) or not value.startswith(("./", "../")):
            return None
        directory = (parent.directory / value).resolve()
        files = self.load_module(directory)
        if not files:
            return None
        address = f"{parent.address}.module.{name}" if parent.address else f"module.{name}"
        return ModuleInstance(self, directory, files, address, parent, call)

    def call_scope(self, module: ModuleInstance) -> Scope | None:
        """The scope a module's arguments are evaluated in (its caller's), with count/each unknown."""
        if module.parent is None or module.call is None:
            return None
        scope = Scope(module.parent)
        if "count" in module.call.attributes:
            scope = scope.bind(count={"index": UNKNOWN})
        if "for_each" in module.call.attributes:
            scope = scope.bind(each={"key": UNKNOWN, "value": UNKNOWN})
        return scope

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
            result: dict[str, Any] = {}
            for key_expr, value_expr in expr.items:
                key = self.evaluate(key_expr, scope)
                if isinstance(key, (Unknown, list, dict)):
                    return UNKNOWN
                result[_to_text(key)] = self.evaluate(value_expr, scope)
            return result
        if isinstance(expr, Traversal):
            return self._traversal(expr, scope)
        if isinstance(expr, Call):
            return self._call(expr, scope)
        if isinstance(expr, Conditional):
            condition = self.evaluate(expr.condition, scope)
            if condition is True:
                return self.evaluate(expr.if_true, scope)
            if condition is False:
                return self.evaluate(expr.if_false, scope)
            return UNKNOWN
        if isinstance(expr, Operation):
            return _operate(expr.op, [self.evaluate(item, scope) for item in expr.operands])
        if isinstance(expr, ForExpr):
            return self._for(expr, scope)
        return UNKNOWN

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
                parts.append(_to_text(value))
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
        if name in ("try", "can"):
            values = [self.evaluate(arg, scope) for arg in expr.args]
            if name == "can":
                return True if values and is_known(values[0]) else UNKNOWN
            return call_function("try", values)
        args = [self.evaluate(arg, scope) for arg in expr.args]
        if expr.expand and args:
            last = args.pop()
            if not isinstance(last, list):
                return UNKNOWN
            args.extend(last)
        if name in ("tostring", "tolist", "toset", "tomap", "sensitive", "nonsensitive") and (
            len(args) == 1 and isinstance(args[0], Unknown)
        ):
            return args[0]
        if name in ("sensitive", "nonsensitive") and len(args) == 1:
            return args[0]
        return call_function(name, args)

    def _for(self, expr: ForExpr, scope: Scope) -> Any:
        collection = self.evaluate(expr.collection, scope)
        items = _iteration(collection)
        if items is None:
            return UNKNOWN
        is_object = expr.key is not None
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
            if not is_object:
                out_list.append(result)
                continue
            assert expr.key is not None
            map_key = self.evaluate(expr.key, inner)
            if isinstance(map_key, (Unknown, list, dict)):
                return UNKNOWN
            text = _to_text(map_key)
            if expr.grouping:
                out_map.setdefault(text, []).append(result)
            else:
                out_map[text] = result
        return out_map if is_object else out_list

    def _traversal(self, expr: Traversal, scope: Scope) -> Any:
        if expr.source is not None:
            return self._steps(self.evaluate(expr.source, scope), list(expr.steps), scope)
        found, bound = scope.bound(expr.root)
        if found:
            return self._steps(bound, list(expr.steps), scope)
        steps = list(_module_steps(expr))
        module = scope.module
        root = expr.root
        if root == "var" and steps and steps[0].kind == "attr":
            return self._steps(self.variable(module, steps[0].name), steps[1:], scope)
        if root == "local" and steps and steps[0].kind == "attr":
            return self._steps(self.local(module, steps[0].name), steps[1:], scope)
        if root == "module" and steps and steps[0].kind == "attr":
            child = module.child(steps[0].name) if steps[0].name in module.calls else None
            if child is None or len(steps) < 2 or steps[1].kind != "attr":
                return UNKNOWN
            return self._steps(self.output(child, steps[1].name), steps[2:], scope)
        if root == "data" and len(steps) >= 2:
            resource = module.resources.get(("data", steps[0].name, steps[1].name))
            if resource is None:
                return UNKNOWN
            return self._steps(resource.value(), steps[2:], scope)
        if root == "path" and steps and steps[0].name == "module":
            return str(module.directory)
        if steps and steps[0].kind == "attr":
            resource = module.resources.get(("resource", root, steps[0].name))
            if resource is not None:
                return self._steps(resource.value(), steps[1:], scope)
        return UNKNOWN

    def _steps(self, value: Any, steps: list[Any], scope: Scope) -> Any:
        for position, step in enumerate(steps):
            if step.kind == "splat":
                items = value if isinstance(value, list) else ([] if value is None else [value])
                if isinstance(value, Unknown):
                    return UNKNOWN
                rest = steps[position + 1 :]
                return [self._steps(item, rest, scope) for item in items]
            if step.kind == "attr":
                value = _attr(value, step.name)
            else:
                assert step.index is not None
                value = _index(value, self.evaluate(step.index, scope))
            if isinstance(value, Unknown) and not isinstance(value, (AttrRef, _UnknownExpansion)):
                return value
        return value

    def variable(self, module: ModuleInstance, name: str) -> Any:
        """A module variable: the caller's argument, else its default, else Unknown."""

        def compute() -> Any:
            block = module.variables.get(name)
            call_scope = self.call_scope(module)
            if module.call is not None and name in module.call.attributes and call_scope:
                return self.evaluate(module.call.attributes[name].expr, call_scope)
            if module.call is None and name in module.tfvars:
                return self.evaluate(module.tfvars[name].expr, Scope(module))
            if block is not None and "default" in block.attributes:
                return self.evaluate(block.attributes["default"].expr, Scope(module))
            return UNKNOWN

        return module.memo("var", name, compute)

    def local(self, module: ModuleInstance, name: str) -> Any:
        """A `locals` value of the module."""
        attribute = module.locals.get(name)
        if attribute is None:
            return UNKNOWN
        return module.memo("local", name, lambda: self.evaluate(attribute.expr, Scope(module)))

    def output(self, module: ModuleInstance, name: str) -> Any:
        """A module output's value."""
        block = module.outputs.get(name)
        if block is None or "value" not in block.attributes:
            return UNKNOWN
        return module.memo(
            "output", name, lambda: self.evaluate(block.attributes["value"].expr, Scope(module))
        )

    # -- where a value comes from ----------------------------------------------------------

    def origin(self, expr: Expr, scope: Scope) -> tuple[Expr, Scope]:
        """Follow `var.x`, `local.x` and `module.m.out` aliases to the expression that defines them."""
        for _ in range(_MAX_DEPTH):
            if (
                isinstance(expr, Template)
                and len(expr.parts) == 1
                and not isinstance(expr.parts[0], str)
                and not expr.heredoc
            ):
                expr = expr.parts[0]
                continue
            if not isinstance(expr, Traversal) or expr.source is not None:
                return expr, scope
            steps = _module_steps(expr)
            module = scope.module
            if expr.root == "var" and len(steps) == 1:
                call_scope = self.call_scope(module)
                if (
                    module.call is not None
                    and steps[0].name in module.call.attributes
                    and call_scope
                ):
                    expr, scope = module.call.attributes[steps[0].name].expr, call_scope
                    continue
                if module.call is None and steps[0].name in module.tfvars:
                    expr, scope = module.tfvars[steps[0].name].expr, Scope(module)
                    continue
                block = module.variables.get(steps[0].name)
                if block is not None and "default" in block.attributes:
                    expr, scope = block.attributes["default"].expr, Scope(module)
                    continue
                return expr, scope
            if expr.root == "local" and len(steps) == 1 and steps[0].name in module.locals:
                expr, scope = module.locals[steps[0].name].expr, Scope(module)
                continue
            if expr.root == "module" and len(steps) == 2 and steps[0].name in module.calls:
                child = module.child(steps[0].name)
                block = child.outputs.get(steps[1].name) if child else None
                if child is None or block is None or "value" not in block.attributes:
                    return expr, scope
                expr, scope = block.attributes["value"].expr, Scope(child)
                continue
            return expr, scope
        return expr, scope

    def expressions(self, expr: Expr, scope: Scope) -> list[tuple[Expr, Scope]]:
        """Every expression that feeds `expr`, following variables, locals and module outputs."""
        seen: set[tuple[int, int]] = set()
        found: list[tuple[Expr, Scope]] = []
        pending = [(expr, scope)]
        while pending:
            current, current_scope = pending.pop()
            marker = (id(current), id(current_scope.module))
            if marker in seen:
                continue
            seen.add(marker)
            for node in walk(current):
                found.append((node, current_scope))
                if isinstance(node, Traversal) and node.source is None and node.steps:
                    target = self._alias_target(node, current_scope)
                    if target is not None:
                        pending.append(target)
        return found

    def _alias_target(self, node: Traversal, scope: Scope) -> tuple[Expr, Scope] | None:
        module = scope.module
        name = node.steps[0].name
        if node.root == "var":
            call_scope = self.call_scope(module)
            if module.call is not None and name in module.call.attributes and call_scope:
                return module.call.attributes[name].expr, call_scope
            if module.call is None and name in module.tfvars:
                return module.tfvars[name].expr, Scope(module)
            block = module.variables.get(name)
            if block is not None and "default" in block.attributes:
                return block.attributes["default"].expr, Scope(module)
        if node.root == "local" and name in module.locals:
            return module.locals[name].expr, Scope(module)
        steps = _module_steps(node)
        if node.root == "module" and name in module.calls and len(steps) >= 2:
            child = module.child(name)
            block = child.outputs.get(steps[1].name) if child else None
            if child is not None and block is not None and "value" in block.attributes:
                return block.attributes["value"].expr, Scope(child)
        return None

    # -- dependencies ----------------------------------------------------------------------

    def referenced_resources(self, expr: Expr, scope: Scope) -> set[Resource]:
        """The resources an expression refers to, through variables, locals and module outputs."""
        found: set[Resource] = set()
        for node, node_scope in self.expressions(expr, scope):
            if not isinstance(node, Traversal) or node.source is not None or not node.steps:
                continue
            module = node_scope.module
            if node.root == "data" and len(node.steps) >= 2:
                resource = module.resources.get(("data", node.steps[0].name, node.steps[1].name))
            elif (
                node.root == "module"
                and len(_module_steps(node)) == 1
                and node.steps[0].name in module.calls
            ):
                child = module.child(node.steps[0].name)
                if child is not None:
                    for descendant in child.walk():
                        found.update(descendant.resources.values())
                continue
            else:
                resource = module.resources.get(("resource", node.root, node.steps[0].name))
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
        cached: set[Resource] | None = getattr(resource, "_direct", None)
        if cached is not None:
            return cached
        found: set[Resource] = set()
        scope = Scope(resource.module)
        for expr in _block_expressions(resource.block):
            found |= self.referenced_resources(expr, scope)
        module = resource.module
        while module.parent is not None and module.call is not None:
            depends_on = module.call.attributes.get("depends_on")
            if depends_on is not None:
                found |= self.referenced_resources(depends_on.expr, Scope(module.parent))
            module = module.parent
        found.discard(resource)
        resource._direct = found  # type: ignore[attr-defined]
        return found


def _module_steps(expr: Traversal) -> tuple[Step, ...]:
    """`module.x[0].out` reads like `module.x.out`: a module is instantiated once, its
    count/for_each keys left unknown."""
    steps = expr.steps
    if expr.root == "module" and len(steps) >= 2 and steps[1].kind == "index":
        return steps[:1] + steps[2:]
    return steps


def _block_expressions(block: Block) -> Iterator[Expr]:
    for attribute in block.attributes.values():
        yield attribute.expr
    for child in block.blocks:
        if child.type != "lifecycle":
            yield from _block_expressions(child)


def _iteration(collection: Any, as_set_keys: bool = False) -> list[tuple[Any, Any]] | None:
    if isinstance(collection, dict):
        return [(key, collection[key]) for key in sorted(collection)]
    if isinstance(collection, list):
        if as_set_keys:
            if not all(isinstance(item, str) for item in collection):
                return None
            return [(item, item) for item in collection]
        return list(enumerate(collection))
    return None


def _attr(value: Any, name: str) -> Any:
    if isinstance(value, ResourceRef):
        return value.instance.attribute(name)
    if isinstance(value, AttrRef):
        return AttrRef(value.instance, value.path + (name,))
    if isinstance(value, dict):
        return value.get(name, UNKNOWN)
    if isinstance(value, _UnknownExpansion):
        return UNKNOWN
    return UNKNOWN


def _index(value: Any, key: Any) -> Any:
    if isinstance(value, _UnknownExpansion):
        return ResourceRef(value.representative)
    if isinstance(value, AttrRef):
        if isinstance(key, (int, str)) and not isinstance(key, bool):
            return AttrRef(value.instance, value.path + (key,))
        return AttrRef(value.instance, value.path + ("*",))
    if isinstance(key, Unknown):
        if (
            isinstance(value, list)
            and value
            and all(
                isinstance(item, ResourceRef)
                and item.instance.resource is value[0].instance.resource
                for item in value
            )
        ):
            return ResourceRef(value[0].instance)
        return UNKNOWN
    if isinstance(value, list) and isinstance(key, (int, float)) and not isinstance(key, bool):
        position = int(key)
        return value[position] if 0 <= position < len(value) else UNKNOWN
    if isinstance(value, dict):
        return value.get(_to_text(key), UNKNOWN)
    return UNKNOWN


def _to_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if value is None:
        return ""
    return str(value)


def _operate(op: str, values: list[Any]) -> Any:
    if len(values) == 1:
        (value,) = values
        if op == "!" and isinstance(value, bool):
            return not value
        if op == "-" and isinstance(value, (int, float)) and not isinstance(value, bool):
            return -value
        return UNKNOWN
    left, right = values
    if op == "&&":
        if left is False or right is False:
            return False
        return True if left is True and right is True else UNKNOWN
    if op == "||":
        if left is True or right is True:
            return True
        return False if left is False and right is False else UNKNOWN
    if not is_known(left) or not is_known(right):
        return UNKNOWN
    if op == "==":
        return left == right
    if op == "!=":
        return left != right
    numbers = [
        float(item) if isinstance(item, str) and _is_number(item) else item for item in values
    ]
    if not all(isinstance(item, (int, float)) and not isinstance(item, bool) for item in numbers):
        return UNKNOWN
    a, b = numbers
    operation = _ARITHMETIC.get(op)
    if operation is None:
        return UNKNOWN
    try:
        result = operation(a, b)
    except ZeroDivisionError:
        return UNKNOWN
    if isinstance(result, float) and result.is_integer() and op != "/":
        return int(result)
    return result


_ARITHMETIC: dict[str, Callable[[Any, Any], Any]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
    "%": operator.mod,
    "<": operator.lt,
    ">": operator.gt,
    "<=": operator.le,
    ">=": operator.ge,
}


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


@dataclass
class Stack:
    """A root module and everything it instantiates: the unit rules look at."""

    root: ModuleInstance
    modules: list[ModuleInstance] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.modules = list(self.root.walk())

    def resources(self, resource_type: str | None = None, mode: str = "resource") -> list[Resource]:
        """All resources (or data sources) of a type across the module tree."""
        return [
            resource
            for module in self.modules
            for resource in module.resources.values()
            if resource.mode == mode and (resource_type is None or resource.type == resource_type)
        ]

    def instances(self, resource_type: str, mode: str = "resource") -> list[Instance]:
        """All instances of a type across the module tree."""
        return [
            instance
            for resource in self.resources(resource_type, mode)
            for instance in resource.instances()
        ]
