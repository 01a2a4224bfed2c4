"""Turn Terraform text into the linter's syntax tree, through python-hcl2's lark grammar."""

from __future__ import annotations

import re
from typing import Any

from batchform.errors import HclParseError
from batchform.lint.syntax import (
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

_IGNORE = re.compile(r"(?:#|//)\s*batchform:ignore\s+((?:BF\d+)(?:\s*,\s*BF\d+)*)", re.IGNORECASE)
_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}
_SKIP = {"new_line_or_comment"}


def parse_text(text: str, path: str) -> SourceFile:
    """Parse one file's text; raise HclParseError with the line python-hcl2 stopped at."""
    import hcl2
    from lark.exceptions import LarkError, UnexpectedInput

    try:
        tree = hcl2.parses_to_tree(text)
    except UnexpectedInput as error:
        detail = str(error).strip().splitlines()[0]
        raise HclParseError(path, detail, getattr(error, "line", None)) from None
    except LarkError as error:
        raise HclParseError(path, str(error).strip().splitlines()[0]) from None
    converter = _Converter(path)
    try:
        blocks = converter.body(tree.children[0])
    except _ConvertError as error:
        raise HclParseError(path, error.message, error.line) from None
    for block in blocks:
        _set_file(block, path)
    return SourceFile(path=path, blocks=blocks, ignores=scan_ignores(text))


def parse_tfvars(text: str, path: str) -> dict[str, Attribute]:
    """The assignments of a .tfvars file (raise HclParseError when it cannot be parsed)."""
    import hcl2
    from lark.exceptions import LarkError, UnexpectedInput

    try:
        tree = hcl2.parses_to_tree(text)
    except UnexpectedInput as error:
        detail = str(error).strip().splitlines()[0]
        raise HclParseError(path, detail, getattr(error, "line", None)) from None
    except LarkError as error:
        raise HclParseError(path, str(error).strip().splitlines()[0]) from None
    converter = _Converter(path)
    try:
        attributes = [
            converter.attribute(node)
            for node in _trees(tree.children[0])
            if node.data == "attribute"
        ]
    except _ConvertError as error:
        raise HclParseError(path, error.message, error.line) from None
    return {attribute.name: attribute for attribute in attributes}


