"""`batchform generate`: render a spec into a stack directory, safely and verifiably.

The spec is read and rendered first (that never touches the directory); every read and write
of the directory then happens under its lock (see `stackdir`), as one transaction.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import os
import shlex
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from batchform import __version__
from batchform.cache import Cache, open_cache
from batchform.errors import (
    DriftError,
    EditedFilesError,
    RoundTripError,
    StackWriteError,
    UsageError,
)
from batchform.readme import render_readmes
from batchform.render import plan_stack, render_support_files, render_terraform
from batchform.roundtrip import check_round_trip, loads_cache
from batchform.selflint import lint_rendered
from batchform.spec import Spec
from batchform.specfile import SpecLocation, load_spec, locate_fields, read_spec
from batchform.stackdir import (
    LOCK,
    LOCK_TIMEOUT,
    MANIFEST,
    Transaction,
    checked_path,
    clean_up_after,
    created_directory,
    is_override_file,
    locked,
    locked_for_reading,
    path_problem,
    read_file,
    refuse_foreign_directory,
    resolve,
)

# Where parse-back results are cached: "default" is batchform.cache.default_cache_dir(),
# None is no cache at all, and a path is that directory.
CacheDir = Path | None | Literal["default"]


@dataclass(frozen=True)
class RenderedStack:
    """Every file of a stack, and the warnings lint gave on them (as the CLI prints them)."""

    files: dict[str, str]
    warnings: list[str] = field(default_factory=list)


def build_stack(
    spec: Spec,
    *,
    cache_dir: CacheDir = "default",
    locate: Callable[[], SpecLocation] | None = None,
) -> RenderedStack:
    """Every file of the stack for spec, keyed by relative path, checked by parsing it back and
    by linting it: an error finding is a spec error (SpecError, pointed at the spec's field
    through `locate`), warnings come back with the files."""
    cache = _cache(cache_dir)
    stack = plan_stack(spec)
    files = render_terraform(stack)
    check_round_trip(spec, files, loads_cache(cache))
    warnings = lint_rendered(files, spec, cache=cache, locate=locate)
    files.update(render_readmes(stack, files))
    files.update(render_support_files(stack))
    for path in files:
        if is_override_file(path):  # those are the user's: generate must never own one
            raise RoundTripError(path, "batchform must not generate a Terraform override file")
    return RenderedStack(dict(sorted(files.items())), warnings)


def render_stack(spec: Spec, *, cache_dir: CacheDir = "default") -> dict[str, str]:
    """Every file of the stack for spec, checked as `build_stack` checks it (its warnings left
    out)."""
    return build_stack(spec, cache_dir=cache_dir).files


def _cache(cache_dir: CacheDir) -> Cache | None:
    if cache_dir == "default":
        return open_cache()
    return open_cache(cache_dir) if cache_dir is not None else None


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --------------------------------------------------------------------------------------------
# The manifest
# --------------------------------------------------------------------------------------------


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
    def read(cls, root: Path, display: str = "") -> Manifest | None:
        """The manifest in root, or None when batchform never wrote there. Every entry must be
        a plain relative path: anything else is refused before a file is read or deleted.
        Terraform override files are never batchform's, whatever the manifest says."""
        raw = read_file(root / MANIFEST)
        if raw is None:
            return None
        path = Path(display) / MANIFEST if display else root / MANIFEST
        try:
            data = json.loads(raw.decode("utf-8"))
            manifest = cls(
                spec_sha256=_text(data["spec_sha256"]),
                files=_hashes(data["files"]),
                pending=_hashes(data.get("pending", {})),
            )
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise UsageError(
                f"{path}: unreadable manifest ({error}); delete it to start over, after checking "
                "which generated files were edited"
            ) from None
        for entry in [*manifest.files, *manifest.pending]:
            problem = path_problem(entry)
            if problem is not None:
                raise UsageError(
                    f"{path}: entry {entry!r} is not a path inside {display or root} ({problem}); "
                    "nothing was deleted or shown. Restore the manifest from version control, "
                    "or delete it to start over after checking which generated files were edited"
                )
        return manifest.without_override_files()

    def without_override_files(self) -> Manifest:
        """The manifest without entries naming Terraform override files."""
        return Manifest(
            self.spec_sha256,
            {path: sha for path, sha in self.files.items() if not is_override_file(path)},
            {path: sha for path, sha in self.pending.items() if not is_override_file(path)},
        )

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


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected a string, got {type(value).__name__}")
    return value


