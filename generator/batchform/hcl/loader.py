"""Terraform files to syntax trees: finding them, reading them safely, parsing each distinct
content once (through the cache, on every core when there is a lot of it).

`parse_sources` works on text in memory ({path: text}), so the generator can read what it is
about to write; `Loader` reads files from disk for lint, one module directory at a time.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from batchform import __version__
from batchform.cache import Cache, Store, digest
from batchform.errors import HclParseError, UsageError
from batchform.hcl import codec
from batchform.hcl.syntax import Attribute, SourceFile

# Directories that hold downloaded or generated copies, never the code under review.
_SKIPPED_DIRS = {".terraform", ".git", "node_modules", "__pycache__"}
# tree-sitter reads a few MB a second; below this much text a second process costs more
# than it saves.
PARALLEL_BYTES = 400_000


@dataclass
class ParsedSources:
    """Trees of the files that parsed, errors of those that did not, and what the cache saved."""

    sources: dict[str, SourceFile] = field(default_factory=dict)
    errors: dict[str, HclParseError] = field(default_factory=dict)
    cache_hits: int = 0
    cache_misses: int = 0


def tree_store(cache: Cache | None) -> Store | None:
    """The cache's store of syntax trees for this batchform, grammar and encoding."""
    return cache.store("tree", _tree_version()) if cache is not None else None


@lru_cache(maxsize=1)
def _tree_version() -> str:
    from batchform.hcl import parser, syntax

    # The converting code itself is part of the key: a changed parser never reads old trees,
    # even at the same batchform version (a development checkout).
    code = hashlib.sha256()
    for module in (parser, syntax, codec):
        code.update(Path(module.__file__ or "").read_bytes())
    return (f"batchform {__version__}; {parser.parser_version()}; codec {codec.FORMAT}; "
            f"code {code.hexdigest()[:16]}")


def parse_sources(files: Mapping[str, str], cache: Cache | None = None) -> ParsedSources:
    """Parse every file of {path: text}: each distinct content once, taken from the cache when
    it holds it, the rest parsed (on every core when there is enough) and stored."""
    store = tree_store(cache)
    by_key: dict[str, list[str]] = {}
    for path, text in files.items():
        by_key.setdefault(digest(text), []).append(path)
    outcomes: dict[str, _Outcome] = {}
    with codec.gc_paused():
        for key, paths in by_key.items():
            payload = store.get(key) if store is not None else None
            if payload is not None:
                try:
                    outcomes[key] = codec.decode(payload, paths[0])
                except codec.CodecError:
                    assert store is not None
                    store.hits, store.misses = store.hits - 1, store.misses + 1
        missing = [(key, files[paths[0]], paths[0]) for key, paths in by_key.items()
                   if key not in outcomes]
        for (key, _, _), outcome in zip(missing, _parse_all(missing), strict=True):
            outcomes[key] = outcome
            if store is not None and not isinstance(outcome, HclParseError):
                payload = outcome if isinstance(outcome, bytes) else codec.encode(outcome)
                if payload is not None:
                    store.put(key, payload)
        result = ParsedSources()
        for key, paths in by_key.items():
            for number, path in enumerate(paths):
                _place(result, path, files[path], outcomes[key], first=number == 0)
    if store is not None:
        result.cache_hits, result.cache_misses = store.hits, store.misses
    return result


# A parse gives the tree (serially), its encoding (from a worker), or the file's error.
_Outcome = SourceFile | bytes | HclParseError


def _place(result: ParsedSources, path: str, text: str, outcome: _Outcome, *, first: bool) -> None:
    if isinstance(outcome, HclParseError):
        result.errors[path] = HclParseError(path, outcome.detail, outcome.line, outcome.column)
    elif isinstance(outcome, bytes):
        result.sources[path] = codec.decode(outcome, path)
    elif first:
        result.sources[path] = outcome
    else:
        # Another file with the same content: its own tree, labelled with its own path.
        encoded = codec.encode(outcome)
        result.sources[path] = (codec.decode(encoded, path) if encoded is not None
                                else _parse(text, path))


