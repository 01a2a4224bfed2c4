"""Planned instances and their nested blocks as the model's `ResourceInstance` and `Body`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from batchform.hcl.syntax import Expr, Step, Traversal
from batchform.lint.model import Argument, Input, Lifecycle, WrittenBlock
from batchform.lint.plan.document import PlanModule, PlannedObject, PlanResource
from batchform.lint.plan.references import argument, expression_references, split

if TYPE_CHECKING:
    from batchform.lint.plan.configuration import PlanConfiguration

_MISSING = object()


class PlanBody:
    """A block of a planned instance: its values, what of them is unknown, and (where the plan
    has it) the configuration it was written from."""

    def __init__(
        self,
        instance: PlanInstance,
        values: dict[str, Any],
        unknown: Any,
        config: dict[str, Any] | None,
    ) -> None:
        self.instance = instance
        self.values = values
        self.unknown = unknown if isinstance(unknown, dict) else {}
        # {"expressions": {...}} of this block; None for a block made by `dynamic`.
        self.config = config
        self._cache: dict[str, Any] = {}

    @property
    def file(self) -> str:
        """The source path of the instance's module (a plan gives no file)."""
        return self.instance.resource.module.source

    @property
    def line(self) -> int:
        """0: a plan gives no line."""
        return 0

    def _expressions(self) -> dict[str, Any] | None:
        if self.config is None:
            return None
        expressions = self.config.get("expressions")
        return expressions if isinstance(expressions, dict) else {}

    def has(self, name: str) -> bool:
        """Written in the configuration; where the plan has no configuration for the block
        (a dynamic one), planned to a known value."""
        expressions = self._expressions()
        if expressions is not None:
            return name in expressions
        return self.values.get(name) is not None or self.unknown.get(name) is True

    def get(self, name: str, default: Any = None) -> Any:
        """The planned value of a written argument; `default` when it is not written (for a
        block the plan has no configuration of, when it has no planned value)."""
        if name not in self._cache:
            self._cache[name] = self._value(name)
        value = self._cache[name]
        return default if value is _MISSING else value

    def _value(self, name: str) -> Any:
        raw = self.values.get(name)
        unknown = self.unknown.get(name, False)
        if not self.has(name):
            # Not written: what the provider defaults or computes is not the configuration's
            # choice, as from source (a block without configuration has no such choice).
            if self.config is not None or raw is None:
                return _MISSING
        linker = self.instance.configuration.linker(self, name)
        return linker.value(raw, unknown)

    def line_of(self, name: str) -> int:
        """0: a plan gives no line."""
        return 0

    def nested(self, block_type: str) -> tuple[list[PlanBody], bool]:
        """The planned blocks of one type; False when their number is not known yet. Blocks the
        configuration does not write that the provider computes (a security group's egress, a
        route table's routes) are none: the plan has no trace of a `dynamic` block, so one whose
        for_each is unknown until apply reads as none too."""
        if self.unknown.get(block_type) is True:
            expressions = self._expressions()
            return [], expressions is not None and block_type not in expressions
        planned = self.values.get(block_type)
        if isinstance(planned, dict):
            planned = [planned]
        if not isinstance(planned, list):
            return [], True
        marks = self.unknown.get(block_type)
        marks = marks if isinstance(marks, list) else []
        written = self._written_blocks(block_type, len(planned))
        bodies = [
            PlanBody(
                self.instance,
                item if isinstance(item, dict) else {},
                marks[position] if position < len(marks) else {},
                written[position] if written is not None else None,
            )
            for position, item in enumerate(planned)
        ]
        return bodies, True

    def _written_blocks(self, block_type: str, count: int) -> list[dict[str, Any]] | None:
        """The configuration of each planned block, when the blocks are written one for one
        (a dynamic block makes them from one `content`: then none)."""
        expressions = self._expressions()
        written = expressions.get(block_type) if expressions is not None else None
        if isinstance(written, list) and len(written) == count:
            return [{"expressions": item} if isinstance(item, dict) else {} for item in written]
        return None

    def first(self, block_type: str) -> PlanBody | None:
        """The first planned block of one type."""
        bodies, _ = self.nested(block_type)
        return bodies[0] if bodies else None

    def arguments(self) -> list[Argument]:
        """The arguments written (or, without configuration, planned), each at line 0."""
        expressions = self._expressions()
        if expressions is not None:
            names = [name for name, value in expressions.items() if not isinstance(value, list)]
        else:
            names = [name for name, value in self.values.items() if _scalar(value)]
        return [Argument(name, 0) for name in names]

    def blocks(self) -> list[WrittenBlock]:
        """The nested blocks written (a plan does not tell dynamic blocks apart)."""
        expressions = self._expressions() or {}
        found = []
        for name, value in expressions.items():
            if isinstance(value, list):
                bodies, _ = self.nested(name)
                found += [WrittenBlock(name, 0, False, body) for body in bodies]
        return found

    def origin(self, name: str) -> Expr | None:
        """None: a plan holds no expressions, only what they refer to."""
        return None

    def expressions(self, name: str) -> list[Expr]:
        """One traversal per reference the argument's value is built from, through module
        variables and outputs."""
        return [_traversal(reference) for reference in self._chain(name)]

    def _chain(self, name: str) -> list[str]:
        module = self.instance.resource.module
        pending = [(module, self._references(name))]
        found: list[str] = []
        seen: set[tuple[int, str]] = set()
        while pending:
            current, references = pending.pop()
            for reference in references:
                if (id(current), reference) in seen:
                    continue
                seen.add((id(current), reference))
                found.append(reference)
                pending += _followed(current, reference)
        return found

    def _references(self, name: str) -> list[str]:
        return expression_references(argument(self.config or {}, name))

    def references(self, name: str) -> list[PlanInstance]:
        """The instances an argument's value is built from."""
        configuration = self.instance.configuration
        targets = configuration.refs.targets(self.instance.resource.module, self._references(name))
        found: list[PlanInstance] = []
        for target in targets:
            for instance in configuration.instances_of(target.resource):
                if instance not in found:
                    found.append(instance)
        return found

    def inputs(self, name: str) -> list[Input]:
        """The input variables an argument's value comes from, and whether each is shared."""
        configuration = self.instance.configuration
        module = self.instance.resource.module
        found: dict[str, Input] = {}
        for owner, variable in configuration.refs.variables(module, self._references(name)):
            address = f"{owner.address}.var.{variable}" if owner.address else f"var.{variable}"
            shared = configuration.variable_reads(owner)[variable] > 1
            found.setdefault(address, Input(address, shared))
        return list(found.values())


