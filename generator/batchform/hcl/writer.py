"""HCL text out: the one place user strings become HCL literals, and the layout `terraform fmt` uses."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping

IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
# Bare keys that HCL would read as something other than a string.
_KEYWORDS = frozenset({"true", "false", "null", "for", "in", "if", "endfor", "endif"})
_SIMPLE_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
# A template sequence opener (`${`, `%{`) must not open a template.
_TEMPLATE_OPENER = re.compile(r"([$%])\{")


def quote(value: str) -> str:
    """Return value as a quoted HCL string literal that reads back as exactly value."""
    return _quote(value, escape=_invisible)


def _invisible(char: str) -> bool:
    return unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn")


# Characters that can share a grapheme cluster with a neighbour (Unicode UAX #29: marks, the
# Lo/Lm spacing marks and prepends, Hangul jamo, emoji modifiers, regional indicators).
_CLUSTER_RANGES = (
    (0x0E33, 0x0E33), (0x0EB3, 0x0EB3), (0x0D4E, 0x0D4E), (0x1100, 0x11FF), (0xA960, 0xA97F),
    (0xD7B0, 0xD7FF), (0xFF9E, 0xFF9F), (0x111C2, 0x111C3), (0x1193F, 0x1193F),
    (0x11941, 0x11941), (0x11A3A, 0x11A3A), (0x11A84, 0x11A89), (0x11D46, 0x11D46),
    (0x11F02, 0x11F02), (0x1F1E6, 0x1F1FF), (0x1F3FB, 0x1F3FF),
)


def _joins(char: str) -> bool:
    code = ord(char)
    return (
        _invisible(char)
        or unicodedata.category(char).startswith("M")
        or any(low <= code <= high for low, high in _CLUSTER_RANGES)
    )


def _quote(value: str, *, escape: Callable[[str], bool]) -> str:
    out = []
    for char in value:
        escaped = _SIMPLE_ESCAPES.get(char)
        if escaped is not None:
            out.append(escaped)
        elif escape(char):
            code = ord(char)
            out.append(f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}")
        else:
            out.append(char)
    return '"' + _TEMPLATE_OPENER.sub(_literal_opener, "".join(out)) + '"'


def _literal_opener(match: re.Match[str]) -> str:
    # HCL's own escape is `$${` / `%%{`, but python-hcl2 8.x (the parse-back check) reads it
    # only when a `}` follows in the same string; otherwise `\u007b`, a `{` that opens nothing
    # to Terraform and python-hcl2 alike.
    opener = match.group(1)
    if "}" in match.string[match.end() :]:
        return opener + opener + "{"
    return opener + "\\u007b"


_UNQUOTE = re.compile(r'\\(?:u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8})|(.))|([$%])\4\{', re.DOTALL)
_UNESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}


def unquote(literal: str) -> str:
    """Read a quoted HCL string literal (no interpolation) back to its value, as Terraform does.

    Terraform normalises every string to Unicode NFC after reading its escapes: an "e" followed
    by an escaped combining acute accent reads as the single character U+00E9, here as there.
    """
    if len(literal) < 2 or literal[0] != '"' or literal[-1] != '"':
        raise ValueError(f"not a quoted HCL string: {literal!r}")

    def replace(match: re.Match[str]) -> str:
        short, long, simple, opener = match.groups()
        if opener:
            return opener + "{"
        if short or long:
            return chr(int(short or long, 16))
        if simple in _UNESCAPES:
            return _UNESCAPES[simple]
        raise ValueError(f"unknown escape \\{simple} in {literal!r}")

    return unicodedata.normalize("NFC", _UNQUOTE.sub(replace, literal[1:-1]))


def is_literal(text: str) -> bool:
    """Whether a quoted HCL string holds no interpolation or directive, only literal text."""
    index = 0
    while index < len(text):
        if text[index] == "\\":
            index += 2
        elif text.startswith(("$${", "%%{"), index):
            index += 3
        elif text.startswith(("${", "%{"), index):
            return False
        else:
            index += 1
    return True


def key(name: str) -> str:
    """An object key: bare when it is a plain identifier, quoted otherwise.

    Names starting with `__` are quoted too: python-hcl2 marks its own metadata that way.

    `terraform fmt` aligns keys by grapheme clusters; a character that could join its neighbour
    into one cluster is written as an escape, so every character of a key is one column.
    """
    if IDENTIFIER.match(name) and name not in _KEYWORDS and not name.startswith("__"):
        return name
    return _quote(name, escape=_joins)


def number(value: float) -> str:
    """A number literal: whole numbers without a fraction."""
    if isinstance(value, bool):
        raise TypeError("booleans are not numbers")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return repr(value)


class Expression(str):
    """An HCL expression batchform writes itself, placed as it is rather than quoted."""


def literal(value: object) -> str:
    """A literal of a string, number, bool or a flat list of them, on one line."""
    if isinstance(value, Expression):
        return str(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return quote(value)
    if isinstance(value, (int, float)):
        return number(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(literal(item) for item in value) + "]"
    raise TypeError(f"no HCL literal for {type(value).__name__}")


def object_lines(mapping: Mapping[str, object], indent: int) -> str:
    """A multi-line object constructor sorted by key, `{}` when empty; `align` lines it up."""
    if not mapping:
        return "{}"
    pad = " " * (indent + 2)
    body = "".join(f"{pad}{key(k)} = {literal(mapping[k])}\n" for k in sorted(mapping))
    return "{\n" + body + " " * indent + "}"


def value_lines(value: object, indent: int) -> str:
    """A literal of any spec value: tables become multi-line objects (keys in their order),
    lists of tables multi-line lists, null for None; flat lists stay on one line."""
    if value is None:
        return "null"
    pad = " " * (indent + 2)
    if isinstance(value, Mapping):
        if not value:
            return "{}"
        body = "".join(
            f"{pad}{key(str(k))} = {value_lines(v, indent + 2)}\n" for k, v in value.items()
        )
        return "{\n" + body + " " * indent + "}"
    if isinstance(value, (list, tuple)) and any(isinstance(item, Mapping) for item in value):
        body = "".join(f"{pad}{value_lines(item, indent + 2)},\n" for item in value)
        return "[\n" + body + " " * indent + "]"
    return literal(value)


def list_lines(items: Iterable[str], indent: int) -> str:
    """A multi-line list of already rendered expressions, one per line."""
    pad = " " * (indent + 2)
    return "[\n" + "".join(f"{pad}{item},\n" for item in items) + " " * indent + "]"


# --------------------------------------------------------------------------------------------
# Layout: what `terraform fmt` does to the lines batchform writes
# --------------------------------------------------------------------------------------------

_LEAD = re.compile(r'^(\s*)([A-Za-z_][A-Za-z0-9_-]*|"(?:[^"\\]|\\.)*")\s*=(?![=>])\s*(.*)$')
_OPENERS = {"{": 1, "[": 1, "(": 1, "}": -1, "]": -1, ")": -1}


def align(text: str) -> str:
    """Align `=` across consecutive one-line attributes, as `terraform fmt` does.

    fmt aligns a run of lines that each hold a whole `name = value` assignment; a blank line, a
    comment line, a block header, a closing bracket or an assignment that opens a multi-line
    value ends the run. Widths count characters; fmt counts grapheme clusters, which is the same
    because `key` escapes every character that could join a cluster.
    """
    lines = text.split("\n")
    out: list[str] = []
    run: list[tuple[str, str]] = []

    def flush() -> None:
        width = max((len(lead) for lead, _ in run), default=0)
        out.extend(f"{lead.ljust(width)} = {rest}".rstrip() for lead, rest in run)
        run.clear()

    for line in lines:
        match = _LEAD.match(line)
        if match and _balanced(match.group(3)):
            indent, name, rest = match.groups()
            run.append((indent + name, rest))
            continue
        flush()
        out.append(line)
    flush()
    return "\n".join(out)


def _balanced(expression: str) -> bool:
    """Whether an attribute's value ends on its own line (fmt's net bracket count is zero)."""
    # Interpolations open and close inside their string, so only brackets outside strings
    # decide whether the value continues on the next lines.
    depth, index, in_string, interp = 0, 0, False, 0
    while index < len(expression):
        char = expression[index]
        pair = expression[index : index + 2]
        if in_string and not interp:
            if char == "\\":
                index += 2
                continue
            if pair in ("$$", "%%") and expression[index + 2 : index + 3] == "{":
                index += 3
                continue
            if pair in ("${", "%{"):
                interp = 1
                index += 2
                continue
            if char == '"':
                in_string = False
        elif in_string and interp:
            if char == "{":
                interp += 1
            elif char == "}":
                interp -= 1
        elif char == '"':
            in_string = True
        elif char in _OPENERS:
            depth += _OPENERS[char]
        index += 1
    return depth == 0


def tidy(text: str, *, code: bool = True) -> str:
    """Normalise blank lines: none doubled, none opening or closing a block, one final newline."""
    lines = [line.rstrip() for line in text.split("\n")]
    out: list[str] = []
    for line in lines:
        if not line and (not out or not out[-1] or (code and out[-1].endswith(("{", "[")))):
            continue
        if code and line.lstrip().startswith(("}", "]")) and out and not out[-1]:
            out.pop()
        out.append(line)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out) + "\n"
