"""`batchform generate`: render a spec into a stack directory, safely and verifiably."""

from __future__ import annotations

import difflib
import hashlib
import json
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from batchform import __version__
from batchform.errors import DriftError, EditedFilesError, UsageError
from batchform.readme import render_readmes
from batchform.render import plan_stack, render_terraform
from batchform.roundtrip import check_stack as check_round_trip
from batchform.roundtrip import loads_cache
from batchform.spec import Spec
from batchform.specfile import load_spec

MANIFEST = ".batchform-manifest.json"


def render_stack(spec: Spec) -> dict[str, str]:
    """Every file of the stack for spec, keyed by relative path, checked by parsing it back."""
    stack = plan_stack(spec)
    files = render_terraform(stack)
    check_round_trip(spec, files, loads_cache())
    files.update(render_readmes(stack, files))
    return dict(sorted(files.items()))


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class Manifest:
    """What batchform last wrote into a directory: file hashes and the spec's hash.

    `pending` holds the hashes of a write that had started but not finished (the process was
    killed between two renames): a file with either hash is batchform's, not an edit.
    """

    spec_sha256: str
    files: dict[str, str]
    pending: dict[str, str] = field(default_factory=dict)

    @classmethod
    def read(cls, out_dir: Path) -> Manifest | None:
        """The manifest in out_dir, or None when batchform never wrote there."""
        path = out_dir / MANIFEST
        try:
            data = json.loads(path.read_text("utf-8"))
            return cls(
                spec_sha256=data["spec_sha256"],
                files=dict(data["files"]),
                pending=dict(data.get("pending", {})),
            )
        except FileNotFoundError:
            return None
        except (ValueError, KeyError, TypeError) as error:
            raise UsageError(
                f"{path}: unreadable manifest ({error}); delete it to start over, after checking "
                "which generated files were edited"
            ) from None

    def text(self) -> str:
        """The manifest as written to disk."""
        data: dict[str, object] = {
            "generator": f"batchform {__version__}",
            "spec_sha256": self.spec_sha256,
            "files": self.files,
        }
        if self.pending:
            data["pending"] = self.pending
        return json.dumps(data, indent=2, sort_keys=True) + "\n"

    def wrote(self, path: str, sha256: str) -> bool:
        """Whether batchform wrote exactly this content at path."""
        return sha256 in (self.files.get(path), self.pending.get(path))


@dataclass
class GenerateResult:
    """What a generate run did."""

    out_dir: Path
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One line for the terminal."""
        parts = [f"{len(self.written)} written", f"{len(self.unchanged)} unchanged"]
        if self.removed:
            parts.append(f"{len(self.removed)} removed")
        if self.kept:
            parts.append(
                f"{len(self.kept)} no longer generated but edited, kept: {', '.join(self.kept)}"
            )
        return (
            f"{self.out_dir}: {', '.join(parts)}. Next: cd {self.out_dir} && terraform init && "
            "terraform apply"
        )


def _spec_hash(spec: Spec) -> str:
    return _sha256(spec.model_dump_json().encode("utf-8"))


def generate_stack(spec_path: Path | None, out_dir: Path, *, force: bool = False) -> GenerateResult:
    """Render the spec and write it into out_dir, refusing to clobber hand-edited files."""
    spec = load_spec(spec_path)
    files = render_stack(spec)
    return write_stack(files, out_dir, spec_sha256=_spec_hash(spec), force=force)


def write_stack(
    files: Mapping[str, str], out_dir: Path, *, spec_sha256: str, force: bool = False
) -> GenerateResult:
    """Write rendered files atomically, keeping files batchform did not write or was told not to."""
    if out_dir.exists() and not out_dir.is_dir():
        raise UsageError(f"{out_dir}: exists and is not a directory; choose another --out")
    manifest = (Manifest.read(out_dir) if out_dir.is_dir() else None) or Manifest("", {})
    _remove_debris(out_dir, [*files, MANIFEST])
    encoded = {path: text.encode("utf-8") for path, text in files.items()}
    new_hashes = {path: _sha256(data) for path, data in encoded.items()}

    result = GenerateResult(out_dir=out_dir)
    edited: list[str] = []
    foreign: list[str] = []
    to_write: dict[str, bytes] = {}
    for path, data in encoded.items():
        current = _hash_file(out_dir / path)
        if current == new_hashes[path]:
            result.unchanged.append(path)
            continue
        # Only files whose content batchform wrote last time may be replaced.
        if current is not None and not manifest.wrote(path, current):
            (edited if path in manifest.files else foreign).append(path)
        to_write[path] = data
    to_remove: list[str] = []
    for path in sorted(set(manifest.files) - set(encoded)):
        current = _hash_file(out_dir / path)
        if current is None:
            continue
        if manifest.wrote(path, current):
            to_remove.append(path)
        else:
            # A file the spec no longer produces, edited by hand: never deleted, even forced.
            result.kept.append(path)
    if (edited or foreign or result.kept) and not force:
        raise EditedFilesError(out_dir, sorted(edited + result.kept), foreign=sorted(foreign))

    new_manifest = Manifest(spec_sha256=spec_sha256, files=new_hashes)
    if to_write or to_remove or new_manifest.text() != _read_text(out_dir / MANIFEST):
        _commit(out_dir, to_write, to_remove, manifest, new_manifest)
    result.written = sorted(to_write)
    result.removed = to_remove
    return result


def _remove_debris(out_dir: Path, paths: list[str]) -> None:
    """Delete staged copies and set-aside files a killed run left next to batchform's files."""
    for directory in {(out_dir / path).parent for path in paths}:
        if directory.is_dir():
            for leftover in directory.glob(".batchform-*"):
                if leftover.name != MANIFEST and leftover.is_file():
                    leftover.unlink()


