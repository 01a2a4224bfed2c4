"""The values of one argument path of a resource (through its nested blocks), as the provider
receives them: where each is written, converted to the type the schema declares."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from batchform.lint.model import Body
from batchform.lint.model.values import Unknown

if TYPE_CHECKING:
    from batchform import schema


@dataclass(frozen=True)
class Placed:
    """One value of an argument: its path as Terraform names it (nested blocks and list items
    by index), the block it is written in, and the argument's name there."""

    path: tuple[str | int, ...]
    value: Any
    body: Body
    name: str

    def key(self) -> str:
        """The path as a reader writes it: `compute_resources.type`, `platform_capabilities[0]`
        (block indexes left out: the line tells which block)."""
        text = ""
        for position, step in enumerate(self.path):
            if isinstance(step, int):
                is_item = position == len(self.path) - 1
                text += f"[{step}]" if is_item else ""
            else:
                text += f".{step}" if text else step
        return text


def placed_values(body: Body, names: Sequence[str], prefix: tuple[str | int, ...] = ()) -> Iterator[
    Placed
]:
    """Every known value of an argument path in a block: each element of a list on its own, an
    unknown (or partly known) value never."""
    head = names[0]
    if len(names) == 1:
        if not body.has(head):
            return
        value = body.get(head)
        items = list(enumerate(value)) if isinstance(value, list) else [(None, value)]
        for index, item in items:
            if item is not None and not isinstance(item, Unknown):
                path = (*prefix, head) if index is None else (*prefix, head, index)
                yield Placed(path, item, body, head)
        return
    blocks, _ = body.nested(head)
    for index, block in enumerate(blocks):
        yield from placed_values(block, names[1:], (*prefix, head, index))


def blocks_at(body: Body, names: Sequence[str]) -> Iterator[tuple[Body, Sequence[Body], bool]]:
    """Each block holding the last name of a path, with that name's nested blocks and whether
    they are all known (dynamic blocks over unknown collections are not)."""
    if len(names) == 1:
        blocks, complete = body.nested(names[0])
        yield body, blocks, complete
        return
    parents, _ = body.nested(names[0])
    for parent in parents:
        yield from blocks_at(parent, names[1:])


def schema_type(block: schema.Block | None, names: Sequence[str]) -> Any:
    """The cty type the schema declares for an argument path; None when it has none."""
    for name in names[:-1]:
        nested = block.block_type(name) if block is not None else None
        block = nested.block if nested is not None else None
    attribute = block.attribute(names[-1]) if block is not None else None
    return attribute.type if attribute is not None else None


def as_declared(value: Any, cty: Any) -> Any:
    """A value converted the way Terraform converts it to the declared type: a numeric string to
    a number, a number or bool to a string; anything else as it is."""
    element = cty[1] if isinstance(cty, list) and cty[0] in ("list", "set") else cty
    if element == "number" and isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            return value
        return int(number) if number.is_integer() else number
    if element == "string" and isinstance(value, bool):
        return "true" if value else "false"
    if element == "string" and isinstance(value, (int, float)):
        return str(int(value)) if float(value).is_integer() else str(value)
    return value
