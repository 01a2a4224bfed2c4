"""Configuration blocks seen through the resolver: the engine's side of the resource model."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from batchform.hcl.syntax import Block, Expr, Traversal, TupleExpr
from batchform.lint.engine.operations import BlockValue, iteration
from batchform.lint.engine.scope import Scope
from batchform.lint.model import Argument, Input, Lifecycle, WrittenBlock
from batchform.lint.model.values import UNKNOWN, AttrRef, EncodedJson, Unknown, text_of

if TYPE_CHECKING:
    from batchform.lint.engine.modules import Resource
    from batchform.lint.engine.resolver import Resolver

_META = {"count", "for_each", "provider", "depends_on", "lifecycle", "provisioner", "connection"}
# Attributes no configuration can set: always computed by the provider.
_COMPUTED = {"id", "arn"}


class BlockView:
    """A block in one scope: its arguments evaluated (once each), its nested blocks expanded."""

    def __init__(self, block: Block, scope: Scope) -> None:
        self.block = block
        self.scope = scope
        self._values: dict[str, Any] = {}
        self._nested: dict[str, tuple[list[BlockView], bool]] = {}

    @property
    def resolver(self) -> Resolver:
        """The resolver of the block's module."""
        return self.scope.module.resolver

    @property
    def file(self) -> str:
        """The file the block is written in."""
        return self.block.file

    @property
    def line(self) -> int:
        """The line the block starts at."""
        return self.block.line

    def has(self, name: str) -> bool:
        """True when the argument is written (whatever its value)."""
        return name in self.block.attributes

    def get(self, name: str, default: Any = None) -> Any:
        """The argument's value; `default` when it is not written."""
        attribute = self.block.attributes.get(name)
        if attribute is None:
            return default
        if name not in self._values:
            self._values[name] = self.resolver.evaluate(attribute.expr, self.scope)
        return self._values[name]

    def expr(self, name: str) -> Expr | None:
        """The argument's expression as written, if any."""
        attribute = self.block.attributes.get(name)
        return attribute.expr if attribute else None

    def evaluate(self, expr: Expr) -> Any:
        """The value of an expression in this block's scope."""
        return self.resolver.evaluate(expr, self.scope)

    def line_of(self, name: str) -> int:
        """The argument's line, or the block's line when it is not written."""
        attribute = self.block.attributes.get(name)
        return attribute.line if attribute else self.block.line

    def nested(self, block_type: str) -> tuple[list[BlockView], bool]:
        """The nested blocks of one type, `dynamic` ones expanded; False when that was not possible."""
        if block_type not in self._nested:
            self._nested[block_type] = self._expand(block_type)
        return self._nested[block_type]

    def _expand(self, block_type: str) -> tuple[list[BlockView], bool]:
        views = [BlockView(child, self.scope) for child in self.block.blocks_of(block_type)]
        complete = True
        for dynamic in self.block.blocks_of("dynamic"):
            if dynamic.labels and dynamic.labels[0] == block_type:
                expanded, known = self._dynamic(dynamic, block_type)
                views += expanded
                complete &= known
        return views, complete

    def _dynamic(self, dynamic: Block, block_type: str) -> tuple[list[BlockView], bool]:
        """The blocks one `dynamic` block stands for; one with an unknown iterator when its
        for_each is not known."""
        content = dynamic.first("content")
        iterator_attribute = dynamic.attributes.get("iterator")
        iterator = block_type
        if iterator_attribute and isinstance(iterator_attribute.expr, Traversal):
            iterator = iterator_attribute.expr.root
        for_each = dynamic.attributes.get("for_each")
        items = iteration(self.evaluate(for_each.expr) if for_each else UNKNOWN)
        if items is None or content is None:
            unknown = [] if content is None else [BlockView(content, self._iterating(iterator))]
            return unknown, False
        return [
            BlockView(content, self.scope.bind(**{iterator: {"key": key, "value": value}}))
            for key, value in items
        ], True

    def _iterating(self, iterator: str) -> Scope:
        return self.scope.bind(**{iterator: UNKNOWN})

    def first(self, block_type: str) -> BlockView | None:
        """The first nested block of one type."""
        views, _ = self.nested(block_type)
        return views[0] if views else None

    def value(self) -> BlockValue:
        """The whole block as a dict (nested blocks as lists of dicts)."""
        result = BlockValue({
            name: self.get(name) for name in self.block.attributes if name not in _META
        })
        types = {child.type for child in self.block.blocks} - {"dynamic", "lifecycle"}
        types |= {child.labels[0] for child in self.block.blocks_of("dynamic") if child.labels}
        for block_type in types:
            views, complete = self.nested(block_type)
            result[block_type] = [view.value() for view in views] if complete else UNKNOWN
        return result

    def arguments(self) -> list[Argument]:
        """Every argument written in the block, in order."""
        return [Argument(name, attribute.line) for name, attribute in self.block.attributes.items()]

    def blocks(self) -> list[WrittenBlock]:
        """Every nested block as written; a dynamic block's body is its content."""
        written = []
        for child in self.block.blocks:
            if child.type == "dynamic" and child.labels:
                content = child.first("content")
                iterator = self._iterating(child.labels[0])
                body = BlockView(content, iterator) if content is not None else None
                written.append(WrittenBlock(child.labels[0], child.line, True, body))
            else:
                written.append(
                    WrittenBlock(child.type, child.line, False, BlockView(child, self.scope))
                )
        return written

    def origin(self, name: str) -> Expr | None:
        """The expression that defines an argument, through variables, locals, module outputs."""
        expr = self.expr(name)
        return None if expr is None else self.resolver.origin(expr, self.scope)[0]

    def expressions(self, name: str) -> list[Expr]:
        """Every expression that feeds an argument's value, through variables, locals, module
        outputs (branches evaluation does not take left out)."""
        expr = self.expr(name)
        return (
            []
            if expr is None
            else [
                node
                for node, _ in self.resolver.expressions(expr, self.scope, taken_only=True)
            ]
        )

    def inputs(self, name: str) -> list[Input]:
        """The input variables an argument's value comes from, and whether each is shared."""
        expr = self.expr(name)
        return [] if expr is None else self.resolver.inputs(expr, self.scope)

    def references(self, name: str) -> list[Instance]:
        """The instances an argument's value is built from."""
        expr = self.expr(name)
        if expr is None:
            return []
        resources = self.resolver.referenced_resources(expr, self.scope)
        return [instance for resource in resources for instance in resource.instances()]


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
    def mode(self) -> str:
        """ "resource" or "data"."""
        return self.resource.mode

    @property
    def address(self) -> str:
        """The resource address without the instance key."""
        return self.resource.address

    def attribute(self, name: str) -> Any:
        """What `<resource>.<name>` evaluates to from elsewhere in the configuration."""
        if name in _COMPUTED:
            return AttrRef(self, (name,))
        if self.mode == "data" and (self.type, name) == ("template_file", "rendered"):
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

    def lifecycle(self) -> Lifecycle:
        """create_before_destroy and ignore_changes as written in the lifecycle block."""
        block = self.block.first("lifecycle")
        if block is None:
            return Lifecycle(create_before_destroy=False, ignore_changes=())
        replace = block.attributes.get("create_before_destroy")
        value = False if replace is None else self.evaluate(replace.expr)
        ignored = block.attributes.get("ignore_changes")
        if ignored is None:
            return Lifecycle(_boolean(value), ignore_changes=())
        expr = ignored.expr
        if isinstance(expr, Traversal) and expr.root == "all" and not expr.steps:
            return Lifecycle(_boolean(value), ignore_changes=(), ignore_all=True)
        items = expr.items if isinstance(expr, TupleExpr) else ()
        paths = (self._ignored_path(item) for item in items)
        return Lifecycle(_boolean(value), tuple(path for path in paths if path))

    def _ignored_path(self, item: Expr) -> tuple[str, ...]:
        """An ignore_changes entry as attribute names: `a[0].b` and the legacy "a[0].b" alike."""
        if isinstance(item, Traversal):
            return (item.root, *(step.name for step in item.steps if step.kind == "attr"))
        text = text_of(self.evaluate(item))
        return tuple(text.replace("[0]", "").split(".")) if text else ()

    def dependencies(self) -> list[Instance]:
        """Every instance this one is created after and destroyed before, transitively."""
        resources = self.resolver.dependencies(self.resource)
        return [instance for resource in resources for instance in resource.instances()]

    def __repr__(self) -> str:
        return f"Instance({self.address}[{self.key!r}])"


def _boolean(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None
