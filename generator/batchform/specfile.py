"""Reading a spec file: TOML or YAML in, a validated Spec out, or errors with file, field, line."""

from __future__ import annotations

import difflib
import json
import os
import re
import stat
import tomllib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import UnionType
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from batchform.errors import SpecError, SpecProblem, UsageError
from batchform.spec import CrossReferenceError, Spec
from batchform.spec_options import spec_context

YAML_SUFFIXES = (".yaml", ".yml")
# Far above any real spec (1,000 job definitions take about 300 KB), far below what would
# take a noticeable time to read.
MAX_SPEC_BYTES = 16 * 1024 * 1024
# A spec nests four levels (job_definitions -> a job -> environment -> a value); anything
# this deep is not a spec, and Python's parsers would run out of stack well before long.
MAX_DEPTH = 64
# What YAML aliases may expand a spec to: a real spec with anchors stays far below, an alias
# bomb ("billion laughs") expands to 10^9 values and is refused before anything walks it.
MAX_YAML_VALUES = 1_000_000
# How problems name the spec when none was given.
DEFAULT_SOURCE = "<built-in default spec>"
# Lists whose elements carry a `name`: errors call an element by it.
NAMED_LISTS = ("compute_environments", "job_queues", "job_definitions")
_ELEMENT_REFERENCE = re.compile(rf"\b({'|'.join(NAMED_LISTS)})\.(\d+)\b")
_FILE_KINDS = {
    stat.S_IFDIR: "a directory",
    stat.S_IFIFO: "a named pipe (FIFO)",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
}


@dataclass(frozen=True)
class ReadSpec:
    """A valid spec and what it says that will work on a condition batchform cannot check."""

    spec: Spec
    source: str
    warnings: list[SpecProblem] = field(default_factory=list)

    def warning_lines(self) -> list[str]:
        """Each warning as `file:line: field: message`."""
        return [warning.render(self.source) for warning in self.warnings]


def load_spec(path: Path | None) -> Spec:
    """Read and validate a spec file; without a path, the built-in default spec."""
    return read_spec(path).spec


def read_spec(path: Path | None) -> ReadSpec:
    """Read and validate a spec file (without a path, the built-in default spec), with its
    warnings."""
    if path is None:
        text = starter_spec_text()
        return _read(text, source=DEFAULT_SOURCE, suffix=".toml", spec_dir=None)
    raw = read_spec_bytes(path)
    try:
        text = raw.decode("utf-8-sig")  # a leading byte order mark is not part of the spec
    except UnicodeDecodeError as error:
        raise SpecError(path, [SpecProblem("", f"not UTF-8 text ({error.reason})")]) from None
    return _read(text, source=str(path), suffix=path.suffix.lower(), spec_dir=path.parent)


@dataclass(frozen=True)
class SpecLocation:
    """A spec as problems found after validation point into it: its source, its data (for the
    names of list elements) and the line of each field, where the format gives one."""

    source: str
    data: Any
    locate: Callable[[Sequence[str]], int | None]

    def problem(self, parts: Sequence[str], message: str) -> SpecProblem:
        """A problem at a field, named the spec's way: `job_definitions "big": vcpus`."""
        return SpecProblem(display_path(parts, self.data), message, self.locate(parts))


def locate_fields(path: Path | None) -> SpecLocation:
    """A valid spec file read again, to name fields and their lines (the built-in default spec
    without a path)."""
    if path is None:
        text, source, suffix = starter_spec_text(), DEFAULT_SOURCE, ".toml"
    else:
        text = read_spec_bytes(path).decode("utf-8-sig")
        source, suffix = str(path), path.suffix.lower()
    data, locate = _decode(text, source=source, suffix=suffix)
    return SpecLocation(source, data, locate)


def read_spec_bytes(path: Path) -> bytes:
    """The bytes of a spec file; anything but a regular file is refused without reading it."""
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer.
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        raise UsageError(
            f"{path}: no such spec file; `batchform init {path}` writes a starter"
        ) from None
    except OSError as error:
        raise UsageError(f"{path}: cannot read the spec: {error.strerror}") from None
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            kind = _FILE_KINDS.get(stat.S_IFMT(info.st_mode), "not a regular file")
            hint = f", e.g. {path / 'batchform.toml'}" if stat.S_ISDIR(info.st_mode) else ""
            raise UsageError(
                f"{path}: is {kind}; give a spec file (TOML or YAML){hint}"
            )
        chunks: list[bytes] = []
        size = 0
        while chunk := os.read(descriptor, 1 << 20):
            chunks.append(chunk)
            size += len(chunk)
            if size > MAX_SPEC_BYTES:
                raise UsageError(
                    f"{path}: larger than {MAX_SPEC_BYTES // (1024 * 1024)} MiB; "
                    "that is not a spec"
                )
        return b"".join(chunks)
    except OSError as error:
        raise UsageError(f"{path}: cannot read the spec: {error.strerror}") from None
    finally:
        os.close(descriptor)


