"""Planned values in the model's vocabulary: known data as it is, what the provider computes at
apply time unknown, and either one a reference to the instance it comes from where the
configuration's references (or an id or ARN only one instance has) tell which."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from batchform.lint.model.values import UNKNOWN, AttrRef
from batchform.lint.plan.references import Target

if TYPE_CHECKING:
    from batchform.lint.plan.views import PlanInstance

# What an instance's id or ARN looks like when it is unique to it: an ARN, or an EC2-style id.
_UNIQUE_ID = re.compile(r"^(arn:.+|[a-z]+(-[a-z]+)?-[0-9a-f]{8,32})$")
_IDENTIFIERS = ("id", "arn")

# Finds the instances a target stands for (the referrer's own key for count.index/each.key).
Instances = Callable[[Target], list["PlanInstance"]]
# The instance an id or ARN belongs to, when only one has it.
ById = Callable[[str], "tuple[PlanInstance, str] | None"]


class Linker:
    """Turns one argument's planned value into model values, linking what it can."""

    def __init__(self, targets: list[Target], instances: Instances, by_id: ById) -> None:
        self.targets = targets
        self.candidates: list[tuple[PlanInstance, tuple[str | int, ...]]] = []
        for target in targets:
            for instance in instances(target):
                if all(instance is not other for other, _ in self.candidates):
                    self.candidates.append((instance, target.path))
        self.by_id = by_id

    def value(self, raw: Any, unknown: Any) -> Any:
        """The model value of a planned value and its `after_unknown` marks."""
        if unknown is True:
            return self._unknown(0, 1)
        if isinstance(raw, list):
            return self._list(raw, unknown if isinstance(unknown, list) else [])
        if isinstance(raw, dict):
            fields = unknown if isinstance(unknown, dict) else {}
            value = {key: self.value(item, fields.get(key, False)) for key, item in raw.items()}
            for key, mark in fields.items():
                if key not in value and mark is True:
                    value[key] = self._unknown(0, 1)
            return value
        if isinstance(raw, str):
            return self._known(raw)
        return raw

    def _list(self, raw: list[Any], marks: list[Any]) -> list[Any]:
        slots = [position for position, mark in enumerate(marks) if mark is True]
        return [
            self._unknown(slots.index(position), len(slots))
            if position in slots
            else self.value(item, marks[position] if position < len(marks) else False)
            for position, item in enumerate(raw)
        ]

    def _unknown(self, slot: int, slots: int) -> Any:
        """The `slot`-th of `slots` unknown values: the candidate in that position when there
        is one per slot, the only candidate, or unknown."""
        if len(self.candidates) == 1:
            instance, path = self.candidates[0]
        elif len(self.candidates) == slots and slots > 1:
            instance, path = self.candidates[slot]
        else:
            return UNKNOWN
        return AttrRef(instance, path or ("id",))

    def _known(self, text: str) -> Any:
        """A known string that is an id or ARN of a referenced instance (or of the only instance
        with it) as a reference to that instance."""
        for instance, path in self.candidates:
            for attribute in path[-1:] if path else _IDENTIFIERS:
                if attribute in _IDENTIFIERS and instance.planned(str(attribute)) == text:
                    return AttrRef(instance, (attribute,))
        if _UNIQUE_ID.match(text):
            found = self.by_id(text)
            if found is not None:
                return AttrRef(found[0], (found[1],))
        return text
