"""Terraform text to the syntax tree, through tree-sitter's HCL grammar.

tree-sitter recovers from errors; here any ERROR or MISSING node becomes an HclParseError with
file, line, column and a message worded like Terraform's. Literal text is read from the source
between a template's interpolations (the grammar leaves the whitespace there out of its nodes),
with Terraform's escapes, and invalid escapes are errors as they are in Terraform.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from batchform.errors import HclParseError
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
)

if TYPE_CHECKING:
    from tree_sitter import Node, Parser

_IGNORE = re.compile(r"(?:#|//)\s*batchform:ignore\s+((?:BF\d+)(?:\s*,\s*BF\d+)*)", re.IGNORECASE)
_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}
_POSTFIX = frozenset({"get_attr", "index", "splat"})
_STRUCTURE = frozenset({"template_interpolation", "template_directive"})
# Three or more `$` or `%` before `{` (see `_even_opener_runs`).
_OPENER_RUN = re.compile(rb"(?:\${3,}|%{3,})(?=\{)")
# Deeper nesting than this is refused with a parse error: the tree is converted recursively,
# and no real configuration comes near it (Python's stack would, at about four frames a level).
MAX_NESTING = 128
DIRECTIVE = "%directive"


@lru_cache(maxsize=1)
def _parser() -> Parser:
    import tree_sitter_hcl
    from tree_sitter import Language, Parser

    return Parser(Language(tree_sitter_hcl.language()))


def parser_version() -> str:
    """The grammar's version, part of every cache key (a new grammar may build other trees)."""
    from importlib.metadata import version

    return f"tree-sitter {version('tree-sitter')}, tree-sitter-hcl {version('tree-sitter-hcl')}"


def parse_text(text: str, path: str) -> SourceFile:
    """Parse one file's text; raise HclParseError at the first place Terraform would refuse."""
    converter = _Converter(text, path)
    root = converter.root
    body = _named(root)
    # Top-level arguments are Terraform's to refuse (fmt reads them): only blocks are kept.
    blocks = [converter.block(item) for item in _named(body[0]) if item.type == "block"] if body else []
    for block in blocks:
        _set_file(block, path)
    return SourceFile(path=path, blocks=blocks, ignores=scan_ignores(text))


def parse_tfvars(text: str, path: str) -> dict[str, Attribute]:
    """The assignments of a .tfvars file (raise HclParseError when it cannot be parsed)."""
    converter = _Converter(text, path)
    body = _named(converter.root)
    attributes: dict[str, Attribute] = {}
    for item in _named(body[0]) if body else []:
        if item.type == "attribute":
            attribute = converter.attribute(item)
            attributes[attribute.name] = attribute
        elif item.type == "block":
            converter.fail(item, "Unexpected block", "Blocks are not allowed in a variables file.")
    return attributes


def parse_tfvars_json(text: str, path: str) -> dict[str, Attribute]:
    """The values of a .tfvars.json file: one JSON object, its members literal values."""
    try:
        document = json.loads(text)
    except ValueError as error:
        line = getattr(error, "lineno", 1)
        column = getattr(error, "colno", 1)
        raise HclParseError(path, f"Invalid JSON: {error}", line, column) from None
    if not isinstance(document, dict):
        raise HclParseError(path, "A variables file in JSON must hold one object", 1, 1)
    return {name: Attribute(name, _json_literal(value), 1) for name, value in document.items()}


def _json_literal(value: Any) -> Expr:
    if isinstance(value, list):
        return TupleExpr(tuple(_json_literal(item) for item in value), 1)
    if isinstance(value, dict):
        return ObjectExpr(
            tuple((Literal(str(key), 1), _json_literal(item)) for key, item in value.items()), 1
        )
    return Literal(value, 1)


