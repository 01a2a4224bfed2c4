"""The resource model the rules read, whatever the configuration came from.

Rules and the knowledge helpers see three things and nothing else:

- a `Configuration`: every resource and data source instance of one deployable unit (a root
  module and the local modules it calls; a plan; an account), found by type;
- a `ResourceInstance` for each of them: its type, address, where it is written, its arguments
  (`get`, `has`), nested blocks (`nested`), lifecycle, and what it is created after;
- a `Body` for each nested block, with the same reading methods.

Values come in the vocabulary of `batchform.lint.model.values`: plain Python data when known,
an `Unknown` where the source cannot tell, a `Partial` string whose text is partly known,
`EncodedJson` for `jsonencode` of partly known data, and `AttrRef`/`ResourceRef` for a
reference to another instance of the same configuration. A reference is how rules follow one
resource to the next (a compute environment's `service_role` to its `aws_iam_role`), so an
adapter should give one wherever it knows which instance a value points at.

`batchform.lint.engine` implements the model from Terraform source, `batchform.lint.plan` from
`terraform show -json PLANFILE`. Another source needs one class per protocol and nothing in
`rules/` or `knowledge/` changed. The plan adapter, as an example of what a source without
expressions does:

- `get` gives the planned value of each written argument (nested blocks from the planned
  values too); what the provider computes at apply time is Unknown, or an `AttrRef` to the
  instance the configuration's `references` name (or the one instance whose id or ARN it is);
- `expressions` gives one `Traversal` per reference (followed through module variables and
  outputs) and `origin` None, so rules that look at how a value is written judge only that;
  `inputs` follows `var.x` references to the callers' arguments;
- `dependencies()` come from the references and `depends_on`; `lifecycle()` is unknown
  (`Lifecycle()`), except create_before_destroy of a planned replacement; `file` is the
  module's source path and `line` 0.

A live account (`Describe*` calls) would give one instance per described object, arguments named
as the provider names them, ids resolved to `AttrRef`s of the instances described; `file` the
object's ARN and `line` 0, `arguments()`/`blocks()` what AWS returned, `inputs` nothing, and
`lifecycle()` unknown (`Lifecycle()`), so rules about how Terraform replaces things stay
silent.

Every method answers from what the source knows; where it cannot tell, it says so (Unknown, a
False `complete` flag, None), and the rules then say nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Hashable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from batchform.lint.model.versions import ProviderVersions

if TYPE_CHECKING:
    from batchform.hcl.syntax import Expr

T = TypeVar("T")


@dataclass(frozen=True)
class Argument:
    """One argument as written: its name and line."""

    name: str
    line: int


@dataclass(frozen=True)
class WrittenBlock:
    """One nested block as written; `dynamic` for a `dynamic "type"` block, whose `body` is its
    `content` (None when it has none)."""

    type: str
    line: int
    dynamic: bool
    body: Body | None


@dataclass(frozen=True)
class Lifecycle:
    """The lifecycle settings of a resource; None where the source cannot tell."""

    create_before_destroy: bool | None = None
    # Attribute paths (indexes left out) ignored by ignore_changes; None when unknown.
    ignore_changes: tuple[tuple[str, ...], ...] | None = None
    ignore_all: bool = False

    def ignores(self, *path: str) -> bool | None:
        """Whether changes to an attribute path are ignored; None when that is not known."""
        if self.ignore_all:
            return True
        if self.ignore_changes is None:
            return None
        return any(ignored == path[: len(ignored)] for ignored in self.ignore_changes)


@dataclass(frozen=True)
class Input:
    """An input variable a value comes from: `var.x` of the root module, `module.m.var.x` of a
    called one. `shared` is True when its module reads it (or a local on the way) for something
    else too, so a change meant for that changes this value; None when that cannot be told."""

    address: str
    shared: bool | None


class Body(Protocol):
    """A block of configuration: a resource instance, or a block nested in one."""

    @property
    def file(self) -> str:
        """Where the block is written (a path as shown to the user)."""
        ...

    @property
    def line(self) -> int:
        """The line the block starts at."""
        ...

    def has(self, name: str) -> bool:
        """True when the argument is written, whatever its value."""
        ...

    def get(self, name: str, default: Any = None) -> Any:
        """The argument's value; `default` when it is not written."""
        ...

    def line_of(self, name: str) -> int:
        """The argument's line, or the block's line when it is not written."""
        ...

    def nested(self, block_type: str) -> tuple[Sequence[Body], bool]:
        """The nested blocks of one type (dynamic ones expanded); False when that is not known."""
        ...

    def first(self, block_type: str) -> Body | None:
        """The first nested block of one type."""
        ...

    def arguments(self) -> Sequence[Argument]:
        """Every argument written in this block, meta-arguments included, in order."""
        ...

    def blocks(self) -> Sequence[WrittenBlock]:
        """Every nested block as written (dynamic blocks not expanded), in order."""
        ...

    def origin(self, name: str) -> Expr | None:
        """The expression that defines an argument's value, through variables, locals and module
        outputs (`var.x` given `"text"` is `"text"`); None where the source has no expressions."""
        ...

    def expressions(self, name: str) -> Sequence[Expr]:
        """Every expression that feeds an argument's value, through variables, locals and
        module outputs, leaving out what evaluation passes over (the branch a known condition
        does not take, coalesce() and try() arguments after the one that decides, the inside
        of can()); empty where the source has no expressions."""
        ...

    def references(self, name: str) -> Collection[ResourceInstance]:
        """The instances an argument's value is built from (through variables, locals and module
        outputs)."""
        ...

    def inputs(self, name: str) -> Sequence[Input]:
        """The input variables an argument's value comes from (through locals and module
        calls), and whether each also feeds something else; empty where the source has no
        variables."""
        ...


