"""Where an expression is evaluated: its module instance and the names bound around it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from batchform.lint.engine.modules import ModuleInstance


@dataclass(frozen=True)
class Scope:
    """A module instance and the names bound in it (count, each, a for variable, an iterator)."""

    module: ModuleInstance
    bindings: tuple[tuple[str, Any], ...] = ()

    def bound(self, name: str) -> tuple[bool, Any]:
        """The value bound to a name, and whether it is bound at all."""
        for key, value in reversed(self.bindings):
            if key == name:
                return True, value
        return False, None

    def bind(self, **names: Any) -> Scope:
        """A scope with more names bound."""
        return Scope(self.module, self.bindings + tuple(names.items()))