def scan_ignores(text: str) -> list[tuple[int, str]]:
    """Every `# batchform:ignore CODE[, CODE] reason` comment as (line, code) pairs."""
    found: list[tuple[int, str]] = []
    if "batchform:ignore" not in text.lower():
        return found
    for number, line in enumerate(text.splitlines(), start=1):
        match = _IGNORE.search(line)
        if match:
            for code in re.split(r"\s*,\s*", match.group(1)):
                found.append((number, code.upper()))
    return found


def _set_file(block: Block, path: str) -> None:
    stack = [block]
    while stack:
        current = stack.pop()
        current.file = path
        stack.extend(current.blocks)


def _named(node: Node) -> list[Node]:
    return [child for child in node.named_children if child.type != "comment"]


def _items(node: Node) -> list[Node]:
    return [child for child in node.children if child.type != "comment"]


def _text(src: bytes, node: Node) -> str:
    return src[node.start_byte : node.end_byte].decode("utf-8", "replace")


class _Converter:
    """Walks the tree-sitter tree of one file."""

    def __init__(self, text: str, path: str) -> None:
        self.path = path
        self.src = text.encode("utf-8", "surrogatepass")
        self.ascii = text.isascii()
        self._lines: list[bytes] | None = None
        self.depth = 0
        self.root = _parser().parse(_even_opener_runs(self.src)).root_node
        if self.root.has_error:
            self._report_error(self.root)

    # -- positions and errors ---------------------------------------------------------------

    def position(self, node: Node) -> tuple[int, int]:
        row, column = node.start_point
        return row + 1, self.column(row, column)

    def column(self, row: int, byte_column: int) -> int:
        """1-based character column of a byte offset within a line."""
        if self.ascii:
            return byte_column + 1
        if self._lines is None:
            self._lines = self.src.split(b"\n")
        return len(self._lines[row][:byte_column].decode("utf-8", "replace")) + 1

    def fail(self, node: Node, summary: str, detail: str) -> None:
        line, column = self.position(node)
        raise HclParseError(self.path, f"{summary}: {detail}", line, column)

    def _report_error(self, root: Node) -> None:
        """Raise for the first place, in reading order, Terraform would stop at."""
        stack = [root]
        while stack:
            node = stack.pop()
            if node.is_missing or node.type == "ERROR":
                self.fail_at(*_describe(node, self.src))
            if node.type in ("attribute", "object_elem"):
                self.same_line(node)
            stack.extend(reversed(node.children))

    def same_line(self, node: Node) -> None:
        """An argument's value starts on the line of its `=`, as Terraform requires."""
        children = node.children
        for number, child in enumerate(children[:-1]):
            if child.type in ("=", ":"):
                after = children[number + 1]
                if after.start_point[0] > child.end_point[0] and not after.is_missing:
                    self.fail(child, "Invalid expression", "Expected the start of an "
                              "expression, but found the end of the line.")
                return

    def enter(self, node: Node) -> None:
        self.depth += 1
        if self.depth > MAX_NESTING:
            self.fail(node, "Nesting too deep", f"more than {MAX_NESTING} levels of blocks, "
                      "brackets or operators; batchform does not read configuration this deep.")

    # -- blocks -----------------------------------------------------------------------------

    def block(self, node: Node) -> Block:
        self.enter(node)
        kids = _named(node)
        line, column = self.position(node)
        labels: list[str] = []
        attributes: dict[str, Attribute] = {}
        blocks: list[Block] = []
        end_line = node.end_point[0] + 1
        for child in kids[1:]:
            kind = child.type
            if kind == "string_lit":
                labels.append(self.plain_string(child))
            elif kind == "identifier":
                labels.append(_text(self.src, child))
            elif kind == "body":
                for item in _named(child):
                    if item.type == "attribute":
                        attribute = self.attribute(item)
                        attributes[attribute.name] = attribute
                    elif item.type == "block":
                        blocks.append(self.block(item))
            elif kind == "block_end":
                end_line = child.start_point[0] + 1
        self.depth -= 1
        return Block(
            type=_text(self.src, kids[0]),
            labels=tuple(labels),
            attributes=attributes,
            blocks=blocks,
            line=line,
            end_line=end_line,
            column=column,
        )

    def attribute(self, node: Node) -> Attribute:
        self.same_line(node)
        kids = _named(node)
        line, column = self.position(node)
        return Attribute(_text(self.src, kids[0]), self.expression(kids[-1]), line, column)

    def plain_string(self, node: Node) -> str:
        template = self.template(node)
        if any(not isinstance(part, str) for part in template.parts):
            self.fail(node, "Invalid label", "A block label cannot hold an interpolation.")
        return "".join(part for part in template.parts if isinstance(part, str))

    # -- expressions ------------------------------------------------------------------------

    def expression(self, node: Node) -> Expr:
        self.enter(node)
        items = _items(node)
        result = self.term(items) if len(items) != 1 else self.primary(items[0])
        self.depth -= 1
        return result

    def term(self, items: list[Node]) -> Expr:
        """A primary expression (or a parenthesised one) and its traversal steps."""
        first = items[0]
        if first.type == "(":
            base = self.expression(items[1])
            rest = items[3:]
        else:
            base = self.primary(first)
            rest = items[1:]
        if not rest:
            return base
        steps: list[Step] = []
        for item in rest:
            steps.extend(self.steps(item))
        if first.type == "variable_expr" and isinstance(base, Traversal):
            return Traversal(base.root, tuple(steps), base.line, column=base.column)
        line, column = self.position(first)
        return Traversal("", tuple(steps), line, base, column)

    def primary(self, node: Node) -> Expr:
        handler = _PRIMARY.get(node.type)
        if handler is None:
            self.fail(node, "Invalid expression", f"{node.type} is not an expression here.")
            raise AssertionError  # fail raised
        return handler(self, node)

    def literal_value(self, node: Node) -> Expr:
        child = node.named_children[0]
        kind = child.type
        line, column = self.position(node)
        if kind == "string_lit":
            return self.template(child)
        text = _text(self.src, child)
        if kind == "numeric_lit":
            number: int | float = int(text) if text.isdigit() else float(text)
            return Literal(number, line, column)
        if kind == "bool_lit":
            return Literal(text == "true", line, column)
        return Literal(None, line, column)

    def template_expr(self, node: Node) -> Expr:
        child = node.named_children[0]
        if child.type == "heredoc_template":
            return self.heredoc(child)
        return self.template(child)

    def variable(self, node: Node) -> Expr:
        line, column = self.position(node)
        return Traversal(_text(self.src, node), (), line, column=column)

    def collection(self, node: Node) -> Expr:
        inner = node.named_children[0]
        self.enter(inner)
        line, column = self.position(inner)
        result: Expr
        if inner.type == "tuple":
            items = [self.expression(child) for child in _named(inner) if child.type == "expression"]
            result = TupleExpr(tuple(items), line, column)
        else:
            result = ObjectExpr(tuple(self.object_item(element) for element in _named(inner)
                                      if element.type == "object_elem"), line, column)
        self.depth -= 1
        return result

    def object_item(self, element: Node) -> tuple[Expr, Expr]:
        self.same_line(element)
        key_node, value_node = [child for child in _named(element) if child.type == "expression"]
        key_items = _items(key_node)
        key = self.expression(key_node)
        if len(key_items) == 1 and key_items[0].type == "variable_expr":
            assert isinstance(key, Traversal)
            key = Literal(key.root, key.line, key.column)
        return key, self.expression(value_node)

    def call(self, node: Node) -> Expr:
        kids = _named(node)
        line, column = self.position(node)
        args: list[Expr] = []
        expand = False
        for child in kids[1:]:
            if child.type == "function_arguments":
                for argument in _named(child):
                    if argument.type == "expression":
                        args.append(self.expression(argument))
                    elif argument.type == "ellipsis":
                        expand = True
        return Call(_text(self.src, kids[0]), tuple(args), line, expand, column)

    def conditional(self, node: Node) -> Expr:
        condition, if_true, if_false = [self.expression(child) for child in _named(node)]
        line, column = self.position(node)
        return Conditional(condition, if_true, if_false, line, column)

    def operation(self, node: Node) -> Expr:
        inner = node.named_children[0]
        if inner.type == "unary_operation":
            items = _items(inner)
            line, column = self.position(inner)
            self.enter(inner)
            operand = self.term(items[1:])
            self.depth -= 1
            return Operation(items[0].type, (operand,), line, column)
        return self.binary(inner)

    def binary(self, node: Node) -> Expr:
        """`a op b`; a left-leaning chain (`a + b + c ...`) is followed in a loop, so a
        1,000-term expression does not nest the conversion 1,000 deep."""
        chain: list[tuple[str, list[Node], Node]] = []
        current = node
        while True:
            items = _items(current)
            index = _operator_index(items)
            chain.append((items[index].type, items[index + 1 :], current))
            left = items[:index]
            if len(left) == 1 and left[0].type == "operation":
                inner = left[0].named_children[0]
                if inner.type == "binary_operation":
                    current = inner
                    continue
            break
        self.enter(node)
        result = self.term(left)
        for operator, right, here in reversed(chain):
            line, column = self.position(here)
            result = Operation(operator, (result, self.term(right)), line, column)
        self.depth -= 1
        return result

    def for_expr(self, node: Node) -> Expr:
        inner = node.named_children[0]
        line, column = self.position(inner)
        kids = _named(inner)
        intro = next(child for child in kids if child.type == "for_intro")
        names = [_text(self.src, child) for child in _named(intro) if child.type == "identifier"]
        collection = next(child for child in _named(intro) if child.type == "expression")
        bodies = [child for child in kids if child.type == "expression"]
        conditions = [child for child in kids if child.type == "for_cond"]
        condition = None
        if conditions:
            condition = self.expression(_named(conditions[0])[0])
        is_object = inner.type == "for_object_expr"
        key_var, value_var = (names[0], names[1]) if len(names) == 2 else (None, names[0])
        return ForExpr(
            key_var=key_var,
            value_var=value_var,
            collection=self.expression(collection),
            key=self.expression(bodies[0]) if is_object else None,
            value=self.expression(bodies[-1]),
            condition=condition,
            grouping=any(child.type == "ellipsis" for child in kids),
            line=line,
            column=column,
        )

    def steps(self, node: Node) -> list[Step]:
        line, column = self.position(node)
        kind = node.type
        if kind == "get_attr":
            return [Step("attr", name=_text(self.src, _named(node)[0]), line=line, column=column)]
        if kind == "index":
            inner = node.named_children[0]
            if inner.type == "legacy_index":
                number = int(_text(self.src, inner)[1:].strip())
                index: Expr = Literal(number, line, column + 1)
            else:
                index = self.expression(_named(inner)[0])
            return [Step("index", index=index, line=line, column=column)]
        found = [Step("splat", line=line, column=column)]
        for child in _named(node.named_children[0]):
            found.extend(self.steps(child))
        return found

    # -- templates --------------------------------------------------------------------------

    def template(self, node: Node) -> Template:
        """A quoted string: literal text between the interpolations, escapes decoded."""
        line, column = self.position(node)
        children = node.children
        parts: list[str | Expr] = []
        directive = False
        start = children[0].end_byte
        strip_next = False
        for child in children[1:]:
            kind = child.type
            if kind not in _STRUCTURE and kind != "quoted_template_end":
                continue
            text = self.quoted_text(start, child.start_byte, child)
            strip_before, expr, strip_after = self.part(child)
            parts.append(_strip(text, strip_next, strip_before))
            strip_next = strip_after
            if expr is not None:
                parts.append(expr)
                directive = directive or kind == "template_directive"
            start = child.end_byte
        return Template(tuple(_merge(parts)), line, directive=directive, column=column)

    def part(self, node: Node) -> tuple[bool, Expr | None, bool]:
        """(strip before, expression, strip after) of an interpolation or directive."""
        if node.type == "template_interpolation":
            kids = _named(node)
            expressions = [child for child in kids if child.type == "expression"]
            if not expressions:
                self.fail(node, "Invalid template interpolation", "Expected an expression.")
            where = expressions[0].start_byte
            markers = [child.start_byte for child in kids if child.type == "strip_marker"]
            before = any(marker < where for marker in markers)
            after = any(marker > where for marker in markers)
            return before, self.expression(expressions[0]), after
        if node.type == "template_directive":
            line, column = self.position(node)
            return False, Traversal(DIRECTIVE, (), line, column=column), False
        return False, None, False

    def quoted_text(self, start: int, end: int, near: Node) -> str:
        raw = self.src[start:end].decode("utf-8", "surrogatepass")
        if "\\" not in raw and "{" not in raw:
            return _nfc(raw)
        return _nfc(_unescape(raw, lambda offset, detail: self._escape_error(start, raw, offset,
                                                                             detail)))

    def _escape_error(self, start: int, raw: str, offset: int, detail: str) -> None:
        absolute = start + len(raw[:offset].encode("utf-8", "surrogatepass"))
        self.fail_at(absolute, "Invalid escape sequence", detail)

    def fail_at(self, offset: int, summary: str, detail: str) -> None:
        """Raise at a byte offset of the source."""
        row = self.src.count(b"\n", 0, offset)
        line_start = self.src.rfind(b"\n", 0, offset) + 1
        raise HclParseError(self.path, f"{summary}: {detail}", row + 1,
                            self.column(row, offset - line_start))

    def heredoc(self, node: Node) -> Template:
        """`<<EOT` / `<<-EOT`: text between the marker lines, `$${`/`%%{` read as literal
        openers, and for `<<-` the common indentation of the lines removed."""
        line, column = self.position(node)
        children = _items(node)
        trim = self.src[children[0].start_byte : children[0].end_byte] == b"<<-"
        opening, closing = children[1], children[-1]
        body_start = self.src.find(b"\n", opening.end_byte) + 1
        body_end = closing.start_byte - closing.start_point[1]
        cut = _indent(self.src[body_start:body_end].decode("utf-8", "replace")) if trim else 0
        parts: list[str | Expr] = []
        directive = False
        start = body_start
        at_line_start = True
        strip_next = False
        for child in children[2:-1]:
            if child.type not in _STRUCTURE:
                continue
            text = _heredoc_text(self.src[start : child.start_byte], cut, at_line_start)
            strip_before, expr, strip_after = self.part(child)
            parts.append(_strip(text, strip_next, strip_before))
            strip_next = strip_after
            if expr is not None:
                parts.append(expr)
                directive = directive or child.type == "template_directive"
            start = child.end_byte
            at_line_start = False
        if body_end > start:
            parts.append(_strip(_heredoc_text(self.src[start:body_end], cut, at_line_start),
                                strip_next, False))
        return Template(tuple(_merge(parts)), line, heredoc=True, directive=directive,
                        column=column)