def _read_text(path: Path) -> str | None:
    try:
        return path.read_text("utf-8")
    except FileNotFoundError:
        return None


def _hash_file(path: Path) -> str | None:
    try:
        return _sha256(path.read_bytes())
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        raise UsageError(f"{path}: is a directory where batchform writes a file") from None


def _commit(
    out_dir: Path,
    to_write: Mapping[str, bytes],
    to_remove: list[str],
    old: Manifest,
    new: Manifest,
) -> None:
    """Stage every file, then swap them in; on any error put the previous tree back.

    Before the first rename the manifest records the new hashes as pending, so a kill between
    two renames leaves files batchform recognises as its own, and the next run finishes the job.
    """
    created_root = not out_dir.exists()
    staged: dict[str, Path] = {}
    backups: dict[str, Path | None] = {}
    try:
        for path, data in to_write.items():
            staged[path] = _stage(out_dir / path, data)
        pending = Manifest(old.spec_sha256, old.files, {**old.pending, **new.files})
        staged[MANIFEST] = _stage(out_dir / MANIFEST, new.text().encode("utf-8"))
        _replace_file(out_dir / MANIFEST, pending.text().encode("utf-8"))
        for path in [*to_write, *to_remove]:
            target = out_dir / path
            backups[path] = _set_aside(target)
            if path in staged:
                os.replace(staged[path], target)
                del staged[path]
        os.replace(staged[MANIFEST], out_dir / MANIFEST)
        del staged[MANIFEST]
    except BaseException:
        for path, backup in reversed(list(backups.items())):
            target = out_dir / path
            if backup is not None:
                os.replace(backup, target)
            else:
                target.unlink(missing_ok=True)
        for temporary in staged.values():
            temporary.unlink(missing_ok=True)
        if old.files or old.pending:
            _replace_file(out_dir / MANIFEST, old.text().encode("utf-8"))
        else:
            (out_dir / MANIFEST).unlink(missing_ok=True)
        for path in to_write:
            _remove_empty_parents(out_dir, out_dir / path)
        if created_root:
            _remove_tree_if_only_dirs(out_dir)
        raise
    for path, backup in backups.items():
        if backup is not None:
            backup.unlink()
        if path in to_remove:
            _remove_empty_parents(out_dir, out_dir / path)


def _stage(target: Path, data: bytes) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".batchform-", dir=target.parent)
    with os.fdopen(handle, "wb") as stream:
        stream.write(data)
    os.chmod(temporary, 0o644)
    return Path(temporary)


def _replace_file(target: Path, data: bytes) -> None:
    staged = _stage(target, data)
    try:
        os.replace(staged, target)
    except BaseException:
        staged.unlink(missing_ok=True)
        raise


def _set_aside(target: Path) -> Path | None:
    """Move an existing file out of the way (same directory), returning where it went."""
    if not target.exists():
        return None
    handle, backup = tempfile.mkstemp(prefix=".batchform-old-", dir=target.parent)
    os.close(handle)
    try:
        os.replace(target, backup)
    except BaseException:
        os.unlink(backup)
        raise
    return Path(backup)


def _remove_empty_parents(root: Path, path: Path) -> None:
    parent = path.parent
    while parent != root and parent.is_dir() and not any(parent.iterdir()):
        parent.rmdir()
        parent = parent.parent


def _remove_tree_if_only_dirs(root: Path) -> None:
    for directory in sorted((p for p in root.rglob("*") if p.is_dir()), reverse=True):
        if not any(directory.iterdir()):
            directory.rmdir()
    if root.is_dir() and not any(root.iterdir()):
        root.rmdir()


def diff_stack(files: Mapping[str, str], out_dir: Path) -> str:
    """A unified diff from what is in out_dir to what the spec generates; empty when equal."""
    chunks: list[str] = []
    for path, text in files.items():
        target = out_dir / path
        try:
            current = target.read_text("utf-8")
        except FileNotFoundError:
            current = None
        if current == text:
            continue
        chunks.extend(
            difflib.unified_diff(
                [] if current is None else current.splitlines(keepends=True),
                text.splitlines(keepends=True),
                fromfile="/dev/null" if current is None else f"a/{path}",
                tofile=f"b/{path}",
            )
        )
    manifest = Manifest.read(out_dir) if out_dir.is_dir() else None
    for path in sorted(set(manifest.files if manifest else {}) - set(files)):
        target = out_dir / path
        if target.exists():
            chunks.extend(
                difflib.unified_diff(
                    target.read_text("utf-8").splitlines(keepends=True), [],
                    fromfile=f"a/{path}", tofile="/dev/null",
                )
            )
    return "".join(chunks)


def check_stack(spec_path: Path | None, out_dir: Path) -> None:
    """Raise DriftError with a diff when out_dir differs from what the spec generates."""
    files = render_stack(load_spec(spec_path))
    diff = diff_stack(files, out_dir)
    if diff:
        raise DriftError(out_dir, diff)