def _parse_all(missing: list[tuple[str, str, str]]) -> list[_Outcome]:
    """Parse (key, text, path) in order: in the pool when there is enough text."""
    from batchform.hcl import pool

    items = [(text, path) for _, text, path in missing]
    sizes = [len(text) for text, _ in items]
    parallel = pool.worthwhile(sum(sizes), PARALLEL_BYTES)
    if parallel:
        from batchform.hcl.parser import _parser

        _parser()  # loaded before the fork, so every worker inherits it
    results = pool.map_parse(
        _parse_encoded if parallel else _parse_serially, items, sizes=sizes, files=len(items),
        what="parsing", parallel=parallel,
        chunksize=max(1, len(items) // (pool.workers() * 8)),
    )
    return [HclParseError(path, *result) if isinstance(result, tuple) else result
            for (_, _, path), result in zip(missing, results, strict=True)]


def _parse_serially(item: tuple[str, str]) -> _Outcome:
    text, path = item
    try:
        source = _parse(text, path)
    except HclParseError as error:
        return error
    return source


def _parse_encoded(item: tuple[str, str]) -> SourceFile | bytes | tuple[str, int, int]:
    """In a worker: the tree as bytes (cheaper to send back than the objects), or the error's
    message, line and column."""
    text, path = item
    try:
        source = _parse(text, path)
    except HclParseError as error:
        return error.detail, error.line or 1, error.column or 1
    encoded = codec.encode(source)
    return source if encoded is None else encoded


def _parse(text: str, path: str) -> SourceFile:
    from batchform.hcl.parser import parse_text

    return parse_text(text, path)


# -- files on disk --------------------------------------------------------------------------


@dataclass
class LoadedTree:
    """Every parsed file, grouped by the directory (Terraform module) it belongs to, and the
    files that could not be read or parsed."""

    modules: dict[Path, list[SourceFile]] = field(default_factory=dict)
    errors: list[HclParseError] = field(default_factory=list)
    cache_hits: int = 0
    cache_misses: int = 0

    def files(self) -> list[SourceFile]:
        """All files, in a stable order."""
        return [source for directory in sorted(self.modules) for source in self.modules[directory]]


@dataclass
class Found:
    """The .tf files under some paths, and what was passed over on the way."""

    files: list[Path] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # not regular files: said with --verbose
    unreadable: list[str] = field(default_factory=list)  # directories: always said


def find_tf_files(paths: list[Path]) -> Found:
    """The .tf files under each path (a file is taken as given), sorted, without duplicates.
    Symbolic links to directories are followed once (a loop ends there); FIFOs, sockets and
    devices are passed over, never opened."""
    found = Found()
    files: set[Path] = set()
    for path in paths:
        path = path.resolve()
        if not path.exists():
            raise UsageError(f"{path}: no such file or directory")
        if not path.is_dir():
            if path.suffix != ".tf":
                raise UsageError(f"{path}: not a .tf file; give a directory or a .tf file")
            files.add(path)
            continue
        here = set(_walk(path, found))
        if not here and not found.unreadable:
            raise UsageError(f"{path}: no .tf files in this directory or below")
        files |= here
    found.files = sorted(files)
    return found


def _walk(top: Path, found: Found) -> Iterator[Path]:
    seen: set[tuple[int, int]] = set()
    pending = [top]
    while pending:
        directory = pending.pop()
        try:
            info = directory.stat()
            if (info.st_dev, info.st_ino) in seen:
                continue
            seen.add((info.st_dev, info.st_ino))
            entries = sorted(os.scandir(directory), key=lambda entry: entry.name)
        except OSError as error:
            found.unreadable.append(f"{directory}: cannot read this directory ({error.strerror})")
            continue
        for entry in entries:
            kind = _kind(entry)
            if kind == "dir" and entry.name not in _SKIPPED_DIRS and not entry.name.startswith("."):
                pending.append(Path(entry.path).resolve())
            elif entry.name.endswith(".tf") and kind == "file":
                yield Path(entry.path)
            elif entry.name.endswith(".tf") and kind == "other":
                found.skipped.append(f"{entry.path}: not a regular file, skipped")


def _kind(entry: os.DirEntry[str]) -> str:
    try:
        if entry.is_dir():
            return "dir"
        return "file" if entry.is_file() else "other"
    except OSError:  # a dangling or looping symbolic link
        return "other"


def auto_tfvars_files(directory: Path) -> list[Path]:
    """The variables files Terraform loads by itself for a root module, in the order it loads
    them: terraform.tfvars, terraform.tfvars.json, then *.auto.tfvars and *.auto.tfvars.json
    in lexical order of their names (developer.hashicorp.com/terraform/language/values/
    variables, "Variable Definition Precedence")."""
    fixed = [directory / "terraform.tfvars", directory / "terraform.tfvars.json"]
    automatic = [*directory.glob("*.auto.tfvars"), *directory.glob("*.auto.tfvars.json")]
    return [path for path in fixed if path.is_file()] + sorted(
        (path for path in automatic if path.is_file()), key=lambda path: path.name
    )


def read_source(path: Path, display: str) -> str:
    """A file's text as UTF-8 (a BOM is dropped); HclParseError when it cannot be read as such.
    Opened without blocking, and refused unless it is a regular file."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        handle = os.open(path, flags)
    except OSError as error:
        raise HclParseError(display, f"Cannot read file: {error.strerror}", 1, 1) from None
    try:
        if not stat.S_ISREG(os.fstat(handle).st_mode):
            raise HclParseError(display, "Cannot read file: not a regular file", 1, 1)
        chunks = []
        while chunk := os.read(handle, 1 << 20):
            chunks.append(chunk)
    except OSError as error:
        raise HclParseError(display, f"Cannot read file: {error.strerror}", 1, 1) from None
    finally:
        os.close(handle)
    data = b"".join(chunks)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise HclParseError(display, "Invalid UTF-8: the file must be encoded as UTF-8.",
                            line, 1) from None


class Loader:
    """Reads and parses module directories for lint, collecting every file's error."""

    def __init__(self, cache: Cache | None, display_root: Path | None = None) -> None:
        self.cache = cache
        self.display_root = display_root
        self.errors: dict[str, HclParseError] = {}
        self.notes: list[str] = []
        self.unreadable: list[str] = []
        self.cache_hits = 0
        self.cache_misses = 0
        # Module directories with a file that could not be read or parsed: what they declare
        # is not all known.
        self.unparsed: set[Path] = set()

    def display(self, path: Path) -> str:
        """A file's name as reports show it: relative to the display root (or the cwd)."""
        base = (self.display_root or Path.cwd()).resolve()
        try:
            return str(path.relative_to(base))
        except ValueError:
            return str(path)

    def load(self, files: list[Path]) -> dict[Path, SourceFile]:
        """Read and parse files; errors are kept in `errors`, the rest returned by path."""
        texts: dict[str, str] = {}
        names: dict[str, Path] = {}
        for file_path in files:
            display = self.display(file_path)
            try:
                texts[display] = read_source(file_path, display)
                names[display] = file_path
            except HclParseError as error:
                self.errors[display] = error
        parsed = parse_sources(texts, self.cache)
        self.errors.update(parsed.errors)
        self.cache_hits += parsed.cache_hits
        self.cache_misses += parsed.cache_misses
        return {names[display]: source for display, source in parsed.sources.items()}

    def tree(self, paths: list[Path]) -> LoadedTree:
        """Every .tf file under `paths`, by module directory."""
        found = find_tf_files(paths)
        self.notes.extend(found.skipped)
        self.unreadable.extend(found.unreadable)
        sources = self.load(found.files)
        tree = LoadedTree()
        for file_path in found.files:
            if file_path in sources:
                tree.modules.setdefault(file_path.parent, []).append(sources[file_path])
            else:
                tree.modules.setdefault(file_path.parent, [])
                self.unparsed.add(file_path.parent)
        tree.errors = list(self.errors.values())
        tree.cache_hits, tree.cache_misses = self.cache_hits, self.cache_misses
        return tree

    def memory_tree(self, root: Path, files: Mapping[str, str]) -> LoadedTree:
        """Files held in memory, {path relative to `root`: text}, by module directory."""
        wanted = {path: text for path, text in files.items() if path.endswith(".tf")}
        parsed = parse_sources(wanted, self.cache)
        self.errors.update(parsed.errors)
        self.cache_hits += parsed.cache_hits
        self.cache_misses += parsed.cache_misses
        tree = LoadedTree(cache_hits=parsed.cache_hits, cache_misses=parsed.cache_misses)
        for path in sorted(wanted):
            directory = (root / path).resolve().parent
            sources = tree.modules.setdefault(directory, [])
            if path in parsed.sources:
                sources.append(parsed.sources[path])
            else:
                self.unparsed.add(directory)
        tree.errors = list(parsed.errors.values())
        return tree

    def module_dir(self, directory: Path) -> list[SourceFile]:
        """The .tf files directly inside one module directory (not its subdirectories)."""
        try:
            entries = sorted(os.scandir(directory), key=lambda entry: entry.name)
        except OSError as error:
            message = f"{directory}: cannot read this directory ({error.strerror})"
            if message not in self.unreadable:
                self.unreadable.append(message)
            return []
        files = []
        for entry in entries:
            if entry.name.endswith(".tf"):
                if _kind(entry) == "file":
                    files.append(Path(entry.path))
                else:
                    self.notes.append(f"{entry.path}: not a regular file, skipped")
        sources = self.load(files)
        if len(sources) < len(files):
            self.unparsed.add(directory)
        return [sources[path] for path in files if path in sources]

    def tfvars(self, directory: Path) -> dict[str, Attribute]:
        """The values Terraform loads by itself for a root module (`auto_tfvars_files`, later
        files winning)."""
        values: dict[str, Attribute] = {}
        for path in auto_tfvars_files(directory):
            values.update(self.tfvars_file(path))
        return values

    def tfvars_file(self, path: Path) -> dict[str, Attribute]:
        """The values of one variables file, HCL or JSON by its name (`.json`); one that cannot
        be read or parsed is recorded as an error and gives none."""
        from batchform.hcl.parser import parse_tfvars, parse_tfvars_json

        display = self.display(path)
        try:
            text = read_source(path, display)
            if path.name.endswith(".json"):
                return parse_tfvars_json(text, display)
            return parse_tfvars(text, display)
        except HclParseError as error:
            self.errors[display] = error
            return {}

    def lock_file(self, directory: Path) -> SourceFile | None:
        """The root module's dependency lock file (.terraform.lock.hcl), parsed; None when
        there is none (an unparsable one is recorded as an error)."""
        from batchform.hcl.parser import parse_text

        path = directory / ".terraform.lock.hcl"
        if not path.is_file():
            return None
        display = self.display(path)
        try:
            return parse_text(read_source(path, display), display)
        except HclParseError as error:
            self.errors[display] = error
            return None
