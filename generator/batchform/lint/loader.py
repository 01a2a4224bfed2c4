"""Find the .tf files under each path and parse them, through the content-hash parse cache."""

from __future__ import annotations

import multiprocessing
import os
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from batchform.errors import BatchformError, UsageError
from batchform.lint.cache import ParseCache
from batchform.lint.syntax import Attribute, SourceFile

# Directories that hold downloaded or generated copies, never the code under review.
_SKIPPED_DIRS = {".terraform", ".git", "node_modules", "__pycache__"}
# python-hcl2 parses roughly 100 KB a second on one core: above this much text to parse, the
# files are shared out between processes, one per core.
PARALLEL_BYTES = 200_000


@dataclass
class LoadedTree:
    """Every parsed file, grouped by the directory (Terraform module) it belongs to."""

    modules: dict[Path, list[SourceFile]] = field(default_factory=dict)
    cache_hits: int = 0
    cache_misses: int = 0

    def files(self) -> list[SourceFile]:
        """All files, in a stable order."""
        return [source for directory in sorted(self.modules) for source in self.modules[directory]]


def find_tf_files(paths: list[Path]) -> list[Path]:
    """The .tf files under each path (a file is taken as given), sorted, without duplicates."""
    found: set[Path] = set()
    for path in paths:
        path = path.resolve()
        if not path.exists():
            raise UsageError(f"{path}: no such file or directory")
        if path.is_file():
            if path.suffix != ".tf":
                raise UsageError(f"{path}: not a .tf file; give a directory or a .tf file")
            found.add(path)
            continue
        here = {
            candidate
            for candidate in path.rglob("*.tf")
            if candidate.is_file()
            and not any(
                part in _SKIPPED_DIRS or part.startswith(".")
                for part in candidate.relative_to(path).parts[:-1]
            )
        }
        if not here:
            raise UsageError(f"{path}: no .tf files in this directory or below")
        found |= here
    return sorted(found)


def load_tree(
    paths: list[Path], cache: ParseCache, *, display_root: Path | None = None
) -> LoadedTree:
    """Parse every .tf file under `paths`; file names are shown relative to `display_root`."""
    from batchform.lint.parser import parse_text

    tree = LoadedTree()
    files = find_tf_files(paths)
    sources: dict[Path, SourceFile] = {}
    firsts: dict[str, tuple[Path, str]] = {}  # text to parse -> its first file, display name
    repeats: list[tuple[Path, str, str]] = []  # later files with the same text
    for file_path in files:
        display = _display(file_path, display_root)
        text = read_text(file_path, display)
        if text in firsts:
            repeats.append((file_path, text, display))
            continue
        source = cache.get(text, display)
        if source is None:
            firsts[text] = (file_path, display)
        else:
            sources[file_path] = source
    items = [(text, display) for text, (_, display) in firsts.items()]
    for (file_path, _), source in zip(firsts.values(), parse_all(items, cache), strict=False):
        sources[file_path] = source
    for file_path, text, display in repeats:
        # The first file's tree is in the cache by now: a repeat is a hit, as it always was.
        sources[file_path] = cache.get(text, display) or parse_text(text, display)
    for file_path in files:
        tree.modules.setdefault(file_path.parent, []).append(sources[file_path])
    tree.cache_hits = cache.hits
    tree.cache_misses = cache.misses
    return tree


def parse_all(items: list[tuple[str, str]], cache: ParseCache) -> list[SourceFile]:
    """Parse (text, display path) pairs in order and store each in the cache; when there is a
    lot to parse, every core takes a share."""
    workers = os.cpu_count() or 1
    if (
        workers < 2
        or sum(len(text) for text, _ in items) < PARALLEL_BYTES
        or "fork" not in multiprocessing.get_all_start_methods()
    ):
        return [_parse_and_store(cache, item) for item in items]
    from concurrent.futures import ProcessPoolExecutor

    from hcl2.parser import parser

    parser()  # built before the fork, so the workers inherit the loaded grammar
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        chunk = max(1, len(items) // (workers * 8))
        results = list(pool.map(partial(_parse_or_none, cache), items, chunksize=chunk))
    # A file that failed is parsed again here, so its error is raised in file order.
    return [
        source if source is not None else _parse_and_store(cache, item)
        for item, source in zip(items, results, strict=False)
    ]


def _parse_and_store(cache: ParseCache, item: tuple[str, str]) -> SourceFile:
    from batchform.lint.parser import parse_text

    source = parse_text(*item)
    cache.put(item[0], source)
    return source


def _parse_or_none(cache: ParseCache, item: tuple[str, str]) -> SourceFile | None:
    try:
        return _parse_and_store(cache, item)
    except BatchformError:
        return None


def load_module_dir(
    directory: Path, cache: ParseCache, display_root: Path | None
) -> list[SourceFile]:
    """Parse the .tf files directly inside one module directory (not its subdirectories)."""
    from batchform.lint.parser import parse_text

    sources = []
    for file_path in sorted(directory.glob("*.tf")):
        display = _display(file_path.resolve(), display_root)
        text = read_text(file_path, display)
        source = cache.get(text, display)
        if source is None:
            source = parse_text(text, display)
            cache.put(text, source)
        sources.append(source)
    return sources


def load_tfvars(directory: Path, display_root: Path | None) -> dict[str, Attribute]:
    """The values Terraform loads by itself for a root module: terraform.tfvars, then
    *.auto.tfvars in name order (later files win)."""
    from batchform.lint.parser import parse_tfvars

    values: dict[str, Attribute] = {}
    files = [directory / "terraform.tfvars", *sorted(directory.glob("*.auto.tfvars"))]
    for path in files:
        if path.is_file():
            display = _display(path.resolve(), display_root)
            values.update(parse_tfvars(read_text(path, display), display))
    return values


def read_text(path: Path, display: str) -> str:
    """A file's text as UTF-8 (a BOM is dropped); unreadable files are a usage error."""
    try:
        return path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError(f"{display}: cannot read: {error}") from None


def _display(path: Path, root: Path | None) -> str:
    base = (root or Path.cwd()).resolve()
    try:
        return str(path.relative_to(base))
    except ValueError:
        return str(path)
