"""The directory a stack is generated into: paths that stay inside it, one batchform run at a
time, and writes that either all land or leave it as it was.

Bookkeeping names batchform reserves in the directory: `.batchform-manifest.json` (what it
wrote), `.batchform.lock` (held by the running process; after a kill it names that run's staging
directory), and `.batchform-stage-<16 hex digits>/` (one run's private staging directory). No
other name is ever created, moved or deleted except the generated files themselves.
"""

from __future__ import annotations

import errno
import fcntl
import os
import re
import secrets
import shutil
import stat
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from batchform.errors import LockedError, UsageError

MANIFEST = ".batchform-manifest.json"
LOCK = ".batchform.lock"
STAGING_PREFIX = ".batchform-stage-"
_STAGING_NAME = re.compile(rf"{re.escape(STAGING_PREFIX)}[0-9a-f]{{16}}\Z")
_LOCK_HEADER = "batchform lock"
# Long enough for another run to finish its writes (its rendering happens before it locks).
LOCK_TIMEOUT = 5.0
_LOCK_POLL = 0.05
# Terraform merges these into the configuration; batchform never writes, reports or deletes one.
_OVERRIDE = re.compile(r"(?:^|/)(?:override|[^/]*_override)\.tf(?:\.json)?\Z")


def is_override_file(relative: str) -> bool:
    """Whether a path names a Terraform override file (override.tf, *_override.tf, .tf.json)."""
    return bool(_OVERRIDE.search(relative))


def is_bookkeeping(name: str) -> bool:
    """Whether a top-level name is one batchform keeps for itself."""
    return name in (MANIFEST, LOCK) or bool(_STAGING_NAME.match(name))


def path_problem(relative: str) -> str | None:
    """Why a manifest entry is not a plain relative path below the directory, or None."""
    if not relative:
        return "empty"
    if relative.startswith("/"):
        return "absolute"
    if "\\" in relative or "\0" in relative:
        return "holds a backslash or NUL"
    if any(part in ("", ".", "..") for part in relative.split("/")):
        return "has an empty, '.' or '..' component"
    return None


def checked_path(root: Path, relative: str) -> Path:
    """root/relative, after checking that no directory on the way is a symbolic link or a
    file: every path batchform reads or writes stays inside root."""
    problem = path_problem(relative)
    if problem is not None:
        raise UsageError(f"{relative!r}: not a path inside {root} ({problem})")
    current = root
    parts = relative.split("/")
    for index, part in enumerate(parts[:-1]):
        current = current / part
        try:
            mode = os.lstat(current).st_mode
        except FileNotFoundError:
            break
        where = "/".join(parts[: index + 1])
        if stat.S_ISLNK(mode):
            raise UsageError(
                f"{root / where}: is a symbolic link; batchform writes only inside the "
                "directory and follows no link in it: replace it with a directory"
            )
        if not stat.S_ISDIR(mode):
            raise UsageError(f"{root / where}: is a file where batchform needs a directory")
    return root / relative


def read_file(path: Path) -> bytes | None:
    """A regular file's bytes, None when it does not exist; a link, a directory or any other
    kind of file where batchform keeps a file is refused without reading it."""
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        return None
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise UsageError(
                f"{path}: is a symbolic link where batchform keeps a file; remove the link"
            ) from None
        raise
    try:
        mode = os.fstat(descriptor).st_mode
        if stat.S_ISDIR(mode):
            raise UsageError(
                f"{path}: is a directory where batchform writes a file; move it away"
            )
        if not stat.S_ISREG(mode):
            raise UsageError(f"{path}: is not a regular file; batchform writes a file there")
        chunks = []
        while chunk := os.read(descriptor, 1 << 20):
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(descriptor)


# --------------------------------------------------------------------------------------------
# Where batchform may write at all
# --------------------------------------------------------------------------------------------


def resolve(out_dir: Path) -> Path:
    """The real directory out_dir names (through symbolic links), which need not exist yet."""
    if out_dir.is_symlink() and not out_dir.exists():
        raise UsageError(f"{out_dir}: is a symbolic link to nothing; point it at a directory")
    if out_dir.exists() and not out_dir.is_dir():
        raise UsageError(f"{out_dir}: exists and is not a directory; choose another --out")
    return Path(os.path.realpath(out_dir))


def refuse_foreign_directory(
    root: Path, display: str, generated: set[str], *, force: bool
) -> None:
    """Refuse a directory that holds other things and no manifest: only an empty directory, one
    batchform wrote before, or one holding nothing but files batchform generates (then the
    usual edit check applies) is written into, or any with --force. The file system root and
    the home directory never, unless empty or written by batchform before."""
    if not root.is_dir() or (root / MANIFEST).exists():
        return
    with os.scandir(root) as entries:
        if all(is_bookkeeping(entry.name) for entry in entries):
            return
    special = {Path("/"): "the file system root"}
    try:
        special[Path(os.path.realpath(Path.home()))] = "your home directory"
    except (KeyError, RuntimeError):  # no home directory to protect
        pass
    if root in special:
        raise UsageError(
            f"{display}: is {special[root]}, which is not empty; batchform writes a stack "
            "into a directory of its own, such as ./stack"
        )
    if force or _holds_only(root, "", generated):
        return
    raise UsageError(
        f"{display}: is not empty and holds no {MANIFEST}, so batchform did not write it; "
        "choose a new or empty directory, or pass --force to write into it anyway (files "
        "batchform does not generate are never touched)"
    )


