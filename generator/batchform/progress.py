"""What a long command shows while it runs: a line per step as it starts and ends, and on a
terminal one live line with the running step and its elapsed time."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

from batchform.lifecycle import Progress, Step

# The live line is redrawn this often; a slower tick would look stuck, a faster one costs CPU.
TICK_SECONDS = 0.2


class StepPrinter(Progress):
    """Prints lifecycle steps to `stream` as they happen.

    Not on a terminal (a pipe, a CI log): one line when a step starts and one when it ends.
    On a terminal: the running step is one line redrawn in place with `\\r` until it ends, then
    replaced by its result. Every line is flushed at once, so a reader sees it when it happens.
    """

    def __init__(self, stream: TextIO, *, live: bool | None = None) -> None:
        self.stream = stream
        self.live = stream.isatty() if live is None else live
        self.shown: list[str] = []
        self._lock = threading.Lock()
        self._running: tuple[str, float] | None = None
        self._ticker: threading.Thread | None = None
        self._stop = threading.Event()
        self._width = 0

    def write_line(self, text: str) -> None:
        """A line of its own, above the live line."""
        with self._lock:
            self._clear()
            self.stream.write(text + "\n")
            self._draw()
            self.stream.flush()

    def step_started(self, name: str) -> None:
        """Announce a step; on a terminal, start redrawing its elapsed time."""
        with self._lock:
            self._running = (name, time.monotonic())
            if not self.live:
                self.stream.write(f"  {name:<12} started\n")
            else:
                self._draw()
            self.stream.flush()
        if self.live:
            self._stop.clear()
            self._ticker = threading.Thread(target=self._tick, name="progress", daemon=True)
            self._ticker.start()

    def step_finished(self, step: Step) -> None:
        """Replace the running step with its result."""
        self._stop_ticker()
        with self._lock:
            self._clear()
            self._running = None
            self.stream.write(step.line() + "\n")
            self.stream.flush()
        self.shown.append(step.name)

    def note(self, message: str) -> None:
        """A note between steps, on its own line."""
        self.write_line(message)

    @contextmanager
    def paused(self) -> Iterator[None]:
        """No live line while the block runs (a question to the user, say)."""
        self._stop_ticker()
        with self._lock:
            self._clear()
            self.stream.flush()
        try:
            yield
        finally:
            if self._running is not None and self.live:
                self._stop.clear()
                self._ticker = threading.Thread(target=self._tick, name="progress", daemon=True)
                self._ticker.start()

    def _tick(self) -> None:
        while not self._stop.wait(TICK_SECONDS):
            with self._lock:
                self._draw()
                self.stream.flush()

    def _stop_ticker(self) -> None:
        self._stop.set()
        if self._ticker is not None:
            self._ticker.join()
            self._ticker = None

    def _draw(self) -> None:
        if not self.live or self._running is None:
            return
        name, started = self._running
        text = f"  {name:<12} running {time.monotonic() - started:9.1f} s"
        self.stream.write("\r" + text.ljust(self._width))
        self._width = len(text)

    def _clear(self) -> None:
        if self.live and self._width:
            self.stream.write("\r" + " " * self._width + "\r")
            self._width = 0