_PRIMARY: dict[str, Callable[[_Converter, Node], Expr]] = {
    "literal_value": _Converter.literal_value,
    "template_expr": _Converter.template_expr,
    "collection_value": _Converter.collection,
    "variable_expr": _Converter.variable,
    "function_call": _Converter.call,
    "for_expr": _Converter.for_expr,
    "operation": _Converter.operation,
    "conditional": _Converter.conditional,
    "expression": _Converter.expression,
}


def _operator_index(items: list[Node]) -> int:
    """Where the operator of a binary operation sits: after the left term and its steps."""
    index = 3 if items[0].type == "(" else 1
    while items[index].is_named and items[index].type in _POSTFIX:
        index += 1
    return index


def _describe(node: Node, src: bytes) -> tuple[int, str, str]:
    """Where (a byte offset) and in Terraform's words, what tree-sitter could not read at
    `node`."""
    where, summary, detail = _explain(node, src)
    return (where if isinstance(where, int) else where.start_byte), summary, detail


def _explain(node: Node, src: bytes) -> tuple[Node | int, str, str]:
    children = node.children
    for number, child in enumerate(children):
        if child.type == "=":
            after = children[number + 1] if number + 1 < len(children) else None
            if after is None or after.start_point[0] > child.end_point[0]:
                return (child, "Invalid expression", "Expected the start of an expression, but "
                        "found the end of the line.")
    escape = _backslash_error(node, src)
    if escape is not None:
        return escape, "Invalid escape sequence", _escape_detail(src[escape:])
    if node.is_missing and node.type in ("}", "block_end"):
        block = node.parent
        while block is not None and block.type != "block":
            block = block.parent
        where = next((c for c in block.children if c.type == "block_start"), node) if block else node
        return (where, "Unclosed configuration block", "There is no closing brace for this "
                "block before the end of the file.")
    opening = [child for child in children if child.type in ("{", "block_start")]
    if node.type == "ERROR" and node.end_byte >= len(src.rstrip()) and opening:
        return (opening[0], "Unclosed configuration block", "There is no closing brace for "
                "this block before the end of the file.")
    kids = [child.type for child in children]
    if kids[:1] == ["template_directive_start"] and kids[1:2] in (["else"], ["endif"], ["endfor"]):
        return (node, f"Unexpected {kids[1]} directive",
                "The control directives within this template are unbalanced.")
    return (node, *_wording(node, src))


