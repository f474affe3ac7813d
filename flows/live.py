"""A run's progress for a person watching: sources done, pages, posts, rate, time left.

In a terminal it is one line at the bottom of stderr, redrawn in place; the run's own lines
("ok", "FAILED", "ALERT") scroll above it. Elsewhere (a log file, CI, cron) it is a plain line
every ``every`` seconds. :func:`format_progress` is the line itself.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType
from typing import TextIO

__all__ = ["LiveProgress", "RunProgress", "format_progress"]

_REDRAW_SECONDS = 0.5
_CLEAR = "\r\x1b[K"


@dataclass(frozen=True, slots=True)
class RunProgress:
    """Where a run is."""

    sources_total: int
    sources_done: int
    pages_fetched: int
    pages_extracted: int
    posts_stored: int
    elapsed: float  # seconds since the run began

    def rate(self) -> float:
        """Pages extracted per second so far."""
        return self.pages_extracted / self.elapsed if self.elapsed > 0 else 0.0

    def seconds_left(self) -> float | None:
        """A rough estimate: the slower of sources still to finish and pages still to extract
        at the pace so far; None until a source has finished (before that, nothing says how
        much is left to crawl)."""
        if self.sources_done == self.sources_total:
            return 0.0
        if not self.sources_done:
            return None
        per_source = self.elapsed / self.sources_done
        estimates = [per_source * (self.sources_total - self.sources_done)]
        backlog = self.pages_fetched - self.pages_extracted
        if backlog > 0 and self.rate() > 0:
            estimates.append(backlog / self.rate())
        return max(estimates)


def format_progress(progress: RunProgress) -> str:
    """``sources 3/40 · pages 1,204 fetched, 1,180 extracted · posts 310 stored · 21.5 pages/s ·
    ~2m05s left``."""
    left = progress.seconds_left()
    tail = ", done" if left == 0 else (f", ~{_duration(left)} left" if left is not None else "")
    return (
        f"sources {progress.sources_done}/{progress.sources_total} · "
        f"pages {progress.pages_fetched:,} fetched, {progress.pages_extracted:,} extracted · "
        f"posts {progress.posts_stored:,} stored · {progress.rate():.1f} pages/s · "
        f"{_duration(progress.elapsed)} elapsed{tail}"
    )


class LiveProgress:
    """Shows :class:`RunProgress` on ``stream`` while the block runs.

    On a TTY, ``sys.stderr`` is wrapped for the block so any line printed to it clears the
    status line first and redraws it after. Not on a TTY, a plain ``  progress  ...`` line
    every ``every`` seconds.
    """

    def __init__(
        self,
        stream: TextIO | None = None,
        *,
        every: float = 30.0,
        tty: bool | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty() if tty is None else tty
        self.every = every
        self.clock = clock
        self._line = ""
        self._last = clock() if not self.tty else float("-inf")  # first plain line after `every`
        self._lock = threading.RLock()
        self._saved: TextIO | None = None

    def update(self, progress: RunProgress, *, force: bool = False) -> None:
        """Show ``progress`` if it is time to (``force``: now)."""
        now = self.clock()
        interval = _REDRAW_SECONDS if self.tty else self.every
        if not force and now - self._last < interval:
            return
        self._last = now
        line = format_progress(progress)
        with self._lock:
            if self.tty:
                self._line = line
                self.stream.write(_CLEAR + line)
            else:
                self.stream.write(f"  progress  {line}\n")
            self.stream.flush()

    def write_line(self, text: str) -> None:
        """Write ``text`` above the status line (what the wrapped stderr does)."""
        with self._lock:
            if self.tty and self._line:
                self.stream.write(_CLEAR)
            self.stream.write(text)
            if self.tty and self._line and text.endswith("\n"):
                self.stream.write(self._line)
            self.stream.flush()

    def __enter__(self) -> LiveProgress:
        if self.tty and sys.stderr is self.stream:
            self._saved = sys.stderr
            sys.stderr = _Above(self)  # type: ignore[assignment]
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        with self._lock:
            if self._saved is not None:
                sys.stderr = self._saved
                self._saved = None
            if self.tty and self._line:
                self.stream.write(_CLEAR)
                self.stream.flush()
            self._line = ""


class _Above:
    """A stderr stand-in that writes whole lines above the live status line."""

    def __init__(self, live: LiveProgress) -> None:
        self._live = live
        self._buffer = ""

    def write(self, text: str) -> int:
        self._buffer += text
        if "\n" in self._buffer:
            lines, _, self._buffer = self._buffer.rpartition("\n")
            self._live.write_line(lines + "\n")
        return len(text)

    def flush(self) -> None:
        if self._buffer:
            self._live.write_line(self._buffer)
            self._buffer = ""

    def isatty(self) -> bool:
        return True

    def __getattr__(self, name: str) -> object:
        return getattr(self._live.stream, name)


def _duration(seconds: float) -> str:
    whole = round(seconds)
    if whole < 60:
        return f"{whole}s"
    minutes, secs = divmod(whole, 60)
    if minutes < 60:
        return f"{minutes}m{secs:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m"
