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
from batchform.spec import Spec, load_spec

MANIFEST = ".batchform-manifest.json"


def render_stack(spec: Spec) -> dict[str, str]:
    """Every file of the stack for spec, keyed by relative path, checked by parsing it back."""
    stack = plan_stack(spec)
    files = render_terraform(stack)
    parsed = check_round_trip(spec, files)
    files.update(render_readmes(stack, parsed))
    return dict(sorted(files.items()))


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class Manifest:
    """What batchform last wrote into a directory: file hashes and the spec's hash."""

    spec_sha256: str
    files: dict[str, str]

    @classmethod
    def read(cls, out_dir: Path) -> Manifest | None:
        """The manifest in out_dir, or None when batchform never wrote there."""
        path = out_dir / MANIFEST
        try:
            data = json.loads(path.read_text("utf-8"))
            return cls(spec_sha256=data["spec_sha256"], files=dict(data["files"]))
        except FileNotFoundError:
            return None
        except (ValueError, KeyError, TypeError) as error:
            raise UsageError(
                f"{path}: unreadable manifest ({error}); delete it to start over, after checking "
                "which generated files were edited"
            ) from None

    def text(self) -> str:
        """The manifest as written to disk."""
        data = {"generator": f"batchform {__version__}", "spec_sha256": self.spec_sha256,
                "files": self.files}
        return json.dumps(data, indent=2, sort_keys=True) + "\n"


@dataclass
class GenerateResult:
    """What a generate run did."""

    out_dir: Path
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One line for the terminal."""
        parts = [f"{len(self.written)} written", f"{len(self.unchanged)} unchanged"]
        if self.removed:
            parts.append(f"{len(self.removed)} removed")
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
    manifest = Manifest.read(out_dir) if out_dir.is_dir() else None
    previous = manifest.files if manifest else {}
    encoded = {path: text.encode("utf-8") for path, text in files.items()}
    new_hashes = {path: _sha256(data) for path, data in encoded.items()}

    result = GenerateResult(out_dir=out_dir)
    edited: list[str] = []
    to_write: dict[str, bytes] = {}
    for path, data in encoded.items():
        target = out_dir / path
        current = _hash_file(target)
        if current == new_hashes[path]:
            result.unchanged.append(path)
            continue
        # Only files whose content batchform wrote last time may be replaced.
        if current is not None and current != previous.get(path):
            edited.append(path)
        to_write[path] = data
    stale = [path for path in previous if path not in encoded]
    to_remove: list[str] = []
    for path in stale:
        current = _hash_file(out_dir / path)
        if current is None:
            continue
        if current != previous[path]:
            edited.append(path)
        to_remove.append(path)
    if edited and not force:
        raise EditedFilesError(out_dir, sorted(edited))

    _write_atomically(out_dir, to_write)
    for path in to_remove:
        (out_dir / path).unlink()
        _remove_empty_parents(out_dir, out_dir / path)
    new_manifest = Manifest(spec_sha256=spec_sha256, files=new_hashes)
    _write_atomically(out_dir, {MANIFEST: new_manifest.text().encode("utf-8")})
    result.written = sorted(to_write)
    result.removed = sorted(to_remove)
    return result


def _hash_file(path: Path) -> str | None:
    try:
        return _sha256(path.read_bytes())
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        raise UsageError(f"{path}: is a directory where batchform writes a file") from None


def _write_atomically(out_dir: Path, files: Mapping[str, bytes]) -> None:
    """Stage every file next to its target, then rename them all into place."""
    if not files:
        return
    created_root = not out_dir.exists()
    staged: list[tuple[Path, Path]] = []
    try:
        for path, data in files.items():
            target = out_dir / path
            target.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(prefix=".batchform-", dir=target.parent)
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
            os.chmod(temporary, 0o644)
            staged.append((Path(temporary), target))
    except BaseException:
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)
        if created_root:
            _remove_tree_if_only_dirs(out_dir)
        raise
    for temporary, target in staged:
        os.replace(temporary, target)


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