def _even_opener_runs(src: bytes) -> bytes:
    """The source the grammar is given: the first `$` (`%`) of every odd run of three or more
    before `{` turned into `_`, the same length, so positions hold.

    HCL reads a run of n `$` (or `%`) before `{` as n - 1 of them and the brace, all literal,
    for any n above 1 (checked against terraform 1.11); tree-sitter-hcl reads an even run so
    but splits an odd one into pairs and an opener. Only the tree comes from this text: the
    converter reads every literal from the real source."""
    if b"{" not in src or (b"$$" not in src and b"%%" not in src):
        return src
    return _OPENER_RUN.sub(_even_run, src)


def _even_run(match: re.Match[bytes]) -> bytes:
    run = match.group()
    return b"_" + run[1:] if len(run) % 2 else run


def _backslash_error(node: Node, src: bytes) -> int | None:
    """Where a string escape tree-sitter refused starts, when that is what stopped it: an error
    inside `node` that starts in a string (after its opening quote) and holds a backslash."""
    stack = [node]
    while stack:
        current = stack.pop()
        before = current.prev_sibling
        if current.type == "ERROR" and (
            src[current.start_byte : current.start_byte + 1] == b"\\"
            or (before is not None and before.type == "quoted_template_start")
        ):
            line_end = src.find(b"\n", current.start_byte)
            backslash = src.find(b"\\", current.start_byte, line_end if line_end >= 0 else None)
            if backslash >= 0:
                return backslash
        stack.extend(reversed([child for child in current.children if child.has_error]))
    return None


