"""Run a command and watch its whole process tree: wall time, peak RSS, CPU time.

The tree is the command's process and every descendant (and anything left in its session,
which the command leads). RSS is summed over the tree every ``interval`` seconds (psutil
when installed, else ``/proc``), so pages shared between processes count once per process,
as ``ps`` and ``top`` show them. CPU is user + system time of the waited-for tree
(``RUSAGE_CHILDREN``). On timeout the whole session is terminated, then killed.
"""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = ["TreeRun", "run_watched"]

_PAGE = os.sysconf("SC_PAGE_SIZE")


@dataclass(frozen=True, slots=True)
class TreeRun:
    """What one watched command did."""

    returncode: int | None  # None: stopped at the timeout
    wall_s: float
    peak_rss_bytes: int
    peak_processes: int
    cpu_s: float
    timed_out: bool


def run_watched(
    command: Sequence[str],
    *,
    env: Mapping[str, str],
    cwd: Path,
    log: Path,
    timeout: float,
    interval: float = 0.5,
) -> TreeRun:
    """Run ``command`` (output to ``log``) until it exits or ``timeout`` seconds pass."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    peak = {"rss": 0, "procs": 0}
    stop = threading.Event()
    with log.open("wb") as out:
        started = time.monotonic()
        process = subprocess.Popen(
            list(command),
            env=dict(env),
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        sampler = threading.Thread(
            target=_sample, args=(process.pid, interval, stop, peak), daemon=True
        )
        sampler.start()
        timed_out = False
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
            _end_session(process)
        except BaseException:  # interrupted: leave nothing of the command running
            _end_session(process)
            stop.set()
            raise
        wall = time.monotonic() - started
        stop.set()
        sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return TreeRun(
        None if timed_out else process.returncode,
        wall,
        peak["rss"],
        peak["procs"],
        cpu,
        timed_out,
    )


def _sample(root: int, interval: float, stop: threading.Event, peak: dict[str, int]) -> None:
    while not stop.is_set():
        pids = _tree(root)
        rss = sum(_rss(pid) for pid in pids)
        peak["rss"] = max(peak["rss"], rss)
        peak["procs"] = max(peak["procs"], len(pids))
        stop.wait(interval)


def _tree(root: int) -> set[int]:
    """``root``, its descendants and the members of its session."""
    try:
        import psutil  # optional: not a dependency of mpnews
    except ImportError:
        psutil = None
    if psutil is not None:
        try:
            proc = psutil.Process(root)
            return {root, *(c.pid for c in proc.children(recursive=True))}
        except psutil.Error:
            return set()
    parents: dict[int, int] = {}
    session: set[int] = set()
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        fields = _stat_fields(int(entry.name))
        if fields is None:
            continue
        pid, ppid, sid = int(entry.name), int(fields[1]), int(fields[3])
        parents[pid] = ppid
        if sid == root:
            session.add(pid)
    found = {root} if root in parents else set()
    changed = True
    while changed:
        changed = False
        for pid, ppid in parents.items():
            if ppid in found and pid not in found:
                found.add(pid)
                changed = True
    return found | session


def _stat_fields(pid: int) -> list[str] | None:
    """``/proc/PID/stat`` fields after the command name: state, ppid, pgrp, session, ..."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rfind(")") + 2 :].split()


def _rss(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * _PAGE
    except (OSError, IndexError, ValueError):
        return 0


def _end_session(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM then SIGKILL to the session this command leads (its pid is the group id)."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=15)
            return
        except subprocess.TimeoutExpired:
            continue