def parse_spec(text: str, *, source: str, suffix: str, spec_dir: Path | None = None) -> Spec:
    """Validate spec text in TOML (.toml) or YAML (.yaml/.yml) form; paths in it (user data)
    are relative to spec_dir, by default the current directory."""
    return _read(text, source=source, suffix=suffix, spec_dir=spec_dir).spec


def _read(text: str, *, source: str, suffix: str, spec_dir: Path | None) -> ReadSpec:
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise SpecError(
            source,
            [SpecProblem("", "the spec is empty; `batchform init` writes a commented starter")],
        )
    data, locate = _decode(text, source=source, suffix=suffix)
    if data is None or data == {}:
        raise SpecError(
            source,
            [SpecProblem("", "the spec holds no keys, only comments or blank lines; "
                         "`batchform init` writes a commented starter")],
        )
    if not isinstance(data, dict):
        hint = _format_hint(text, suffix)
        raise SpecError(
            source,
            [SpecProblem("", f"the spec must be a table of keys, not a {type(data).__name__}"
                         f"{hint}")],
        )
    try:
        spec = Spec.model_validate(data, context=spec_context(spec_dir))
    except ValidationError as error:
        raise SpecError(source, list(_problems(error, locate, data))) from None
    warnings = [
        SpecProblem(display_path(path.split("."), data), _name_elements(message, data),
                    locate(path.split(".")))
        for path, message in spec.warnings
    ]
    return ReadSpec(spec, source, warnings)


def _decode(text: str, *, source: str, suffix: str) -> tuple[Any, _Locator]:
    if suffix in YAML_SUFFIXES:
        try:
            return _decode_yaml(text, source)
        except SpecError as error:
            raise _with_hint(error, _format_hint(text, suffix)) from None
    if suffix not in (".toml", ""):
        raise SpecError(
            source,
            [SpecProblem("", f"unknown spec format {suffix!r}; use a .toml, .yaml or .yml file")],
        )
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        line = _toml_error_line(str(error))
        hint = _format_hint(text, suffix)
        raise SpecError(
            source, [SpecProblem("", f"not valid TOML: {error}{hint}", line=line)]
        ) from None
    except RecursionError:
        raise SpecError(source, [_too_deep()]) from None
    if _depth(data) > MAX_DEPTH:
        raise SpecError(source, [_too_deep()])
    return data, _TomlLocator(text)


def _too_deep(line: int | None = None) -> SpecProblem:
    return SpecProblem(
        "", f"nested deeper than {MAX_DEPTH} levels; a spec nests at most 4", line=line
    )