def _escape_detail(tail: bytes) -> str:
    """What is wrong with the escape sequence `tail` starts with."""
    text = tail[:12].decode("utf-8", "replace")
    found: list[str] = []

    def record(_: int, detail: str) -> None:
        found.append(detail)
        raise ValueError(detail)

    try:
        _escape(text, 0, [], record)
    except ValueError:
        return found[0]
    return "This escape sequence is not valid here."


def _wording(node: Node, src: bytes) -> tuple[str, str]:
    if node.is_missing:
        expected = node.type
        if expected in ("}", "block_end", "{", "block_start"):
            return ("Unclosed configuration block", "There is no closing brace for this block "
                    "before the end of the file.")
        if expected == ")":
            return "Unbalanced parentheses", "Expected a closing parenthesis."
        if expected in ("quoted_template_end", '"', "heredoc_identifier"):
            return "Unterminated template string", "No closing marker was found for the string."
        return "Missing " + expected, f'Expected "{expected}" here.'
    snippet = src[node.start_byte : min(node.end_byte, node.start_byte + 20)]
    found = snippet.decode("utf-8", "replace").split("\n")[0].strip()
    parent = node.parent
    if parent is None or parent.type in ("config_file", "body"):
        return ("Argument or block definition required", "An argument or block definition is "
                f"required here, not {found!r}." if found else "An argument or block "
                "definition is required here.")
    if "heredoc" in (parent.type or "") or found.startswith("<<"):
        return "Unterminated template string", "No closing marker was found for the heredoc."
    return ("Invalid expression", "Expected the start of an expression, but found an invalid "
            f"expression token{f' {found!r}' if found else ''}.")