class ResourceInstance(Body, Protocol):
    """One instance of a resource or data source (one per count index or for_each key)."""

    @property
    def type(self) -> str:
        """The resource type, e.g. aws_batch_compute_environment."""
        ...

    @property
    def mode(self) -> str:
        """ "resource" or "data"."""
        ...

    @property
    def address(self) -> str:
        """The address without the instance key, e.g. module.ce.aws_iam_role.service."""
        ...

    def lifecycle(self) -> Lifecycle:
        """The instance's lifecycle settings."""
        ...

    def dependencies(self) -> Collection[ResourceInstance]:
        """Every instance this one is created after and destroyed before, transitively."""
        ...


@dataclass(frozen=True)
class ModuleCall:
    """A `module` block: where it is written and the module it calls."""

    file: str
    line: int
    name: str
    source: str


@dataclass(frozen=True)
class ModuleCycle:
    """Local module calls that lead back to where they started, in call order."""

    calls: tuple[ModuleCall, ...]


@dataclass(frozen=True)
class UndeclaredReference:
    """A reference to something its module does not declare, as `terraform validate` finds it.

    `kind` is "resource", "data", "variable", "local", "module" or "output" (of a module call);
    `name` is the reference as written (`aws_iam_role.servce`, `var.x`, `module.m.out`);
    `address` is the block it is written in; `suggestion` a declared name like it, if any.
    """

    file: str
    line: int
    column: int
    address: str
    kind: str
    name: str
    suggestion: str | None = None


class Configuration(Protocol):
    """Everything one deployable unit holds: the unit the rules judge."""

    @property
    def opaque(self) -> bool:
        """True when part of the configuration is out of sight (modules from a registry or git):
        their resources may supply what a rule would miss, so such rules stay silent."""
        ...

    def instances(
        self, resource_type: str | None = None, mode: str = "resource"
    ) -> Sequence[ResourceInstance]:
        """Every instance of one type (every type for None), resources or data sources."""
        ...

    def declared(
        self, resource_type: str | None = None, mode: str = "resource"
    ) -> Sequence[ResourceInstance]:
        """One instance per resource block as written, whatever its count or for_each (even
        none): for checks of how the configuration is written, not of what it creates."""
        ...

    @property
    def aws_provider(self) -> ProviderVersions:
        """The hashicorp/aws versions the configuration admits: its version constraints and
        locked version (`ProviderVersions()` when the source does not say)."""
        ...

    def module_cycles(self) -> Sequence[ModuleCycle]:
        """Local module calls that form a cycle (sources read from files only)."""
        ...

    def undeclared_references(self) -> Sequence[UndeclaredReference]:
        """References to resources, data sources, variables, locals, module calls and module
        outputs their module does not declare (sources read from files only; a plan has none)."""
        ...

    def derived(self, key: Hashable, compute: Callable[[], T]) -> T:
        """`compute()` once per configuration and key: where helpers keep facts derived from
        many instances (a subnet's route out, a role's policies) instead of recomputing them."""
        ...
