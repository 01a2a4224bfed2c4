"""HCL in and out: the writer batchform renders with, and the one front end that reads Terraform.

`batchform.hcl` itself holds the writer's functions (`hcl.quote`, `hcl.align`, ...), so importing
it stays light; the front end lives in `hcl.syntax` (the tree), `hcl.parser` (text to tree),
`hcl.loader` (files, the cache and the parse pool) and `hcl.pool`.
"""

from batchform.hcl.writer import (
    IDENTIFIER,
    Expression,
    align,
    is_literal,
    key,
    list_lines,
    literal,
    number,
    object_lines,
    quote,
    tidy,
    unquote,
    value_lines,
)

__all__ = [
    "IDENTIFIER",
    "Expression",
    "align",
    "is_literal",
    "key",
    "list_lines",
    "literal",
    "number",
    "object_lines",
    "quote",
    "tidy",
    "unquote",
    "value_lines",
]