def _strip(text: str, left: bool, right: bool) -> str:
    if left:
        text = text.lstrip()
    if right:
        text = text.rstrip()
    return text


def _indent(body: str) -> int:
    widths = [len(line) - len(line.lstrip(" \t")) for line in body.split("\n") if line.strip()]
    return min(widths) if widths else 0


def _heredoc_text(raw: bytes, cut: int, at_line_start: bool) -> str:
    text = raw.decode("utf-8", "surrogatepass")
    if cut:
        lines = text.split("\n")
        for number in range(len(lines)):
            if number or at_line_start:
                line = lines[number]
                width = len(line) - len(line.lstrip(" \t"))
                lines[number] = line[min(cut, width) :]
        text = "\n".join(lines)
    return _nfc(text.replace("$${", "${").replace("%%{", "%{"))


def _nfc(text: str) -> str:
    """Terraform reads every string in Unicode normal form C."""
    if text.isascii():
        return text
    import unicodedata

    return unicodedata.normalize("NFC", text)


def _merge(parts: list[str | Expr]) -> list[str | Expr]:
    merged: list[str | Expr] = []
    for part in parts:
        if isinstance(part, str) and merged and isinstance(merged[-1], str):
            merged[-1] = merged[-1] + part
        elif part != "":
            merged.append(part)
    return merged