def _holds_only(root: Path, prefix: str, generated: set[str]) -> bool:
    with os.scandir(root / prefix if prefix else root) as entries:
        for entry in entries:
            relative = f"{prefix}{entry.name}"
            if not prefix and is_bookkeeping(entry.name):
                continue
            if entry.is_dir(follow_symlinks=False):
                if not any(path.startswith(relative + "/") for path in generated):
                    return False
                if not _holds_only(root, relative + "/", generated):
                    return False
            elif not (entry.is_file(follow_symlinks=False) and relative in generated):
                return False
    return True


# --------------------------------------------------------------------------------------------
# One run at a time
# --------------------------------------------------------------------------------------------


@dataclass
class Lock:
    """An exclusive lock on a stack directory. `previous` is what a killed run left in the lock
    file (the name of its staging directory); `staging` is this run's own."""

    path: Path
    descriptor: int
    previous: dict[str, str]
    staging: str
    created: bool
    recorded: bool = False

    def record(self) -> None:
        """Name this run's staging directory in the lock file before creating it, so that a
        run killed at any later point leaves a record of everything it created."""
        text = f"{_LOCK_HEADER}\npid {os.getpid()}\nstaging {self.staging}\n"
        os.ftruncate(self.descriptor, 0)
        os.pwrite(self.descriptor, text.encode("utf-8"), 0)
        self.recorded = True


@contextmanager
def locked(root: Path, *, timeout: float = LOCK_TIMEOUT) -> Iterator[Lock]:
    """Hold the directory's lock file (flock) for the block, waiting up to timeout seconds for
    another run to finish. The lock file is removed on release unless it still holds a killed
    run's record (removed while held, so a waiting run notices and locks a fresh one)."""
    lock = _acquire(root, timeout)
    try:
        yield lock
    finally:
        if lock.recorded or lock.created:
            _unlink(lock.path)
        os.close(lock.descriptor)