def _hashes(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        raise TypeError(f"expected a table of paths, got {type(value).__name__}")
    for path, sha in value.items():
        if not isinstance(path, str) or not isinstance(sha, str) or len(sha) != 64:
            raise ValueError(f"entry {path!r}: expected a SHA-256 hex digest")
    return dict(value)


# --------------------------------------------------------------------------------------------
# generate
# --------------------------------------------------------------------------------------------


@dataclass
class GenerateResult:
    """What a generate run did, and where (the directory as given and as resolved)."""

    out_dir: Path
    resolved: Path | None = None
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    # What the spec says that works only on a condition batchform cannot check, and lint
    # warnings on the generated files as problems of the spec: neither stops a run.
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One line for the terminal."""
        parts = [f"{len(self.written)} written", f"{len(self.unchanged)} unchanged"]
        if self.removed:
            parts.append(f"{len(self.removed)} removed")
        if self.kept:
            parts.append(
                f"{len(self.kept)} no longer generated but edited, kept: {', '.join(self.kept)}"
            )
        where = str(self.out_dir)
        if self.resolved is not None and str(self.resolved) != os.path.abspath(self.out_dir):
            where += f" (-> {self.resolved})"
        return (
            f"{where}: {', '.join(parts)}. Next: cd {shlex.quote(str(self.out_dir))} && "
            "terraform init && terraform apply"
        )


@dataclass
class _Plan:
    """What a run will change: new contents, removals, and the manifest that records them."""

    to_write: dict[str, bytes] = field(default_factory=dict)
    to_remove: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    edited: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)
    manifest: Manifest = field(default_factory=lambda: Manifest("", {}))


def _spec_hash(spec: Spec) -> str:
    return _sha256(spec.model_dump_json().encode("utf-8"))


def generate_stack(
    spec_path: Path | None,
    out_dir: Path,
    *,
    force: bool = False,
    cache_dir: CacheDir = "default",
    lock_timeout: float = LOCK_TIMEOUT,
) -> GenerateResult:
    """Render the spec and write it into out_dir, refusing to clobber hand-edited files."""
    read = read_spec(spec_path)
    built = build_stack(read.spec, cache_dir=cache_dir, locate=lambda: locate_fields(spec_path))
    result = write_stack(
        built.files, out_dir, spec_sha256=_spec_hash(read.spec), force=force,
        lock_timeout=lock_timeout,
    )
    result.warnings = read.warning_lines() + built.warnings
    return result


def write_stack(
    files: Mapping[str, str],
    out_dir: Path,
    *,
    spec_sha256: str,
    force: bool = False,
    lock_timeout: float = LOCK_TIMEOUT,
) -> GenerateResult:
    """Write rendered files as one transaction under the directory's lock, keeping files
    batchform did not write or was told not to overwrite."""
    root = resolve(out_dir)
    display = str(out_dir)
    encoded = {path: text.encode("utf-8") for path, text in files.items()}
    refuse_foreign_directory(root, display, set(encoded), force=force)
    transaction: Transaction | None = None
    try:
        with created_directory(root), locked(root, timeout=lock_timeout) as lock:
            clean_up_after(root, lock)
            lock.record()
            refuse_foreign_directory(root, display, set(encoded), force=force)
            old = Manifest.read(root, display) or Manifest("", {})
            plan = _plan(encoded, root, old, spec_sha256)
            if (plan.edited or plan.foreign or plan.kept) and not force:
                raise EditedFilesError(
                    out_dir, sorted(plan.edited + plan.kept), foreign=sorted(plan.foreign)
                )
            if _changes_anything(plan, root):
                transaction = Transaction(root, root / lock.staging)
                _commit(transaction, plan, old)
    except OSError as error:
        step = transaction.step if transaction is not None else "locking it"
        raise StackWriteError(display, step, error) from None
    return GenerateResult(
        out_dir=out_dir, resolved=root, written=sorted(plan.to_write),
        unchanged=plan.unchanged, removed=plan.to_remove, kept=plan.kept,
    )


def _plan(encoded: Mapping[str, bytes], root: Path, old: Manifest, spec_sha256: str) -> _Plan:
    hashes = {path: _sha256(data) for path, data in encoded.items()}
    plan = _Plan(manifest=Manifest(spec_sha256=spec_sha256, files=hashes))
    for path, data in encoded.items():
        current = _current_hash(root, path)
        if current == hashes[path]:
            plan.unchanged.append(path)
            continue
        # Only files whose content batchform wrote last time may be replaced.
        if current is not None and not old.wrote(path, current):
            (plan.edited if path in old.files else plan.foreign).append(path)
        plan.to_write[path] = data
    for path in sorted(set(old.files) - set(encoded)):
        current = _current_hash(root, path)
        if current is None:
            continue
        if old.wrote(path, current):
            plan.to_remove.append(path)
        else:
            # A file the spec no longer produces, edited by hand: never deleted, even forced.
            plan.kept.append(path)
    return plan


def _current_hash(root: Path, path: str) -> str | None:
    data = read_file(checked_path(root, path))
    return None if data is None else _sha256(data)


def _changes_anything(plan: _Plan, root: Path) -> bool:
    current = read_file(root / MANIFEST)
    return bool(plan.to_write or plan.to_remove) or current != plan.manifest.text().encode()


def _commit(transaction: Transaction, plan: _Plan, old: Manifest) -> None:
    """Stage everything, then rename it into place; on any error put the previous tree back.

    Before the first rename the manifest records the new hashes as pending, so a kill between
    two renames leaves files batchform recognises as its own, and the next run finishes the job.
    """
    try:
        transaction.begin()
        staged = {path: transaction.stage(path, data) for path, data in plan.to_write.items()}
        pending = Manifest(old.spec_sha256, old.files, {**old.pending, **plan.manifest.files})
        staged_pending = transaction.stage(MANIFEST, pending.text().encode("utf-8"))
        staged_final = transaction.stage(MANIFEST, plan.manifest.text().encode("utf-8"))
        transaction.place(MANIFEST, staged_pending)
        for path in [*plan.to_write, *plan.to_remove]:
            transaction.place(path, staged.get(path))
        transaction.place(MANIFEST, staged_final)
    except BaseException:
        transaction.roll_back()
        raise
    transaction.finish()


# --------------------------------------------------------------------------------------------
# --check
# --------------------------------------------------------------------------------------------


@dataclass
class Drift:
    """How a stack directory differs from what the spec generates."""

    diff: str = ""
    changed: list[str] = field(default_factory=list)
    edited: list[str] = field(default_factory=list)

    def summary(self, spec_path: Path | None, out_dir: Path) -> str:
        """One line: how many files differ, which were edited by hand, and what to do."""
        count = len(self.changed)
        text = f"{out_dir}: {count} file{'s differ' if count != 1 else ' differs'} from what " \
            "the spec generates"
        command = "batchform generate"
        if spec_path is not None:
            command += f" {shlex.quote(str(spec_path))}"
        command += f" --out {shlex.quote(str(out_dir))}"
        if not self.edited:
            return f"{text}; update {'them' if count != 1 else 'it'} with: {command}"
        named = ", ".join(self.edited[:3])
        if len(self.edited) > 3:
            named += f" and {len(self.edited) - 3} more"
        terraform = next((path for path in self.edited if path.endswith(".tf")), None)
        override = ""
        if terraform is not None:
            override = (f", into a Terraform override file such as {_override_name(terraform)} "
                        "(generate never touches those)")
        return (f"{text}; edited by hand: {named}. Move the change into the spec{override}, "
                f"or overwrite it with: {command} --force")


def _override_name(path: str) -> str:
    return path.removesuffix(".tf") + "_override.tf"


def check_stack(
    spec_path: Path | None,
    out_dir: Path,
    *,
    cache_dir: CacheDir = "default",
    lock_timeout: float = LOCK_TIMEOUT,
) -> list[str]:
    """Raise DriftError (with a diff) when out_dir differs from what the spec generates, else
    return lint's warnings on the generated files. Writes nothing; waits for a generate run
    that holds the directory's lock."""
    built = build_stack(
        load_spec(spec_path), cache_dir=cache_dir, locate=lambda: locate_fields(spec_path)
    )
    root = resolve(out_dir)
    try:
        with _reading(root, lock_timeout):
            drift = diff_stack(built.files, root, str(out_dir))
    except OSError as error:
        raise StackWriteError(str(out_dir), "reading it", error) from None
    if drift.changed:
        raise DriftError(drift.summary(spec_path, out_dir), drift.diff)
    return built.warnings


@contextmanager
def _reading(root: Path, timeout: float) -> Iterator[None]:
    # A directory batchform has written (or is writing) is read under its lock; a lock file
    # that cannot be created means nobody can be writing there.
    if root.is_dir() and ((root / MANIFEST).exists() or (root / LOCK).exists()):
        with locked_for_reading(root, timeout=timeout):
            yield
    else:
        yield


def diff_stack(files: Mapping[str, str], root: Path, display: str = "") -> Drift:
    """How root differs from files: a unified diff from what is there to what the spec
    generates (files the manifest lists and the spec no longer produces included)."""
    manifest = (Manifest.read(root, display) if root.is_dir() else None) or Manifest("", {})
    drift = Drift()
    chunks: list[str] = []
    wanted = {path: text.encode("utf-8") for path, text in files.items()}
    gone = {path: b"" for path in sorted(set(manifest.files) - set(files))}
    for path, data in {**wanted, **gone}.items():
        current = read_file(checked_path(root, path))
        if current == data or (current is None and path in gone):
            continue
        drift.changed.append(path)
        if current is not None and not manifest.wrote(path, _sha256(current)):
            drift.edited.append(path)
        chunks.extend(_unified(path, current, None if path in gone else data))
    drift.diff = "".join(chunks)
    return drift


def _unified(path: str, current: bytes | None, wanted: bytes | None) -> Iterator[str]:
    # Undecodable bytes (a hand edit in another encoding) show as U+FFFD, never as a crash.
    before = [] if current is None else current.decode("utf-8", "replace").splitlines(True)
    after = [] if wanted is None else wanted.decode("utf-8").splitlines(True)
    for line in difflib.unified_diff(
        before, after,
        fromfile="/dev/null" if current is None else f"a/{path}",
        tofile="/dev/null" if wanted is None else f"b/{path}",
    ):
        yield line if line.endswith("\n") else line + "\n\\ No newline at end of file\n"
