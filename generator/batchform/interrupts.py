"""Ctrl-C and SIGTERM during a lifecycle: counted, and handed to terraform the way it expects.

Terraform stops gracefully on its first SIGINT: it finishes or cancels what is in flight,
writes its state and exits. A second SIGINT makes it exit at once, and then the state may miss
what it was doing. So the running terraform gets one SIGINT per batchform interrupt only while
that keeps it graceful: the first interrupt of a run, or the first one during a later command
(the destroy that follows an interrupted apply); from the third interrupt on, each one goes
through, for a user who wants out whatever it costs.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any, Self

HANDLED_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Interrupts:
    """Records SIGINT/SIGTERM while installed and forwards them to the terraform being watched.

    `describe(count)` returns what to print for the count-th interrupt (or None); it is written
    straight to stderr's file descriptor from the handler, since a Python stream may be in the
    middle of a write when the signal arrives.
    """

    def __init__(self, describe: Callable[[int], str | None] | None = None) -> None:
        self.count = 0
        self.signum: int | None = None
        self.describe = describe
        self._process: subprocess.Popen[Any] | None = None
        self._forwarded = 0

    @property
    def exit_code(self) -> int:
        """What a shell expects after the first signal: 128 + its number."""
        return 128 + (self.signum or signal.SIGINT)

    @property
    def signal_name(self) -> str:
        """SIGINT or SIGTERM, for messages."""
        return signal.Signals(self.signum or signal.SIGINT).name

    @contextmanager
    def installed(self) -> Iterator[Self]:
        """Handle SIGINT and SIGTERM here until the block ends (main thread only; elsewhere the
        default handling stays)."""
        if threading.current_thread() is not threading.main_thread():
            yield self
            return
        previous = {sig: signal.signal(sig, self._handle) for sig in HANDLED_SIGNALS}
        try:
            yield self
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    @contextmanager
    def suspended(self) -> Iterator[None]:
        """Ctrl-C raises KeyboardInterrupt again while the block runs (a question to the user:
        Ctrl-C there means no)."""
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        previous = signal.signal(signal.SIGINT, signal.default_int_handler)
        try:
            yield
        finally:
            signal.signal(signal.SIGINT, previous)

    @contextmanager
    def watching(self, process: subprocess.Popen[Any]) -> Iterator[None]:
        """Forward interrupts to `process` while the block runs."""
        self._process, self._forwarded = process, 0
        try:
            yield
        finally:
            self._process = None

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        self.count += 1
        self.signum = self.signum or signum
        process = self._process
        if process is not None and process.poll() is None:
            if self._forwarded == 0 or self.count >= 3:
                self._forwarded += 1
                process.send_signal(signal.SIGINT)
        message = self.describe(self.count) if self.describe else None
        if message:
            _write_stderr(message)


def _write_stderr(message: str) -> None:
    # os.write, not print: the handler may run while sys.stderr is mid-write.
    try:
        os.write(sys.stderr.fileno(), f"\nbatchform: {message}\n".encode(errors="replace"))
    except (OSError, ValueError):
        pass