class PlanInstance(PlanBody):
    """One planned resource or data source instance."""

    def __init__(
        self, configuration: PlanConfiguration, resource: PlanResource, planned: PlannedObject
    ) -> None:
        self.configuration = configuration
        self.resource = resource
        self.planned_object = planned
        super().__init__(self, planned.values, planned.unknown, resource.config or None)

    @property
    def type(self) -> str:
        """The resource type."""
        return self.resource.type

    @property
    def mode(self) -> str:
        """ "resource" or "data"."""
        return self.resource.mode

    @property
    def address(self) -> str:
        """The address without the instance key."""
        return self.resource.address

    @property
    def key(self) -> Any:
        """The count index or for_each key, None for a single instance."""
        return self.planned_object.key

    def planned(self, name: str) -> Any:
        """A top-level planned value as the plan has it (None when unknown)."""
        return None if self.unknown.get(name) is True else self.values.get(name)

    def lifecycle(self) -> Lifecycle:
        """Unknown, except create_before_destroy of a planned replacement (its action order)."""
        actions = self.planned_object.actions
        if actions == ("create", "delete"):
            return Lifecycle(create_before_destroy=True)
        if actions == ("delete", "create"):
            return Lifecycle(create_before_destroy=False)
        return Lifecycle()

    def dependencies(self) -> list[PlanInstance]:
        """Every instance this one is created after, through references and depends_on."""
        return self.configuration.dependencies(self.resource)

    def __repr__(self) -> str:
        return f"PlanInstance({self.planned_object.address})"


def _scalar(value: Any) -> bool:
    return value is not None and not (
        isinstance(value, list) and value and all(isinstance(item, dict) for item in value)
    )


def _followed(module: PlanModule, reference: str) -> list[tuple[PlanModule, list[str]]]:
    """Where a `var.x` or `module.m.out` reference's value is written."""
    steps = split(reference)
    names = [str(step.value) for step in steps if not step.index]
    if len(names) >= 2 and names[0] == "var" and module.parent is not None and module.call:
        return [(module.parent, expression_references(argument(module.call, names[1])))]
    if len(names) >= 3 and names[0] == "module" and names[1] in module.children:
        child = module.children[names[1]]
        output = (child.config.get("outputs") or {}).get(names[2]) or {}
        return [(child, expression_references(output.get("expression")))]
    return []


def _traversal(reference: str) -> Traversal:
    steps = split(reference)
    root = str(steps[0].value) if steps else reference
    return Traversal(
        root,
        tuple(Step("attr", str(step.value)) for step in steps[1:] if not step.index),
        0,
    )