def _depth(data: Any) -> int:
    """How deeply lists and tables nest in data (a scalar is 0), without recursion."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children: Iterable[Any] = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        deepest = max(deepest, depth + 1)
        if deepest > MAX_DEPTH:
            return deepest
        stack.extend((child, depth + 1) for child in children)
    return deepest


def _format_hint(text: str, suffix: str) -> str:
    """'; this looks like YAML ...' when text that failed as one format reads as the other."""
    if suffix in YAML_SUFFIXES:
        try:
            looks_like_other = bool(tomllib.loads(text))
        except (tomllib.TOMLDecodeError, RecursionError):
            looks_like_other = False
        return "; this looks like TOML: name the file .toml" if looks_like_other else ""
    try:
        data, _ = _decode_yaml(text, "")
    except SpecError:
        return ""
    if isinstance(data, dict) and data:
        return "; this looks like YAML: name the file .yaml"
    return ""


def _with_hint(error: SpecError, hint: str) -> SpecError:
    if not hint:
        return error
    first, *rest = error.problems
    return SpecError(error.source, [SpecProblem(first.field, first.message + hint, first.line),
                                    *rest])


# --------------------------------------------------------------------------------------------
# YAML: bounded before anything walks it
# --------------------------------------------------------------------------------------------


def _decode_yaml(text: str, source: str) -> tuple[Any, _Locator]:
    import yaml

    try:
        _check_yaml_nesting(text, source)
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        if node is None:
            return None, _Locator()
        _check_yaml_expansion(node, source)
        loader = yaml.SafeLoader("")
        try:
            data = loader.construct_document(node)
        finally:
            loader.dispose()
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(error, "problem", None) or str(error)
        raise SpecError(source, [SpecProblem("", f"not valid YAML: {problem}", line=line)]) from None
    duplicates = [SpecProblem(display_path(path, data), message, line)
                  for path, message, line in _yaml_duplicates(node)]
    if duplicates:
        raise SpecError(source, duplicates)
    return data, _YamlLocator(node)


def _check_yaml_nesting(text: str, source: str) -> None:
    # The composer recurses once per level; the event parser does not, so it measures first.
    import yaml

    depth = 0
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                mark = event.start_mark
                raise SpecError(source, [_too_deep(mark.line + 1 if mark else None)])
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def _check_yaml_expansion(root: Any, source: str) -> None:
    """Refuse aliases that expand the document beyond MAX_YAML_VALUES values, nest it deeper
    than MAX_DEPTH, or refer to a node that holds them; each node is measured once."""
    import yaml

    sizes: dict[int, tuple[int, int]] = {}  # id(node) -> (values, depth)
    open_nodes: set[int] = set()
    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if key in sizes:
            continue
        children = _yaml_children(node)
        if not children_done:
            if key in open_nodes:
                raise SpecError(source, [SpecProblem(
                    "", "a YAML alias refers to a collection that contains it; a spec cannot "
                    "hold itself", line=node.start_mark.line + 1)])
            open_nodes.add(key)
            stack.append((node, True))
            stack.extend((child, False) for child in children if id(child) not in sizes)
            continue
        open_nodes.discard(key)
        values = 1 + sum(sizes[id(child)][0] for child in children)
        depth = 0
        if not isinstance(node, yaml.ScalarNode):
            depth = 1 + max((sizes[id(child)][1] for child in children), default=0)
        if values > MAX_YAML_VALUES:
            raise SpecError(source, [SpecProblem(
                "", f"YAML aliases expand the spec to more than {MAX_YAML_VALUES:,} values "
                "(an alias bomb?); write the values out, or use fewer aliases",
                line=node.start_mark.line + 1)])
        if depth > MAX_DEPTH:
            raise SpecError(source, [_too_deep(node.start_mark.line + 1)])
        sizes[key] = (values, depth)


def _yaml_children(node: Any) -> list[Any]:
    import yaml

    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _yaml_duplicates(root: Any) -> Iterable[tuple[list[str], str, int]]:
    # YAML loaders keep the last of two equal keys without a word; TOML refuses them.
    # Every node is visited once: an alias repeats a node, not its problems.
    import yaml

    seen_nodes: set[int] = set()
    stack: list[tuple[Any, list[str]]] = [(root, [])]
    while stack:
        node, path = stack.pop()
        if id(node) in seen_nodes:
            continue
        seen_nodes.add(id(node))
        if isinstance(node, yaml.MappingNode):
            seen: dict[str, int] = {}
            for key, _value in node.value:
                name = str(key.value)
                line = key.start_mark.line + 1
                if name in seen:
                    yield [*path, name], f"duplicate key: already given on line {seen[name]}; " \
                        "keep one", line
                seen.setdefault(name, line)
            stack.extend((value, [*path, str(key.value)]) for key, value in reversed(node.value))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((item, [*path, str(index)])
                         for index, item in reversed(list(enumerate(node.value))))


def _toml_error_line(message: str) -> int | None:
    match = re.search(r"\(at line (\d+)", message)
    return int(match.group(1)) if match else None


# --------------------------------------------------------------------------------------------
# Validation errors: each with the field as the user wrote it, and its line
# --------------------------------------------------------------------------------------------


def display_path(parts: Sequence[str], data: Any) -> str:
    """A field path the way the spec names it: `compute_environments "ondemand": max_vcpus`,
    or `job_queues[2]: priority` for an element without a name (counted from 1)."""
    text = ""
    after_element = False
    node = data
    for part in parts:
        if isinstance(node, list) and part.isdigit():
            text += _element_label(node, int(part))
            node = node[int(part)] if int(part) < len(node) else None
            after_element = True
            continue
        separator = ": " if after_element else "." if text else ""
        text += separator + part
        after_element = False
        node = node.get(part) if isinstance(node, dict) else None
    return text


def _element_label(elements: list[Any], index: int) -> str:
    # By name when it names this element alone, else by position.
    names = [item.get("name") if isinstance(item, dict) else None for item in elements]
    name = names[index] if index < len(names) else None
    if isinstance(name, str) and name and names.count(name) == 1:
        return f" {json.dumps(name, ensure_ascii=False)}"
    return f"[{index + 1}]"


def _name_elements(message: str, data: Any) -> str:
    # Checks across elements point at one another by position; say it the user's way.
    return _ELEMENT_REFERENCE.sub(
        lambda match: display_path([match.group(1), match.group(2)], data), message
    )


def _problems(error: ValidationError, locate: _Locator, data: Any) -> Iterable[SpecProblem]:
    # A value that fits no member of a union fails once per member: say it once.
    items: list[tuple[Any, list[str]]] = []
    expected: dict[str, list[str]] = {}
    for item in error.errors(include_url=False):
        cause = item.get("ctx", {}).get("error")
        if isinstance(cause, CrossReferenceError):
            base, _ = _field_path(item["loc"])
            for field, message in cause.problems:
                parts = [*base, *field.split(".")]
                yield SpecProblem(
                    display_path(parts, data), _name_elements(message, data), locate(parts)
                )
            continue
        path, in_union = _field_path(item["loc"])
        field = ".".join(path)
        if in_union and _is_type_error(item["type"]):
            if field in expected:
                expected[field].append(_expected(item["type"]))
                continue
            expected[field] = [_expected(item["type"])]
        items.append((item, path))
    for item, path in items:
        message = _message(item, path, expected.get(".".join(path)))
        yield SpecProblem(display_path(path, data), _name_elements(message, data), locate(path))


def _field_path(loc: Sequence[int | str]) -> tuple[list[str], bool]:
    """The spec's key path of an error, without pydantic's union-member tags."""
    annotation: Any = Spec
    path: list[str] = []
    in_union = False
    for part in loc:
        members = _union_members(annotation)
        if members and isinstance(part, str):
            annotation = next((m for m in members if _member_tag(m) == part), None)
            in_union = True
            continue
        path.append(str(part))
        annotation = _child_annotation(annotation, str(part))
    return path, in_union


def _union_members(annotation: Any) -> list[Any]:
    if get_origin(annotation) not in (Union, UnionType):
        return []
    members = [arg for arg in get_args(annotation) if arg is not type(None)]
    return members if len(members) > 1 else []


def _member_tag(annotation: Any) -> str:
    return annotation.__name__ if get_origin(annotation) is None else str(annotation)


def _child_annotation(annotation: Any, part: str) -> Any:
    members = [arg for arg in get_args(annotation) if arg is not type(None)]
    if get_origin(annotation) in (Union, UnionType) and len(members) == 1:
        annotation = members[0]
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        field = annotation.model_fields.get(part)
        return field.annotation if field is not None else None
    if get_origin(annotation) is list:
        return get_args(annotation)[0]
    if get_origin(annotation) is dict:
        return get_args(annotation)[1]
    return None


def _model_at(path: Sequence[str]) -> type[BaseModel] | None:
    annotation: Any = Spec
    for part in path:
        annotation = _child_annotation(annotation, part)
    members = [arg for arg in get_args(annotation) if arg is not type(None)]
    if get_origin(annotation) in (Union, UnionType) and len(members) == 1:
        annotation = members[0]
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None


def _is_type_error(kind: str) -> bool:
    return kind.endswith("_type")


def _expected(kind: str) -> str:
    name = kind.removesuffix("_type")
    return {"model": "table", "model_attributes": "table", "dict": "table", "list": "list",
            "int": "whole number", "float": "number", "bool": "true or false",
            "string": "string"}.get(name, name.replace("_", " "))


RANGE_ERRORS = ("greater_than_equal", "less_than_equal", "greater_than", "less_than",
                "too_short", "too_long", "string_too_short", "string_too_long")


def _message(item: Any, path: Sequence[str], expected: list[str] | None = None) -> str:
    kind = item["type"]
    value = item.get("input")
    if kind == "extra_forbidden":
        model = _model_at(path[:-1])
        known = sorted(model.model_fields) if model is not None else []
        close = difflib.get_close_matches(path[-1], known, n=1, cutoff=0.6)
        hint = f"did you mean {close[0]!r}? " if close else ""
        return (
            f"unknown key {path[-1]!r}; {hint}the keys here are {', '.join(known)} "
            "(`batchform init` writes a starter with every key explained)"
        )
    if kind == "missing":
        return f"required key {path[-1]!r} is missing; add it (see `batchform init`)"
    if _is_type_error(kind):
        names = expected or [_expected(kind)]
        wanted = " or ".join(name if name == "true or false" else f"a {name}" for name in names)
        return f"expected {wanted}, got {type(value).__name__} {value!r}"
    if kind == "literal_error":
        message = f"{value!r} is not allowed; use one of {item['ctx']['expected']}"
    elif kind in RANGE_ERRORS:
        text: str = item["msg"]
        message = f"{value!r} is out of range: {text[0].lower()}{text[1:]}"
    else:
        message = str(item["msg"]).removeprefix("Value error, ")
    if value == "":
        return _empty(kind, message)
    return message


def _empty(kind: str, message: str) -> str:
    """An empty string is reported as such, keeping what the check says would be right."""
    if kind in RANGE_ERRORS:
        return "must not be empty"
    if kind == "literal_error":
        return "must not be empty; " + message.split("; ", 1)[1]
    _, found, advice = message.partition(": ")
    return f"must not be empty; {advice}" if found else "must not be empty"


class _Locator:
    def __call__(self, path: Sequence[str]) -> int | None:
        return None


class _YamlLocator(_Locator):
    def __init__(self, root: Any) -> None:
        self.root = root

    def __call__(self, path: Sequence[str]) -> int | None:
        import yaml

        node, line = self.root, None
        for part in path:
            if isinstance(node, yaml.MappingNode):
                match = next((v for k, v in node.value if k.value == part), None)
                key = next((k for k, v in node.value if k.value == part), None)
                if match is None:
                    break
                line = key.start_mark.line + 1 if key is not None else line
                node = match
            elif isinstance(node, yaml.SequenceNode) and part.isdigit():
                if int(part) >= len(node.value):
                    break
                node = node.value[int(part)]
                line = node.start_mark.line + 1
            else:
                break
        return line


class _TomlLocator(_Locator):
    """Finds the line of a key in TOML text by walking table headers; best effort."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()

    def __call__(self, path: Sequence[str]) -> int | None:
        start, end = 0, self._section_end(0)
        table: list[str] = []
        line: int | None = None
        parts = list(path)
        while parts:
            part = parts.pop(0)
            inline = self._key_line(part, start, end)
            if inline is not None and parts and parts[0].isdigit():
                # An element of an inline array: its line is the key's.
                return inline + 1
            if parts and parts[0].isdigit():
                header = ".".join([*table, part])
                found = self._nth_header(f"[[{header}]]", int(parts.pop(0)))
                if found is None:
                    return line
                table.append(part)
                start, end, line = found + 1, self._section_end(found + 1), found + 1
                continue
            key = self._key_line(part, start, end)
            if key is not None:
                line = key + 1
                continue
            header = ".".join([*table, part])
            found = self._nth_header(f"[{header}]", 0)
            if found is None:
                return line
            table.append(part)
            start, end, line = found + 1, self._section_end(found + 1), found + 1
        return line

    def _nth_header(self, header: str, index: int) -> int | None:
        hits = [i for i, text in enumerate(self.lines) if text.strip() == header]
        return hits[index] if index < len(hits) else None

    def _section_end(self, start: int) -> int:
        for i in range(start, len(self.lines)):
            if self.lines[i].lstrip().startswith("["):
                return i
        return len(self.lines)

    def _key_line(self, key: str, start: int, end: int) -> int | None:
        pattern = re.compile(rf'^\s*(?:{re.escape(key)}|"{re.escape(key)}")\s*=')
        for i in range(start, end):
            if pattern.match(self.lines[i]):
                return i
        return None


# --------------------------------------------------------------------------------------------
# Starter spec
# --------------------------------------------------------------------------------------------


def starter_spec_text(suffix: str = ".toml") -> str:
    """The commented starter spec in the format a file suffix names (.toml, .yaml, .yml); the
    TOML one is also the default spec of `batchform generate`."""
    from batchform.starter import starter_text

    return starter_text(suffix)


def write_starter_spec(path: Path, *, force: bool = False) -> None:
    """Write the commented starter spec to path in the format its suffix names, refusing to
    overwrite unless forced."""
    from batchform.starter import write_starter

    write_starter(path, force=force)
