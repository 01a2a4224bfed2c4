"""The one pool of processes everything that parses shares out its work to, and the one place
a parse reports its progress from (to the observer the command line installs, if any).

Workers are forked, so they inherit the loaded grammars, and they die with their parent: on
Linux the kernel kills them when it exits (PR_SET_PDEATHSIG), elsewhere a thread in each worker
watches for the parent to go. A `kill -9` of batchform leaves no worker behind.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from functools import partial
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

if TYPE_CHECKING:
    from concurrent.futures import Future

Item = TypeVar("Item")
Result = TypeVar("Result")
_PR_SET_PDEATHSIG = 1
# While workers parse, the observer is told this often that time passes (its elapsed time).
WAIT_SECONDS = 0.2


class ParseObserver(Protocol):
    """Who is told how a parse advances (`batchform.progress.ParseBar` on a terminal)."""

    def begin(self, what: str, files: int, total_size: int) -> None:
        """A parse of `files` files, `total_size` characters in all, starts."""

    def advance(self, size: int) -> None:
        """Work of `size` characters is done."""

    def tick(self) -> None:
        """Time passed while waiting for workers."""

    def end(self) -> None:
        """The parse is over (done or failed)."""


class _Unobserved:
    def begin(self, what: str, files: int, total_size: int) -> None:
        pass

    def advance(self, size: int) -> None:
        pass

    def tick(self) -> None:
        pass

    def end(self) -> None:
        pass


_OBSERVER: ContextVar[ParseObserver | None] = ContextVar("parse_observer", default=None)


@contextmanager
def observed(observer: ParseObserver) -> Iterator[None]:
    """Report every parse started inside the block to `observer`."""
    token = _OBSERVER.set(observer)
    try:
        yield
    finally:
        _OBSERVER.reset(token)


def map_parse(
    function: Callable[[Item], Result],
    items: Sequence[Item],
    *,
    sizes: Sequence[int],
    files: int,
    what: str,
    parallel: bool,
    chunksize: int = 1,
) -> list[Result]:
    """`[function(item) for item in items]`, in the pool when `parallel`, telling the observer
    as each item (of `sizes[i]` characters) is done."""
    observer = _OBSERVER.get() or _Unobserved()
    observer.begin(what, files, sum(sizes))
    try:
        if parallel:
            return parallel_map(function, items, chunksize=chunksize, sizes=sizes,
                                observer=observer)
        results = []
        for item, size in zip(items, sizes, strict=True):
            results.append(function(item))
            observer.advance(size)
        return results
    finally:
        observer.end()


def workers() -> int:
    """How many processes a parallel parse may use: one per core this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on every platform
        return os.cpu_count() or 1


def worthwhile(total_bytes: int, threshold: int) -> bool:
    """Whether `total_bytes` of text is enough to pay for starting processes."""
    return (
        total_bytes >= threshold
        and workers() > 1
        and "fork" in multiprocessing.get_all_start_methods()
    )


def parallel_map(
    function: Callable[[Item], Result],
    items: Sequence[Item],
    *,
    chunksize: int = 1,
    sizes: Sequence[int] | None = None,
    observer: ParseObserver | None = None,
) -> list[Result]:
    """`[function(item) for item in items]`, shared out between forked workers in chunks of
    `chunksize` items; the observer hears of each chunk done (by `sizes`) and of the time
    passing in between, always from this thread."""
    from concurrent.futures import ProcessPoolExecutor

    observer = observer or _Unobserved()
    context = multiprocessing.get_context("fork")
    count = min(workers(), len(items)) or 1
    chunks = [range(start, min(start + chunksize, len(items)))
              for start in range(0, len(items), max(1, chunksize))]
    results: list[Result | None] = [None] * len(items)
    with ProcessPoolExecutor(
        max_workers=count, mp_context=context, initializer=die_with_parent,
        initargs=(os.getpid(),),
    ) as pool:
        # Finished chunks arrive on a queue, each once: waiting on every pending future per
        # round (`concurrent.futures.wait`) made thousands of chunks quadratic.
        finished: queue.SimpleQueue[tuple[range, Future[list[Result]]]] = queue.SimpleQueue()
        for chunk in chunks:
            future = pool.submit(_apply, function, [items[index] for index in chunk])
            future.add_done_callback(partial(_arrived, finished, chunk))
        for _ in chunks:
            while True:
                try:
                    chunk, future = finished.get(timeout=WAIT_SECONDS)
                    break
                except queue.Empty:
                    observer.tick()
            for index, result in zip(chunk, future.result(), strict=True):
                results[index] = result
            observer.advance(sum(sizes[index] for index in chunk) if sizes else 0)
    return results  # type: ignore[return-value]  # every slot was filled above


def _arrived(finished: queue.SimpleQueue[tuple[range, Future[Any]]], chunk: range,
             future: Future[Any]) -> None:
    finished.put((chunk, future))


def _apply(function: Callable[[Item], Result], items: list[Item]) -> list[Result]:
    """In a worker: one chunk."""
    return [function(item) for item in items]


def die_with_parent(parent: int) -> None:
    """Make this worker exit when `parent` does (run first in every worker)."""
    if not _kernel_kills_orphans():
        threading.Thread(target=_watch, args=(parent,), daemon=True).start()
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)


def _kernel_kills_orphans() -> bool:
    if not hasattr(os, "sched_getaffinity"):  # not Linux: no prctl
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return bool(libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0) == 0)
    except (OSError, AttributeError):
        return False


def _watch(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)
