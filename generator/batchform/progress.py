"""What a long command shows while it runs: for `batchform test` a line per step as it starts
and ends, and on a terminal one live line with the running step and its elapsed time; for
`generate` and `lint` a progress bar on that same live line while a large parse runs."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import TextIO

from batchform.lifecycle import Progress, Step

# The live line is redrawn this often; a slower tick would look stuck, a faster one costs CPU.
TICK_SECONDS = 0.2
# A parse gets a bar when it has more files or more text than this: below, it is over in about
# a second (tree-sitter reads a few MB a second, python-hcl2 some 100 KB on each core).
BAR_FILES = 200
BAR_SIZE = 400_000
BAR_WIDTH = 24


class LiveLine:
    """One line of a terminal redrawn in place: each text overwrites the last (`\r`)."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self._width = 0

    def draw(self, text: str) -> None:
        """Show text instead of what the line showed."""
        self.stream.write("\r" + text.ljust(self._width))
        self._width = len(text)

    def clear(self) -> None:
        """Blank the line and put the cursor at its start, for a line of output."""
        if self._width:
            self.stream.write("\r" + " " * self._width + "\r")
            self._width = 0


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
        self._line = LiveLine(stream)

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
        self._line.draw(f"  {name:<12} running {time.monotonic() - started:9.1f} s")

    def _clear(self) -> None:
        if self.live:
            self._line.clear()


class ParseBar:
    """A progress bar on a terminal's live line while a large parse runs (more than
    `BAR_FILES` files or `BAR_SIZE` characters); nothing for a small one. Told by the parse
    pool (`batchform.hcl.pool.ParseObserver`), always from one thread."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self._line = LiveLine(stream)
        self._shown = False
        self._what = ""
        self._files = 0
        self._total = 0
        self._done = 0
        self._started = 0.0
        self._drawn = 0.0

    def begin(self, what: str, files: int, total_size: int) -> None:
        """Show a bar if this parse is large."""
        self._shown = files > BAR_FILES or total_size > BAR_SIZE
        self._what, self._files, self._total, self._done = what, files, total_size, 0
        self._started = time.monotonic()
        self._draw()

    def advance(self, size: int) -> None:
        """Move the bar on; redrawn at most once a tick, however many files end in it."""
        self._done += size
        if time.monotonic() - self._drawn >= TICK_SECONDS:
            self._draw()

    def tick(self) -> None:
        """Redraw the elapsed time."""
        self._draw()

    def end(self) -> None:
        """Take the bar away: what follows prints on a clean line."""
        if self._shown:
            self._line.clear()
            self.stream.flush()
        self._shown = False

    def _draw(self) -> None:
        if not self._shown:
            return
        share = self._done / self._total if self._total else 1.0
        filled = round(share * BAR_WIDTH)
        bar = "#" * filled + "-" * (BAR_WIDTH - filled)
        elapsed = time.monotonic() - self._started
        files = f"{self._files:,} file{'s' if self._files != 1 else ''}"
        self._line.draw(f"  {self._what} {files} [{bar}] {share:4.0%} {elapsed:6.1f} s")
        self.stream.flush()
        self._drawn = time.monotonic()


def parse_progress(stream: TextIO) -> AbstractContextManager[None]:
    """A bar on `stream` for every large parse inside the block (the caller has checked that
    the terminal wants one)."""
    from batchform.hcl import pool

    return pool.observed(ParseBar(stream))
