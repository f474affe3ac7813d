"""Date benchmark: mpnews ``find_date`` vs htmldate (original_date / default), side by side.

    python benchmarks/dates.py --archive PATH/TO/adbar_eval.tar.xz [--workers 2] [--failures 20]

Unpacks the adbar evaluation sets into ``.bench/`` (git-ignored) once, then scores exact-day
accuracy on every page that has a gold date, and pages/s per method (per core).
"""

from __future__ import annotations

import argparse
import json
import tarfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing import Pool
from pathlib import Path

import htmldate
from w3lib.encoding import html_to_unicode

from pipeline.dating import find_date

__all__ = ["PageResult", "main", "score_page"]

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / ".bench"
SETS = ("htmldate_eval", "trafilatura_eval")
METHODS = ("mpnews", "htmldate_original", "htmldate_default")


@dataclass(frozen=True, slots=True)
class PageResult:
    """One page's gold date and each method's answer and seconds."""

    page_id: str
    gold: str
    answers: tuple[str | None, ...]
    seconds: tuple[float, ...]
    detail: str


def _mpnews(text: str, url: str) -> tuple[str | None, str]:
    choice = find_date(text, url)
    if choice is None:
        return None, "none"
    cands = ", ".join(f"{c.source}={c.value}" for c in choice.candidates)
    return choice.date.isoformat(), f"{choice.source} {choice.confidence} [{cands}]"


def _htmldate(original: bool) -> Callable[[str, str], tuple[str | None, str]]:
    def run(text: str, url: str) -> tuple[str | None, str]:
        return htmldate.find_date(text, url=url, original_date=original), ""

    return run


RUNNERS = (_mpnews, _htmldate(True), _htmldate(False))


def score_page(job: tuple[str, str, str, str]) -> PageResult:
    """Run every method on one stored page (a job is set, id, url, gold)."""
    set_name, page_id, url, gold = job
    raw = (CACHE / set_name / "pages" / f"{page_id}.html").read_bytes()
    _encoding, text = html_to_unicode(None, raw)
    answers, seconds, detail = [], [], ""
    for runner in RUNNERS:
        start = time.perf_counter()
        answer, info = runner(text, url)
        seconds.append(time.perf_counter() - start)
        answers.append(answer)
        detail = detail or info
    return PageResult(page_id, gold, tuple(answers), tuple(seconds), detail)


def _warm_up() -> None:
    """Pay one-off costs (dateparser's locale tables) before any page is timed."""
    for set_name in SETS:
        for job in _jobs(set_name)[:20]:
            score_page(job)


def _unpack(archive: Path | None) -> None:
    if all((CACHE / name / "truth.jsonl").exists() for name in SETS):
        return
    if archive is None:
        raise SystemExit(f"{CACHE} is empty: pass --archive PATH/TO/adbar_eval.tar.xz")
    CACHE.mkdir(exist_ok=True)
    with tarfile.open(archive) as tar:
        tar.extractall(CACHE, filter="data")


def _jobs(set_name: str) -> list[tuple[str, str, str, str]]:
    lines = (CACHE / set_name / "truth.jsonl").read_text(encoding="utf-8").splitlines()
    rows = [json.loads(line) for line in lines if line.strip()]
    return [(set_name, r["id"], r.get("url") or "", r["date"]) for r in rows if r.get("date")]


def _report(set_name: str, results: list[PageResult], wall: float, failures: int) -> None:
    n = len(results)
    print(f"\n{set_name}: {n} pages with a gold date, {wall:.1f}s wall")
    print(f"{'method':<20}{'accuracy':>10}{'coverage':>10}{'pages/s':>10}")
    for i, name in enumerate(METHODS):
        right = sum(r.answers[i] == r.gold for r in results)
        covered = sum(r.answers[i] is not None for r in results)
        speed = n / max(sum(r.seconds[i] for r in results), 1e-9)
        print(f"{name:<20}{right / n:>10.3f}{covered / n:>10.3f}{speed:>10.1f}")
    wrong = [r for r in results if r.answers[0] != r.gold]
    for r in wrong[:failures]:
        print(f"  {r.page_id}: gold={r.gold} ours={r.answers[0]} orig={r.answers[1]}")
        print(f"    {r.detail[:300]}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--archive", type=Path, default=None)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--failures", type=int, default=0, help="print this many of our misses")
    parser.add_argument("--sets", nargs="*", default=list(SETS))
    args = parser.parse_args(argv)
    _unpack(args.archive)
    with Pool(args.workers, initializer=_warm_up) as pool:
        for set_name in args.sets:
            start = time.perf_counter()
            results = pool.map(score_page, _jobs(set_name), chunksize=8)
            _report(set_name, results, time.perf_counter() - start, args.failures)


if __name__ == "__main__":
    main()