@contextmanager
def locked_for_reading(root: Path, *, timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
    """The lock for a run that only reads: waits for a writer like `locked`, never records
    anything, and goes without when the lock file cannot be created (nobody can write there)."""
    try:
        lock = _acquire(root, timeout)
    except OSError as error:
        if error.errno not in (errno.EACCES, errno.EPERM, errno.EROFS):
            raise
        yield
        return
    try:
        yield
    finally:
        if lock.created:
            _unlink(lock.path)
        os.close(lock.descriptor)


def _acquire(root: Path, timeout: float) -> Lock:
    path = root / LOCK
    deadline = time.monotonic() + timeout
    while True:
        descriptor, created = _open_lock_file(path)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(descriptor)
            if time.monotonic() >= deadline:
                raise LockedError(root, _holder(path), timeout) from None
            time.sleep(_LOCK_POLL)
            continue
        if _same_file(descriptor, path):
            previous = _read_journal(descriptor, path)
            staging = f"{STAGING_PREFIX}{secrets.token_hex(8)}"
            return Lock(path, descriptor, previous, staging, created)
        os.close(descriptor)  # the holder removed it on release: lock the new one


def _open_lock_file(path: Path) -> tuple[int, bool]:
    flags = os.O_RDWR | os.O_NOFOLLOW | os.O_CLOEXEC
    try:
        return os.open(path, flags), False
    except FileNotFoundError:
        pass
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise UsageError(f"{path}: is a symbolic link; remove it") from None
        raise
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        return os.open(path, flags | os.O_CREAT | os.O_EXCL, 0o644), True
    except FileExistsError:
        return os.open(path, flags), False


def _same_file(descriptor: int, path: Path) -> bool:
    try:
        on_disk = os.stat(path, follow_symlinks=False)
    except FileNotFoundError:
        return False
    held = os.fstat(descriptor)
    return (held.st_dev, held.st_ino) == (on_disk.st_dev, on_disk.st_ino)


def _read_journal(descriptor: int, path: Path) -> dict[str, str]:
    if not stat.S_ISREG(os.fstat(descriptor).st_mode):
        os.close(descriptor)
        raise UsageError(f"{path}: is not a regular file; remove it")
    text = os.pread(descriptor, 4096, 0).decode("utf-8", "replace")
    lines = text.splitlines()
    if lines and lines[0] != _LOCK_HEADER:
        os.close(descriptor)
        raise UsageError(
            f"{path}: is not a batchform lock file, and batchform keeps its lock under this "
            "name; move the file away"
        )
    return dict(line.split(" ", 1) for line in lines[1:] if " " in line)


def _holder(path: Path) -> str | None:
    try:
        text = path.read_text("utf-8", "replace")
    except OSError:
        return None
    match = re.search(r"^pid (\d+)$", text, re.M)
    return match.group(1) if match else None


def _unlink(path: Path) -> None:
    try:
        path.unlink()
    except FileNotFoundError:
        pass


def clean_up_after(root: Path, lock: Lock) -> None:
    """Remove the staging directory a killed run recorded in the lock file, and nothing else."""
    name = lock.previous.get("staging", "")
    if _STAGING_NAME.match(name) and name != lock.staging:
        staging = root / name
        if staging.is_dir() and not staging.is_symlink():
            shutil.rmtree(staging)


# --------------------------------------------------------------------------------------------
# All or nothing
# --------------------------------------------------------------------------------------------


@dataclass
class Transaction:
    """Files staged in a private directory, then renamed into place one by one; every step is
    recorded so that an error puts the previous tree back byte for byte."""

    root: Path
    staging: Path
    step: str = "preparing"
    # Target relative path -> where its previous content was moved (None: there was none).
    moved: list[tuple[str, Path | None]] = field(default_factory=list)
    created_dirs: list[Path] = field(default_factory=list)
    count: int = 0

    def begin(self) -> None:
        """Create the staging directory (its name is already in the lock file)."""
        self.step = "creating the staging directory"
        self.staging.mkdir(mode=0o700)

    def stage(self, relative: str, data: bytes) -> Path:
        """Write what will become relative into the staging directory; where it is."""
        self.step = f"writing {relative}"
        self.count += 1
        staged = self.staging / f"new-{self.count}"
        descriptor = os.open(staged, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o644)
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(data)
            os.fchmod(stream.fileno(), 0o644)
        return staged

    def place(self, relative: str, staged: Path | None) -> None:
        """Put the staged file at relative (None: remove what is there), keeping the previous
        content in the staging directory. A replaced file is never missing, not even for an
        instant: the previous content is kept by a second link, then renamed over."""
        self.step = f"replacing {relative}"
        target = checked_path(self.root, relative)
        self._make_parents(target)
        self.count += 1
        aside = self.staging / f"old-{self.count}"
        if not self._keep_previous(target, aside, move=staged is None):
            self.moved.append((relative, None))
        else:
            self.moved.append((relative, aside))
        if staged is not None:
            os.replace(staged, target)

    @staticmethod
    def _keep_previous(target: Path, aside: Path, *, move: bool) -> bool:
        """Keep target's content at aside; False when there is no target."""
        if not move:
            try:
                os.link(target, aside, follow_symlinks=False)
                return True
            except FileNotFoundError:
                return False
            except OSError as error:
                if error.errno not in (errno.EXDEV, errno.EPERM, errno.EMLINK, errno.ENOTSUP):
                    raise
        try:
            os.replace(target, aside)
        except FileNotFoundError:
            return False
        return True

    def finish(self) -> None:
        """Drop the previous contents and the staging directory; prune emptied directories."""
        shutil.rmtree(self.staging, ignore_errors=True)
        for relative, _ in self.moved:
            target = self.root / relative
            if not target.exists():
                _prune_empty_parents(self.root, target)

    def roll_back(self) -> None:
        """Put every moved file back where it was, newest first, and remove what this run
        created. Best effort: a step that fails leaves the rest to the next run, which
        recognises batchform's files by the manifest's pending hashes."""
        for relative, aside in reversed(self.moved):
            target = self.root / relative
            try:
                if aside is not None:
                    os.replace(aside, target)
                else:
                    target.unlink(missing_ok=True)
            except OSError:
                continue
        for directory in reversed(self.created_dirs):
            try:
                directory.rmdir()
            except OSError:
                continue
        shutil.rmtree(self.staging, ignore_errors=True)

    def _make_parents(self, target: Path) -> None:
        missing: list[Path] = []
        parent = target.parent
        while parent != self.root and not parent.exists():
            missing.append(parent)
            parent = parent.parent
        for directory in reversed(missing):
            directory.mkdir()
            self.created_dirs.append(directory)


def _prune_empty_parents(root: Path, path: Path) -> None:
    parent = path.parent
    while parent != root and parent.is_dir() and not parent.is_symlink():
        try:
            parent.rmdir()
        except OSError:
            return
        parent = parent.parent


@contextmanager
def created_directory(root: Path) -> Iterator[None]:
    """Remove root (and the parents made for it) if the block fails and leaves them empty."""
    missing: list[Path] = []
    parent = root
    while not parent.exists():
        missing.append(parent)
        parent = parent.parent
    try:
        yield
    except BaseException:
        for directory in missing:
            try:
                directory.rmdir()
            except OSError:
                break
        raise
