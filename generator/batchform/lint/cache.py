"""Parse cache: syntax trees stored as JSON, keyed by a hash of the file's content."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from batchform.cache import default_cache_dir
from batchform.lint import syntax

__all__ = ["FORMAT", "ParseCache", "default_cache_dir", "encode", "loads"]

# Bump when the syntax tree classes or the parser's output change.
FORMAT = "2"

_CLASSES: dict[str, type] = {
    cls.__name__: cls
    for cls in (
        syntax.Literal,
        syntax.Template,
        syntax.TupleExpr,
        syntax.ObjectExpr,
        syntax.Step,
        syntax.Traversal,
        syntax.Call,
        syntax.Operation,
        syntax.Conditional,
        syntax.ForExpr,
        syntax.Attribute,
        syntax.Block,
        syntax.SourceFile,
    )
}
_LIST_FIELDS = {"blocks", "ignores"}


class ParseCache:
    """Stores one JSON file per distinct file content under `<dir>/parse-<FORMAT>/`."""

    def __init__(self, directory: Path | None) -> None:
        self.directory = directory / f"parse-{FORMAT}" if directory is not None else None
        self.hits = 0
        self.misses = 0

    def get(self, text: str, path: str) -> syntax.SourceFile | None:
        """The cached tree for this content, re-labelled with `path`, or None."""
        if self.directory is None:
            return None
        entry = self.directory / f"{_digest(text)}.json"
        try:
            source = loads(entry.read_text(encoding="utf-8"))
        except (OSError, ValueError, KeyError, TypeError):
            self.misses += 1
            return None
        if not isinstance(source, syntax.SourceFile):
            self.misses += 1
            return None
        self.hits += 1
        source.path = path
        for block in source.blocks:
            _relabel(block, path)
        return source

    def put(self, text: str, source: syntax.SourceFile) -> None:
        """Store a freshly parsed tree; a cache that cannot be written is skipped silently."""
        if self.directory is None:
            return
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self.directory, suffix=".tmp")
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                # dumps, not dump: only the one-shot encoder runs in C (several times faster).
                stream.write(json.dumps(encode(source), separators=(",", ":")))
            os.replace(temporary, self.directory / f"{_digest(text)}.json")
        except OSError:
            return


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _relabel(block: syntax.Block, path: str) -> None:
    block.file = path
    for child in block.blocks:
        _relabel(child, path)


def encode(value: Any) -> Any:
    """A syntax tree as JSON-ready data; classes are tagged by name under `_`."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        data = {"_": type(value).__name__}
        for item in dataclasses.fields(value):
            if item.name == "file" or item.name == "path":
                continue
            data[item.name] = encode(getattr(value, item.name))
        return data
    if isinstance(value, (list, tuple)):
        return [encode(item) for item in value]
    if isinstance(value, dict):
        return {"~": [[key, encode(item)] for key, item in value.items()]}
    return value


def loads(text: str) -> Any:
    """The inverse of `encode` on its JSON text; json calls the hook innermost first."""
    return json.loads(text, object_hook=_hook)


def _hook(data: dict[str, Any]) -> Any:
    name = data.pop("_", None)
    if name is None:
        pairs = data["~"]
        if not isinstance(pairs, list) or any(len(pair) != 2 for pair in pairs):
            raise ValueError("not a cache entry of this format")
        return {key: item for key, item in pairs}
    cls = _CLASSES[name]
    for key, item in data.items():
        if isinstance(item, list):
            data[key] = (
                item
                if key in _LIST_FIELDS
                else tuple(tuple(part) if isinstance(part, list) else part for part in item)
            )
    if cls is syntax.SourceFile:
        data["path"] = ""
        data["ignores"] = [tuple(entry) for entry in data["ignores"]]
    return cls(**data)
