"""The resource model (`batchform.lint.model`) over what the account returned.

As the model's docstring asks of a live-account adapter: one instance per described object,
arguments named as the Terraform provider names them, ids resolved to `AttrRef`s of the
instances described, `file` the object's ARN and `line` 0, `lifecycle()` unknown. Every
argument listed is one AWS returned, so `nested()` is always complete.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import Any, TypeVar

from batchform.lint.model import (
    Argument,
    Input,
    Lifecycle,
    ModuleCycle,
    ResourceInstance,
    UndeclaredReference,
    WrittenBlock,
)
from batchform.lint.model.values import AttrRef, ResourceRef
from batchform.lint.model.versions import ProviderVersions

T = TypeVar("T")


class AccountBlock:
    """A block of a described object: its arguments and nested blocks."""

    def __init__(
        self,
        file: str,
        values: dict[str, Any] | None = None,
        children: dict[str, list[AccountBlock]] | None = None,
    ) -> None:
        self._file = file
        self.values: dict[str, Any] = {
            name: value for name, value in (values or {}).items() if value is not None
        }
        self.children: dict[str, list[AccountBlock]] = {
            kind: blocks for kind, blocks in (children or {}).items() if blocks
        }

    @property
    def file(self) -> str:
        """The ARN of the object the block belongs to."""
        return self._file

    @property
    def line(self) -> int:
        """Always 0: an account has no lines."""
        return 0

    def has(self, name: str) -> bool:
        """True when AWS returned the argument."""
        return name in self.values

    def get(self, name: str, default: Any = None) -> Any:
        """The argument's value, `default` when AWS did not return it."""
        return self.values.get(name, default)

    def line_of(self, name: str) -> int:
        """Always 0."""
        return 0

    def nested(self, block_type: str) -> tuple[Sequence[AccountBlock], bool]:
        """The nested blocks of one type; AWS returned them all."""
        return self.children.get(block_type, []), True

    def inputs(self, name: str) -> Sequence[Input]:
        """None: an account has no input variables."""
        return []

    def first(self, block_type: str) -> AccountBlock | None:
        """The first nested block of one type."""
        blocks = self.children.get(block_type, [])
        return blocks[0] if blocks else None

    def arguments(self) -> Sequence[Argument]:
        """Every argument AWS returned."""
        return [Argument(name, 0) for name in self.values]

    def blocks(self) -> Sequence[WrittenBlock]:
        """Every nested block AWS returned."""
        return [
            WrittenBlock(kind, 0, False, block)
            for kind, blocks in self.children.items()
            for block in blocks
        ]

    def origin(self, name: str) -> None:
        """None: an account has no expressions."""
        return None

    def expressions(self, name: str) -> Sequence[Any]:
        """Empty: an account has no expressions."""
        return []

    def references(self, name: str) -> list[ResourceInstance]:
        """The described objects an argument's value points at."""
        found: list[ResourceInstance] = []
        _collect_references(self.values.get(name), found)
        return found


class AccountInstance(AccountBlock):
    """One described object: a compute environment, a subnet, a role ..."""

    def __init__(
        self,
        resource_type: str,
        key: str,
        file: str,
        values: dict[str, Any] | None = None,
        children: dict[str, list[AccountBlock]] | None = None,
        mode: str = "resource",
    ) -> None:
        super().__init__(file, values, children)
        self._type = resource_type
        self._mode = mode
        self._address = f"{'data.' if mode == 'data' else ''}{resource_type}.{key}"

    @property
    def type(self) -> str:
        """The provider's resource type."""
        return self._type

    @property
    def mode(self) -> str:
        """ "resource", or "data" for what Terraform only reads."""
        return self._mode

    @property
    def address(self) -> str:
        """`type.name-or-id`, e.g. aws_subnet.subnet-0abc."""
        return self._address

    def lifecycle(self) -> Lifecycle:
        """Unknown: an account does not say how Terraform replaces things."""
        return Lifecycle()

    def dependencies(self) -> Sequence[ResourceInstance]:
        """None known: an account has no depends_on."""
        return []

    def ref(self, *path: str | int) -> AttrRef:
        """A reference to one of this object's attributes (`id`, `arn`, `name`)."""
        return AttrRef(self, tuple(path))

    def __repr__(self) -> str:
        return f"<{self._address}>"


class AccountConfiguration:
    """The `Configuration` of everything one doctor run described."""

    opaque = False

    def __init__(self, instances: Sequence[AccountInstance]) -> None:
        self._instances = list(instances)
        self._by_type: dict[tuple[str, str | None], list[AccountInstance]] = {}
        for instance in self._instances:
            self._by_type.setdefault((instance.mode, instance.type), []).append(instance)
            self._by_type.setdefault((instance.mode, None), []).append(instance)
        self._derived: dict[Hashable, Any] = {}

    def instances(
        self, resource_type: str | None = None, mode: str = "resource"
    ) -> Sequence[AccountInstance]:
        """Every described object of a type (every type for None)."""
        return self._by_type.get((mode, resource_type), [])

    def declared(
        self, resource_type: str | None = None, mode: str = "resource"
    ) -> Sequence[AccountInstance]:
        """The same as `instances`: nothing in an account is declared without existing."""
        return self.instances(resource_type, mode)

    def module_cycles(self) -> list[ModuleCycle]:
        """None: an account has no modules."""
        return []

    def undeclared_references(self) -> list[UndeclaredReference]:
        """None: what an account holds exists, and nothing in it is written as a reference."""
        return []

    @property
    def aws_provider(self) -> ProviderVersions:
        """Nothing: an account says nothing about the provider that made it."""
        return ProviderVersions()

    def derived(self, key: Hashable, compute: Callable[[], T]) -> T:
        """`compute()` once per key."""
        if key not in self._derived:
            self._derived[key] = compute()
        value: T = self._derived[key]
        return value


def _collect_references(value: Any, found: list[ResourceInstance]) -> None:
    if isinstance(value, (AttrRef, ResourceRef)):
        if value.instance not in found:
            found.append(value.instance)
    elif isinstance(value, list):
        for item in value:
            _collect_references(item, found)
    elif isinstance(value, dict):
        for item in value.values():
            _collect_references(item, found)
