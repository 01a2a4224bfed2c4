"""On-disk caches keyed by file content: where they live, and a store of JSON entries."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

CACHE_ENV = "BATCHFORM_CACHE_DIR"
NO_CACHE_ENV = "BATCHFORM_NO_CACHE"


def default_cache_dir() -> Path | None:
    """`$BATCHFORM_CACHE_DIR`, else `$XDG_CACHE_HOME/batchform`, else `~/.cache/batchform`;
    None when `BATCHFORM_NO_CACHE` is set or `BATCHFORM_CACHE_DIR` is empty."""
    if os.environ.get(NO_CACHE_ENV):
        return None
    configured = os.environ.get(CACHE_ENV)
    if configured is not None:
        return Path(configured) if configured else None
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "batchform"


def digest(text: str) -> str:
    """The key of a file's content."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class JsonStore:
    """One JSON file per key in a directory. An unreadable entry is a miss and an unwritable
    directory is skipped: a cache never turns a run into a failure."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.hits = 0
        self.misses = 0

    def get(self, key: str, expected: type = object) -> Any | None:
        """The stored data, or None when there is no readable entry of the expected type."""
        try:
            data = json.loads((self.directory / f"{key}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = None
        if data is None or not isinstance(data, expected):
            self.misses += 1
            return None
        self.hits += 1
        return data

    def put(self, key: str, data: Any) -> None:
        """Store data atomically: write a temporary file, then rename it into place (where the
        platform refuses to rename over an existing entry, that entry holds the same data)."""
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self.directory, suffix=".tmp")
            try:
                with os.fdopen(handle, "w", encoding="utf-8") as stream:
                    # dumps, not dump: only the one-shot encoder runs in C (several times faster).
                    stream.write(json.dumps(data, separators=(",", ":")))
                os.rename(temporary, self.directory / f"{key}.json")
            except BaseException:
                os.unlink(temporary)
                raise
        except OSError:
            return
