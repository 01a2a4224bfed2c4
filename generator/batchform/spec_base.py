"""What every spec model shares: strict validation, NFC strings, and errors that name a field."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from typing import Any, NoReturn

from pydantic import BaseModel, ConfigDict, field_validator

from batchform.aws.values import Constraint

# (field path below the model that found it, message), for errors and for warnings.
Problems = list[tuple[str, str]]


class Model(BaseModel):
    """Base for every spec model: unknown keys are errors, values are not coerced silently."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    @field_validator("*")
    @classmethod
    def _normalized(cls, value: Any) -> Any:
        # Terraform normalises every string to NFC; anything else would reach AWS changed.
        for text in strings(value):
            if not unicodedata.is_normalized("NFC", text):
                fixed = unicodedata.normalize("NFC", text)
                raise ValueError(
                    f"{text!a} is not in Unicode NFC form (composed characters), and "
                    f"Terraform normalises every string to NFC, so AWS would get {fixed!a}; "
                    "write it composed"
                )
        return value


class CrossReferenceError(ValueError):
    """Problems found across fields, each with its path below the model that found them."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{path}: {message}" for path, message in problems))


def fail(field: str, message: str) -> NoReturn:
    """Reject a model for one of its fields, so the error names that field and its line."""
    raise CrossReferenceError([(field, message)])


def strings(value: Any) -> Iterable[str]:
    """Every string in a value, keys of tables included."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from strings(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from strings(key)
            yield from strings(item)


def given(model: BaseModel, keys: Iterable[str]) -> list[str]:
    """The keys of a model the spec sets, in the order asked."""
    return [key for key in keys if key in model.model_fields_set]


def low(constraint: Constraint) -> int | None:
    """The lower bound of a range constraint of the facts package, for a Field."""
    return None if constraint.minimum is None else int(constraint.minimum)


def high(constraint: Constraint) -> int | None:
    """The upper bound of a range constraint of the facts package, for a Field."""
    return None if constraint.maximum is None else int(constraint.maximum)
