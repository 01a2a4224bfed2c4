"""The starter spec `batchform init` writes: one commented TOML source, and the same spec with
the same comments in YAML, converted line by line so the two never drift apart."""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from batchform.errors import UsageError

STARTER_SPEC = "starter.toml"
FORMATS = {".toml": "TOML", ".yaml": "YAML", ".yml": "YAML"}

_KEY = r"[A-Za-z0-9_-]+"
_SETTING = re.compile(rf"({_KEY})\s*=")
_TABLE = re.compile(rf"\[({_KEY})\]\s*$")
_ARRAY_TABLE = re.compile(rf"\[\[({_KEY})\]\]\s*$")
# Strings YAML reads back unchanged without quotes (flow context: no ',[]{}:#' and no spaces).
_PLAIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_./-]*")


def starter_text(suffix: str = ".toml") -> str:
    """The starter spec in the format a file suffix names."""
    source = resources.files("batchform").joinpath("data", STARTER_SPEC).read_text("utf-8")
    if FORMATS.get(suffix) == "YAML":
        return toml_to_yaml(source)
    return source


def write_starter(path: Path, *, force: bool = False) -> None:
    """Write the starter spec to path in the format its suffix names, refusing to overwrite a
    file unless forced."""
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise UsageError(
            f"{path}: batchform reads TOML (.toml) and YAML (.yaml, .yml) specs; name the file "
            f"{path.with_suffix('.toml').name} or {path.with_suffix('.yaml').name}"
        )
    if path.is_dir():
        raise UsageError(f"{path}: is a directory; give a file name such as {path / 'batchform.toml'}")
    if path.exists() and not force:
        raise UsageError(f"{path}: already exists; pass --force to overwrite it")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(starter_text(suffix), encoding="utf-8")
    except OSError as error:
        raise UsageError(f"{path}: cannot write the starter spec: {error.strerror}") from None


# --------------------------------------------------------------------------------------------
# TOML to YAML, for the subset the starter uses: comments, commented-out settings, `key =
# value` lines with trailing comments, [table] and [[array of tables]] headers.
# --------------------------------------------------------------------------------------------


@dataclass
class _Converter:
    lines: list[str] = field(default_factory=list)
    # Comments and blank lines wait for the next key or header, which decides their indent.
    pending: list[tuple[str, int]] = field(default_factory=list)
    indent: int = 0
    array: str | None = None
    element_starts: bool = False

    def comment(self, line: str) -> None:
        body = line.strip()[1:].removeprefix(" ")
        setting = _parse_setting(body)
        if setting is None:
            self.pending.append((line.strip(), -1))
            return
        self.flush(self.indent)
        key, value, comment, column = setting
        self.lines.append(_yaml_line(" " * self.indent + "# ", key, value, comment, column + 2))

    def blank(self) -> None:
        self.pending.append(("", -1))

    def header(self, name: str, *, array: bool) -> None:
        # Comments right above a header (after the last blank line) describe it.
        split = max((i + 1 for i, (text, _) in enumerate(self.pending) if not text), default=0)
        before, above = self.pending[:split], self.pending[split:]
        self.pending = before
        self.flush(self.indent)
        self.pending = above
        self.flush(0)
        if not array:
            self.lines.append(f"{name}:")
            self.indent, self.array = 2, None
            return
        if self.array != name:
            self.lines.append(f"{name}:")
        self.indent, self.array, self.element_starts = 4, name, True

    def setting(self, line: str, number: int) -> None:
        parsed = _parse_setting(line)
        if parsed is None:
            raise ValueError(f"{STARTER_SPEC}:{number}: not a `key = value` line: {line!r}")
        key, value, comment, column = parsed
        prefix = " " * self.indent
        if self.element_starts:
            self.flush(self.indent - 2)
            prefix = " " * (self.indent - 2) + "- "
            self.element_starts = False
        else:
            self.flush(self.indent)
        self.lines.append(_yaml_line(prefix, key, value, comment, column))

    def flush(self, indent: int) -> None:
        for text, _ in self.pending:
            self.lines.append(" " * indent + text if text else "")
        self.pending = []


def toml_to_yaml(source: str) -> str:
    """The same spec as YAML: every comment kept in place, commented-out settings written the
    YAML way so that uncommenting them works; checked to load to the same data."""
    converter = _Converter()
    for number, line in enumerate(source.splitlines(), start=1):
        stripped = line.strip()
        if not stripped:
            converter.blank()
        elif stripped.startswith("#"):
            converter.comment(line)
        elif match := _ARRAY_TABLE.match(stripped):
            converter.header(match.group(1), array=True)
        elif match := _TABLE.match(stripped):
            converter.header(match.group(1), array=False)
        else:
            converter.setting(line, number)
    converter.flush(0)
    text = "\n".join(converter.lines).rstrip("\n") + "\n"
    _check_same_data(source, text)
    return text


def _parse_setting(text: str) -> tuple[str, Any, str, int] | None:
    """`key = value  # comment` as (key, value, comment, column of the comment), or None."""
    match = _SETTING.match(text.strip())
    if match is None:
        return None
    key = match.group(1)
    offset = len(text) - len(text.lstrip())
    # The value ends at the first '#' outside it: the shortest prefix that is valid TOML.
    ends = [i for i, ch in enumerate(text) if ch == "#"] + [len(text)]
    for end in ends:
        try:
            data = tomllib.loads(text[offset:end])
        except tomllib.TOMLDecodeError:
            continue
        if key in data:
            return key, data[key], text[end:].strip(), end
    return None


def _yaml_line(prefix: str, key: str, value: Any, comment: str, column: int) -> str:
    code = f"{prefix}{_yaml_scalar_or_flow(key)}: {_yaml_scalar_or_flow(value)}"
    if not comment:
        return code
    return code.ljust(max(column, len(code) + 2)) + comment


def _yaml_scalar_or_flow(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return value if _reads_back_plain(value) else json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(_yaml_scalar_or_flow(item) for item in value) + "]"
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = ", ".join(
            f"{_yaml_scalar_or_flow(k)}: {_yaml_scalar_or_flow(v)}" for k, v in value.items()
        )
        return "{ " + items + " }"
    raise ValueError(f"{STARTER_SPEC}: no YAML form for {value!r}")


def _reads_back_plain(text: str) -> bool:
    import yaml

    # YAML 1.1 reads yes, on, 1e3, 0x1f or 2024-01-01 as other types; those stay quoted.
    return bool(_PLAIN.fullmatch(text)) and yaml.safe_load(text) == text


def _check_same_data(source: str, converted: str) -> None:
    import yaml

    if yaml.safe_load(converted) != tomllib.loads(source):
        raise ValueError(f"{STARTER_SPEC}: the YAML starter does not load to the same spec")