def scan_ignores(text: str) -> list[tuple[int, str]]:
    """Every `# batchform:ignore CODE[, CODE] reason` comment as (line, code) pairs."""
    found: list[tuple[int, str]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        match = _IGNORE.search(line)
        if match:
            for code in re.split(r"\s*,\s*", match.group(1)):
                found.append((number, code.upper()))
    return found


def _set_file(block: Block, path: str) -> None:
    block.file = path
    for child in block.blocks:
        _set_file(child, path)


class _ConvertError(Exception):
    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


def _trees(node: Any) -> list[Any]:
    """Children that are subtrees, without newlines and comments."""
    from lark import Tree

    return [child for child in node.children if isinstance(child, Tree) and child.data not in _SKIP]


def _line(node: Any, default: int = 0) -> int:
    return int(getattr(node.meta, "line", default) or default) if hasattr(node, "meta") else default


class _Converter:
    """Walks the lark tree of one file."""

    def __init__(self, path: str) -> None:
        self.path = path

    def body(self, body: Any) -> list[Block]:
        return [self.block(node) for node in _trees(body) if node.data == "block"]

    def block(self, node: Any) -> Block:
        names: list[str] = []
        attributes: dict[str, Attribute] = {}
        blocks: list[Block] = []
        for child in _trees(node):
            if child.data in ("identifier", "keyword", "literal_value"):
                names.append(str(child.children[0]))
            elif child.data == "string":
                names.append(self.plain_string(child))
            elif child.data == "body":
                for item in _trees(child):
                    if item.data == "attribute":
                        attribute = self.attribute(item)
                        attributes[attribute.name] = attribute
                    elif item.data == "block":
                        blocks.append(self.block(item))
        return Block(
            type=names[0],
            labels=tuple(names[1:]),
            attributes=attributes,
            blocks=blocks,
            line=_line(node),
            end_line=int(getattr(node.meta, "end_line", _line(node))),
        )

    def attribute(self, node: Any) -> Attribute:
        name_node, expr_node = _trees(node)[0], _trees(node)[-1]
        name = (
            self.plain_string(name_node)
            if name_node.data == "string"
            else str(name_node.children[0])
        )
        return Attribute(name=name, expr=self.expr(expr_node), line=_line(node))

    def plain_string(self, node: Any) -> str:
        template = self.string(node)
        if any(not isinstance(part, str) for part in template.parts):
            raise _ConvertError("a block label or key cannot hold an interpolation", template.line)
        return "".join(part for part in template.parts if isinstance(part, str))

    def expr(self, node: Any) -> Expr:
        from lark import Token

        kind = node.data
        line = _line(node)
        if kind == "expr_term":
            tokens = [child for child in node.children if isinstance(child, Token)]
            inner = _trees(node)
            if tokens and tokens[0].type == "LPAR":
                return self.expr(inner[0])
            return self.expr(inner[0])
        if kind == "int_lit":
            return Literal(int(str(node.children[0])), line)
        if kind == "float_lit":
            return Literal(float(str(node.children[0])), line)
        if kind == "literal_value":
            word = str(node.children[0])
            return Literal({"true": True, "false": False, "null": None}[word], line)
        if kind in ("identifier", "keyword"):
            return Traversal(str(node.children[0]), (), line)
        if kind == "string":
            return self.string(node)
        if kind == "template_string":
            text = str(node.children[0])[2:-2]
            return Literal(_unescape(text), line)
        if kind in ("heredoc_template", "heredoc_template_trim"):
            return self.heredoc(str(node.children[0]), kind.endswith("_trim"), line)
        if kind == "tuple":
            return TupleExpr(tuple(self.expr(child) for child in _trees(node)), line)
        if kind == "object":
            items = []
            for element in _trees(node):
                key_node, value_node = _trees(element)[0], _trees(element)[-1]
                key_inner = _trees(key_node)[0] if _trees(key_node) else key_node
                key = self.expr(key_inner)
                if isinstance(key, Traversal) and not key.steps and key.source is None:
                    key = Literal(key.root, key.line)
                items.append((key, self.expr(value_node)))
            return ObjectExpr(tuple(items), line)
        if kind == "function_call":
            names = [str(child.children[0]) for child in _trees(node) if child.data == "identifier"]
            arguments = [child for child in _trees(node) if child.data == "arguments"]
            args: tuple[Expr, ...] = ()
            expand = False
            if arguments:
                args = tuple(self.expr(child) for child in _trees(arguments[0]))
                expand = any(
                    isinstance(child, Token) and child.type == "ELLIPSIS"
                    for child in arguments[0].children
                )
            return Call("::".join(names), args, line, expand)
        if kind in (
            "get_attr_expr_term",
            "index_expr_term",
            "attr_splat_expr_term",
            "full_splat_expr_term",
        ):
            return self.traversal(node)
        if kind == "conditional":
            parts = [self.expr(child) for child in _trees(node)]
            return Conditional(parts[0], parts[1], parts[2], line)
        if kind == "binary_op":
            left_node, term = _trees(node)[0], _trees(node)[1]
            operator_node, right_node = _trees(term)[0], _trees(term)[-1]
            return Operation(
                str(operator_node.children[0]), (self.expr(left_node), self.expr(right_node)), line
            )
        if kind == "unary_op":
            operator = str(node.children[0])
            return Operation(operator, (self.expr(_trees(node)[0]),), line)
        if kind in ("for_tuple_expr", "for_object_expr"):
            return self.for_expr(node, kind == "for_object_expr")
        if kind == "interpolation":
            return self.expr(_trees(node)[0])
        raise _ConvertError(f"unsupported syntax {kind}", line)

    def traversal(self, node: Any) -> Expr:
        steps: list[Step] = []
        current = node
        while current.data in (
            "get_attr_expr_term",
            "index_expr_term",
            "attr_splat_expr_term",
            "full_splat_expr_term",
        ):
            base, operation = _trees(current)[0], _trees(current)[1]
            steps[:0] = self.steps(operation)
            current = _trees(base)[0] if base.data == "expr_term" else base
            if current.data == "expr_term":
                current = _trees(current)[0]
        line = _line(node)
        if current.data in ("identifier", "keyword"):
            return Traversal(str(current.children[0]), tuple(steps), line)
        return Traversal("", tuple(steps), line, self.expr(current))

    def steps(self, operation: Any) -> list[Step]:
        from lark import Token

        kind = operation.data
        if kind == "get_attr":
            return [Step("attr", name=str(_trees(operation)[0].children[0]))]
        if kind == "braces_index":
            return [Step("index", index=self.expr(_trees(operation)[0]))]
        if kind == "short_index":
            number = [child for child in operation.children if isinstance(child, Token)][-1]
            return [Step("index", index=Literal(int(str(number)), _line(operation)))]
        if kind in ("attr_splat", "full_splat"):
            found = [Step("splat")]
            for child in _trees(operation):
                found.extend(self.steps(child))
            return found
        raise _ConvertError(f"unsupported traversal {kind}", _line(operation))

    def for_expr(self, node: Any, is_object: bool) -> ForExpr:
        from lark import Token

        intro = next(child for child in _trees(node) if child.data == "for_intro")
        names = [str(child.children[0]) for child in _trees(intro) if child.data == "identifier"]
        collection = self.expr(next(c for c in _trees(intro) if c.data != "identifier"))
        bodies = [child for child in _trees(node) if child.data not in ("for_intro", "for_cond")]
        conditions = [child for child in _trees(node) if child.data == "for_cond"]
        condition = self.expr(_trees(conditions[0])[0]) if conditions else None
        grouping = any(
            isinstance(child, Token) and child.type == "ELLIPSIS" for child in node.children
        )
        key_var, value_var = (names[0], names[1]) if len(names) == 2 else (None, names[0])
        return ForExpr(
            key_var=key_var,
            value_var=value_var,
            collection=collection,
            key=self.expr(bodies[0]) if is_object else None,
            value=self.expr(bodies[-1]),
            condition=condition,
            grouping=grouping,
            line=_line(node),
        )

    def string(self, node: Any) -> Template:
        parts: list[str | Expr] = []
        directive = False
        for part in _trees(node):
            child = part.children[0]
            if hasattr(child, "data"):
                if child.data == "interpolation":
                    parts.append(self.expr(_trees(child)[0]))
                else:
                    directive = True
                    parts.append(Traversal("%directive", (), _line(part, _line(node))))
                continue
            text = str(child)
            if child.type == "ESCAPED_INTERPOLATION" or child.type == "ESCAPED_DIRECTIVE":
                parts.append(text[1:])
            else:
                parts.append(_unescape(text))
        return Template(tuple(_merge(parts)), _line(node), directive=directive)

    def heredoc(self, token: str, trim: bool, line: int) -> Template:
        lines = token.split("\n")
        body_lines = lines[1:-2]
        if trim:
            widths = [len(text) - len(text.lstrip()) for text in body_lines if text.strip()]
            cut = min(widths) if widths else 0
            body_lines = [text[cut:] for text in body_lines]
        body = "\n".join(body_lines) + ("\n" if body_lines else "")
        parts, directive = _template_parts(body, line + 1)
        return Template(tuple(_merge(parts)), line, heredoc=True, directive=directive)


def _template_parts(text: str, line: int) -> tuple[list[str | Expr], bool]:
    """Split heredoc text into literal text and parsed `${...}` expressions."""
    parts: list[str | Expr] = []
    directive = False
    index = 0
    literal = ""
    while index < len(text):
        if text.startswith("$${", index) or text.startswith("%%{", index):
            literal += text[index + 1 : index + 3]
            index += 3
            continue
        if text.startswith("${", index) or text.startswith("%{", index):
            end = _closing_brace(text, index + 2)
            inner = text[index + 2 : end]
            here = line + text.count("\n", 0, index)
            if literal:
                parts.append(literal)
                literal = ""
            if text[index] == "%":
                directive = True
                parts.append(Traversal("%directive", (), here))
            else:
                parts.append(_parse_fragment(inner.strip().strip("~").strip(), here))
            index = end + 1
            continue
        literal += text[index]
        index += 1
    if literal:
        parts.append(literal)
    return parts, directive


def _closing_brace(text: str, start: int) -> int:
    depth = 0
    quoted = False
    index = start
    while index < len(text):
        char = text[index]
        if quoted:
            if char == "\\":
                index += 1
            elif char == '"':
                quoted = False
        elif char == '"':
            quoted = True
        elif char == "{":
            depth += 1
        elif char == "}":
            if depth == 0:
                return index
            depth -= 1
        index += 1
    raise _ConvertError("unterminated interpolation in heredoc", None)


def _parse_fragment(text: str, line: int) -> Expr:
    import hcl2
    from lark.exceptions import LarkError

    try:
        tree = hcl2.parses_to_tree(f"x = {text}\n")
    except LarkError:
        raise _ConvertError(f"cannot parse interpolation ${{{text}}}", line) from None
    attribute = next(node for node in _trees(tree.children[0]) if node.data == "attribute")
    expr = _Converter("").expr(_trees(attribute)[-1])
    return _shift(expr, line - 1)


def _shift(expr: Expr, offset: int) -> Expr:
    """Heredoc fragments are parsed alone; their line is the heredoc's line, not line 1."""
    import dataclasses

    return dataclasses.replace(expr, line=expr.line + offset)


def _merge(parts: list[str | Expr]) -> list[str | Expr]:
    merged: list[str | Expr] = []
    for part in parts:
        if isinstance(part, str) and merged and isinstance(merged[-1], str):
            merged[-1] = merged[-1] + part
        elif part != "":
            merged.append(part)
    return merged


def _unescape(text: str) -> str:
    if "\\" not in text:
        return text
    out: list[str] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text):
            nxt = text[index + 1]
            if nxt in _ESCAPES:
                out.append(_ESCAPES[nxt])
                index += 2
                continue
            if nxt == "u" and index + 6 <= len(text):
                out.append(chr(int(text[index + 2 : index + 6], 16)))
                index += 6
                continue
            if nxt == "U" and index + 10 <= len(text):
                out.append(chr(int(text[index + 2 : index + 10], 16)))
                index += 10
                continue
        out.append(char)
        index += 1
    return "".join(out)
