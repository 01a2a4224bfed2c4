"""The one pool of processes everything that parses shares out its work to.

Workers are forked, so they inherit the loaded grammars, and they die with their parent: on
Linux the kernel kills them when it exits (PR_SET_PDEATHSIG), elsewhere a thread in each worker
watches for the parent to go. A `kill -9` of batchform leaves no worker behind.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Sequence
from typing import TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")
_PR_SET_PDEATHSIG = 1


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
    function: Callable[[Item], Result], items: Sequence[Item], *, chunksize: int = 1
) -> list[Result]:
    """`[function(item) for item in items]`, shared out between forked workers."""
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("fork")
    count = min(workers(), len(items)) or 1
    with ProcessPoolExecutor(
        max_workers=count, mp_context=context, initializer=die_with_parent,
        initargs=(os.getpid(),),
    ) as pool:
        return list(pool.map(function, items, chunksize=chunksize))


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