def _unescape(text: str, error: Callable[[int, str], None]) -> str:
    """A quoted string's literal text as Terraform reads it; `error(offset, detail)` raises."""
    out: list[str] = []
    index = 0
    size = len(text)
    while index < size:
        char = text[index]
        if char == "\\":
            index = _escape(text, index, out, error)
            continue
        if char in "$%" and text.startswith(char * 2 + "{", index):
            out.append(char + "{")
            index += 3
            continue
        out.append(char)
        index += 1
    return "".join(out)


def _escape(text: str, index: int, out: list[str], error: Callable[[int, str], None]) -> int:
    selector = text[index + 1 : index + 2]
    if selector in _ESCAPES:
        out.append(_ESCAPES[selector])
        return index + 2
    if selector in ("u", "U"):
        width = 4 if selector == "u" else 8
        digits = text[index + 2 : index + 2 + width]
        if len(digits) != width or any(c not in "0123456789abcdefABCDEF" for c in digits):
            words = "four" if width == 4 else "eight"
            error(index, f"The \\{selector} escape sequence must be followed by {words} "
                  "hexadecimal digits.")
        code = int(digits, 16)
        if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            error(index, f"Cannot encode character U+{code:04x} in UTF-8.")
        out.append(chr(code))
        return index + 2 + width
    error(index, f'The symbol "{selector}" is not a valid escape sequence selector.')
    raise AssertionError  # error raised
