"""Reading a spec file: TOML or YAML in, a validated Spec out, or errors with file, field, line."""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Iterable, Sequence
from importlib import resources
from pathlib import Path
from types import UnionType
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from batchform.errors import SpecError, SpecProblem, UsageError
from batchform.spec import CrossReferenceError, Spec

STARTER_SPEC = "starter.toml"


def load_spec(path: Path | None) -> Spec:
    """Read and validate a spec file; without a path, the built-in default spec."""
    if path is None:
        text = starter_spec_text()
        return parse_spec(text, source="<built-in default spec>", suffix=".toml")
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise UsageError(
            f"{path}: no such spec file; `batchform init {path}` writes a starter"
        ) from None
    except OSError as error:
        raise UsageError(f"{path}: cannot read the spec: {error.strerror}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise SpecError(path, [SpecProblem("", f"not UTF-8 text ({error.reason})")]) from None
    return parse_spec(text, source=str(path), suffix=path.suffix.lower())


def parse_spec(text: str, *, source: str, suffix: str) -> Spec:
    """Validate spec text in TOML (.toml) or YAML (.yaml/.yml) form."""
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
        raise SpecError(
            source,
            [SpecProblem("", f"the spec must be a table of keys, not a {type(data).__name__}")],
        )
    try:
        return Spec.model_validate(data)
    except ValidationError as error:
        raise SpecError(source, list(_problems(error, locate))) from None


def _decode(text: str, *, source: str, suffix: str) -> tuple[Any, _Locator]:
    if suffix in (".yaml", ".yml"):
        return _decode_yaml(text, source)
    if suffix not in (".toml", ""):
        raise SpecError(
            source,
            [SpecProblem("", f"unknown spec format {suffix!r}; use a .toml, .yaml or .yml file")],
        )
    try:
        return tomllib.loads(text), _TomlLocator(text)
    except tomllib.TOMLDecodeError as error:
        line = _toml_error_line(str(error))
        raise SpecError(
            source, [SpecProblem("", f"not valid TOML: {error}", line=line)]
        ) from None


def _decode_yaml(text: str, source: str) -> tuple[Any, _Locator]:
    import yaml

    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(error, "problem", None) or str(error)
        raise SpecError(source, [SpecProblem("", f"not valid YAML: {problem}", line=line)]) from None
    duplicates = list(_yaml_duplicates(node, []))
    if duplicates:
        raise SpecError(source, duplicates)
    return data, _YamlLocator(node)


def _yaml_duplicates(node: Any, path: list[str]) -> Iterable[SpecProblem]:
    # YAML loaders keep the last of two equal keys without a word; TOML refuses them.
    import yaml

    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key, value in node.value:
            name = str(key.value)
            line = key.start_mark.line + 1
            if name in seen:
                yield SpecProblem(
                    ".".join([*path, name]),
                    f"duplicate key: already given on line {seen[name]}; keep one",
                    line,
                )
            seen.setdefault(name, line)
            yield from _yaml_duplicates(value, [*path, name])
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            yield from _yaml_duplicates(item, [*path, str(index)])


def _toml_error_line(message: str) -> int | None:
    match = re.search(r"\(at line (\d+)", message)
    return int(match.group(1)) if match else None


def _problems(error: ValidationError, locate: _Locator) -> Iterable[SpecProblem]:
    # A value that fits no member of a union fails once per member: say it once.
    items: list[tuple[Any, list[str]]] = []
    expected: dict[str, list[str]] = {}
    for item in error.errors(include_url=False):
        cause = item.get("ctx", {}).get("error")
        if isinstance(cause, CrossReferenceError):
            base, _ = _field_path(item["loc"])
            for field, message in cause.problems:
                parts = [*base, *field.split(".")]
                yield SpecProblem(".".join(parts), message, locate(parts))
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
        field = ".".join(path)
        yield SpecProblem(field, _message(item, path, expected.get(field)), locate(path))


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
        return f"{value!r} is not allowed; use one of {item['ctx']['expected']}"
    message: str = item["msg"]
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than",
                "too_short", "too_long", "string_too_short", "string_too_long"):
        return f"{value!r} is out of range: {message[0].lower()}{message[1:]}"
    return message.removeprefix("Value error, ")


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


def starter_spec_text() -> str:
    """The commented starter spec; it is also the default spec of `batchform generate`."""
    return resources.files("batchform").joinpath("data", STARTER_SPEC).read_text("utf-8")


def write_starter_spec(path: Path, *, force: bool = False) -> None:
    """Write the commented starter spec to path, refusing to overwrite unless forced."""
    if path.exists() and not force:
        raise UsageError(f"{path}: already exists; pass --force to overwrite it")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(starter_spec_text(), encoding="utf-8")
