"""Run a :class:`~spiders.run.CrawlPlan` in a subprocess and watch its sources end one by one.

Scrapy's reactor cannot restart inside a process, so the crawl runs in ``python -m spiders.run
--plan FILE``: one process for all the plan's sources. Its log goes to a file (nothing to
drain, however long the crawl); each source's stats file appears, whole, when that source's
crawl ends, which is how :meth:`CrawlProcess.ended` sees it. Past its deadline the process is
killed; the sources it had not finished then have no stats.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

from mpnews.config import Source, source_from_json
from spiders.run import CrawlPlan

__all__ = ["CrawlProcess", "SourceEnd"]

_TAIL_BYTES = 4000


@dataclass(frozen=True, slots=True)
class SourceEnd:
    """One source whose crawl is over: its stats (None when it wrote none) and how it ended."""

    source: Source
    stats: dict[str, Any] | None
    returncode: int | None  # the process's exit status when it ended without stats
    detail: str  # the end of the crawl log when it did (why it may have failed)


class CrawlProcess:
    """``python -m spiders.run --plan`` for ``plan``, killed after ``deadline`` seconds."""

    def __init__(
        self,
        plan: CrawlPlan,
        folder: str | Path,
        *,
        deadline: float | None = None,
        extra_args: Sequence[str] = (),
    ) -> None:
        self.plan = plan
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.plan_path = self.folder / "crawl-plan.json"
        self.log_path = self.folder / "crawl.log"
        self.stderr_path = self.folder / "crawl.stderr"
        self.deadline = deadline
        self.extra_args = tuple(extra_args)
        self.timed_out = False
        self._started = 0.0
        self._proc: subprocess.Popen[bytes] | None = None
        self._waiting = {
            p.stats_out: source_from_json(p.source_json) for p in plan.sources
        }  # stats file -> source, until it ends

    def start(self) -> CrawlProcess:
        self.plan_path.write_text(self.plan.to_json(), encoding="utf-8")
        for stats in self._waiting:
            Path(stats).unlink(missing_ok=True)
        command = [
            sys.executable, "-m", "spiders.run",
            "--plan", str(self.plan_path), "--log-file", str(self.log_path), *self.extra_args,
        ]  # fmt: skip
        self._started = time.monotonic()
        with open(self.stderr_path, "wb") as stderr:  # a file, not a pipe: nothing to drain
            self._proc = subprocess.Popen(
                command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=stderr
            )
        return self

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    @property
    def waiting(self) -> int:
        """Sources whose crawl has not ended yet."""
        return len(self._waiting)

    def ended(self) -> list[SourceEnd]:
        """Sources whose crawl ended since the last call (all remaining once the process is
        gone); kills the process past its deadline."""
        self._enforce_deadline()
        done = [(path, src) for path, src in self._waiting.items() if Path(path).is_file()]
        ends = [SourceEnd(src, _read_json(Path(path)), None, "") for path, src in done]
        for path, _ in done:
            del self._waiting[path]
        if self._proc is not None and self._proc.poll() is not None and self._waiting:
            ends.extend(self._without_stats())
        return ends

    def stop(self) -> None:
        if self._proc is not None and self._proc.poll() is None:
            self._proc.kill()
        if self._proc is not None:
            self._proc.wait()

    def __enter__(self) -> CrawlProcess:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def _enforce_deadline(self) -> None:
        if self.deadline is None or not self.running:
            return
        if time.monotonic() - self._started > self.deadline:
            self.timed_out = True
            self.stop()

    def _without_stats(self) -> list[SourceEnd]:
        """Sources left without stats when the process ended: they failed, saying why."""
        assert self._proc is not None
        code = self._proc.returncode
        detail = self._log_tail()
        if self.timed_out:
            detail = f"{detail}\ncrawl timed out after {self.deadline:.0f}s"
        ends = [
            SourceEnd(src, _read_json(Path(path)), code, detail)
            for path, src in self._waiting.items()
        ]
        self._waiting.clear()
        return ends

    def _log_tail(self) -> str:
        """The end of the process's stderr (a crash), else of its crawl log."""
        return _tail(self.stderr_path).strip() or _tail(self.log_path)


def _tail(path: Path) -> str:
    try:
        with open(path, "rb") as handle:
            handle.seek(0, 2)
            handle.seek(max(0, handle.tell() - _TAIL_BYTES))
            return handle.read().decode("utf-8", "replace")
    except OSError:
        return ""


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None
