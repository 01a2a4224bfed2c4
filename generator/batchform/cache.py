"""The one on-disk cache: entries keyed by a file's content, safe to share a machine with.

The directory is `$BATCHFORM_CACHE_DIR`, else `$XDG_CACHE_HOME/batchform`, else
`~/.cache/batchform`, created 0700. A directory another user owns, or one that group or others
can write, is ignored with one warning: whoever can write there could otherwise choose what
batchform reads back. Entries are never unpickled: each is a self-describing header (the store's
version, the content's hash, the payload's hash) and bytes its reader validates; anything that
does not check out, a FIFO or a symlink included, is a miss, never a hang or a crash.
"""

from __future__ import annotations

import hashlib
import os
import stat
import sys
import tempfile
from pathlib import Path

CACHE_ENV = "BATCHFORM_CACHE_DIR"
NO_CACHE_ENV = "BATCHFORM_NO_CACHE"
_MAGIC = b"batchform-cache\n"
# An entry larger than this is not one batchform wrote for a Terraform file.
_MAX_ENTRY_BYTES = 256 * 1024 * 1024
_warned: set[str] = set()


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
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def open_cache(directory: Path | None = None) -> Cache | None:
    """The cache in `directory` (default: `default_cache_dir()`), or None when caching is off or
    the directory is not safe to read (then one warning on stderr says why)."""
    directory = directory if directory is not None else default_cache_dir()
    if directory is None:
        return None
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError:
        return None
    problem = unsafe(directory)
    if problem is not None:
        _warn(directory, problem)
        return None
    return Cache(directory)


def unsafe(directory: Path) -> str | None:
    """Why a directory must not be trusted with cache entries, or None when it may."""
    try:
        info = os.stat(directory)
    except OSError as error:
        return f"cannot be read ({error.strerror})"
    if not stat.S_ISDIR(info.st_mode):
        return "is not a directory"
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        return f"is owned by another user (uid {info.st_uid})"
    if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return "can be written by group or others (chmod 700 it)"
    return None


def _warn(directory: Path, problem: str) -> None:
    if str(directory) in _warned:
        return
    _warned.add(str(directory))
    print(f"batchform: warning: cache directory {directory} {problem}; not using it",
          file=sys.stderr)


class Cache:
    """A checked cache directory; `store` gives one versioned store of entries inside it."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def store(self, kind: str, version: str) -> Store | None:
        """The store for one kind of entry at one version (batchform's, the parser's, the
        format's): a new version starts an empty store beside the old ones."""
        name = f"{kind}-{hashlib.sha256(version.encode()).hexdigest()[:16]}"
        directory = self.directory / name
        try:
            directory.mkdir(mode=0o700, exist_ok=True)
        except OSError:
            return None
        problem = unsafe(directory)
        if problem is not None:
            _warn(directory, problem)
            return None
        return Store(directory, version)


class Store:
    """One file per content hash. A corrupt, foreign or unreadable entry is a miss, and a store
    that cannot be written is skipped: a cache never turns a run into a failure."""

    def __init__(self, directory: Path, version: str) -> None:
        self.directory = directory
        self.header = _MAGIC + version.encode("utf-8") + b"\n"
        self.hits = 0
        self.misses = 0

    def get(self, key: str) -> bytes | None:
        """The payload stored for content hash `key`, or None."""
        data = _read_regular(self.directory / key)
        payload = self._check(key, data) if data is not None else None
        if payload is None:
            self.misses += 1
        else:
            self.hits += 1
        return payload

    def _check(self, key: str, data: bytes) -> bytes | None:
        header = self.header
        if not data.startswith(header) or len(data) < len(header) + 64:
            return None
        content, checksum = data[len(header) : len(header) + 32], data[len(header) + 32 : len(header) + 64]
        payload = data[len(header) + 64 :]
        if content.hex() != key or hashlib.blake2b(payload, digest_size=32).digest() != checksum:
            return None
        return payload

    def put(self, key: str, payload: bytes) -> None:
        """Store a payload atomically (a temporary file renamed into place)."""
        data = self.header + bytes.fromhex(key) + hashlib.blake2b(payload, digest_size=32).digest()
        try:
            handle, temporary = tempfile.mkstemp(dir=self.directory, suffix=".tmp")
            try:
                with os.fdopen(handle, "wb") as stream:
                    stream.write(data + payload)
                os.replace(temporary, self.directory / key)
            except BaseException:
                os.unlink(temporary)
                raise
        except OSError:
            return


def _read_regular(path: Path) -> bytes | None:
    """A regular file's bytes; None for anything else (a FIFO is never waited on)."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)
    try:
        handle = os.open(path, flags | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return None
    try:
        info = os.fstat(handle)
        if not stat.S_ISREG(info.st_mode) or info.st_size > _MAX_ENTRY_BYTES:
            return None
        chunks = []
        while chunk := os.read(handle, 1 << 20):
            chunks.append(chunk)
        return b"".join(chunks)
    except OSError:
        return None
    finally:
        os.close(handle)
