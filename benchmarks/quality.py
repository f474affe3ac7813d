"""Quality benchmark: the pipeline beside the libraries it wraps, in one run.

    python benchmarks/quality.py [--workers N] [--sets scrapinghub_aeb trafilatura_eval ...]

Text F1 (bag of words, 4-gram shingles) on scrapinghub_aeb; with/without snippet F1 and date
accuracy on trafilatura_eval; date accuracy on htmldate_eval (the pipeline's dating step
alone, as extraction runs it); dedupe and topic precision/recall when their evaluations are
available. "pipeline" is exactly ``mpnews extract --manifest``. Every method runs on the same
number of worker processes; pages/s is pages over wall-clock seconds. Scores come from the
corpus's own ``score.py`` (``../shared/corpus``, unpacked once into ``.bench/``).
"""

from __future__ import annotations

import argparse
import importlib
import multiprocessing
import os
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import htmldate
import trafilatura

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _corpus  # the benchmarks folder is not a package

__all__ = ["Row", "main"]

ROOT = _corpus.ROOT
DEDUPE_PAIRS = ROOT / "tests" / "pipeline" / "fixtures" / "dedupe_pairs.jsonl"
DASH = "–"


@dataclass(frozen=True, slots=True)
class Row:
    """One method on one set: its scores (None = not measured) and its speed."""

    set: str
    method: str
    bow: float | None = None
    shingle4: float | None = None
    snippets: float | None = None
    date: float | None = None
    pages_per_s: float | None = None


def _bare_default(job: tuple[str, str]) -> dict[str, Any]:
    return {"text": trafilatura.extract(Path(job[0]).read_bytes(), url=job[1] or None)}


def _bare_no_comments(job: tuple[str, str]) -> dict[str, Any]:
    html = Path(job[0]).read_bytes()
    return {"text": trafilatura.extract(html, url=job[1] or None, include_comments=False)}


def _htmldate_original(job: tuple[str, str]) -> dict[str, Any]:
    html = Path(job[0]).read_bytes()
    return {"date": htmldate.find_date(html, url=job[1] or None, original_date=True)}


def _timed(run: Callable[[], dict[str, dict[str, Any]]]) -> tuple[dict[str, Any], float]:
    start = time.perf_counter()
    found = run()
    return found, time.perf_counter() - start


def _pooled(
    fn: Callable[[tuple[str, str]], dict[str, Any]], pages: list[Any], workers: int
) -> Callable[[], dict[str, dict[str, Any]]]:
    def run() -> dict[str, dict[str, Any]]:
        jobs = [(str(p.path), p.url) for p in pages]
        context = multiprocessing.get_context("forkserver")
        with context.Pool(workers) as pool:
            return dict(zip((p.id for p in pages), pool.map(fn, jobs, chunksize=16), strict=True))

    return run


def _row(
    set_name: str, method: str, pages: list[Any], found: dict[str, Any], secs: float, corpus: Path
) -> Row:
    scores = _corpus.score(pages, found, corpus=corpus)
    text, snippets, dates = scores.get("text"), scores.get("snippets"), scores.get("date")
    has_text = any(v.get("text") is not None for v in found.values())
    has_date = any("date" in v for v in found.values())
    return Row(
        set_name,
        method,
        bow=text["bow"]["f1"] if has_text and text else None,
        shingle4=text["shingle4"]["f1"] if has_text and text else None,
        snippets=snippets["f1"] if has_text and snippets else None,
        date=dates["accuracy"] if has_date and dates else None,
        pages_per_s=len(pages) / secs if secs else None,
    )


def _bare_metadata_date(job: tuple[str, str]) -> dict[str, Any]:
    meta = trafilatura.extract_metadata(Path(job[0]).read_bytes(), default_url=job[1] or None)
    return {"date": meta.date if meta else None}


def _set_rows(set_name: str, workers: int, corpus: Path) -> Iterator[Row]:
    pages = _corpus.pages(set_name, corpus=corpus, cache=_cache(corpus))
    if set_name == "htmldate_eval":
        found, secs = _timed(lambda: _corpus.pipeline_dates(pages, workers))
        yield _row(set_name, "pipeline dating step", pages, found, secs, corpus)
    else:
        found, secs = _timed(lambda: _corpus.pipeline_predictions(pages, workers))
        yield _row(set_name, "pipeline (mpnews extract)", pages, found, secs, corpus)
        for label, fn in (
            ("trafilatura default", _bare_default),
            ("trafilatura include_comments=False", _bare_no_comments),
        ):
            found, secs = _timed(_pooled(fn, pages, workers))
            yield _row(set_name, label, pages, found, secs, corpus)
    if set_name == "trafilatura_eval":
        found, secs = _timed(_pooled(_bare_metadata_date, pages, workers))
        yield _row(set_name, "trafilatura extract_metadata", pages, found, secs, corpus)
    if set_name != "scrapinghub_aeb":
        found, secs = _timed(_pooled(_htmldate_original, pages, workers))
        yield _row(set_name, "htmldate original_date=True", pages, found, secs, corpus)


def _cache(corpus: Path) -> Path:
    """Where a corpus unpacks: ``.bench/`` for the full one, ``.bench/<folder>`` for another."""
    return _corpus.CACHE if corpus == _corpus.CORPUS.resolve() else _corpus.CACHE / corpus.name


def _cell(value: float | None, digits: int = 4) -> str:
    return DASH if value is None else f"{value:.{digits}f}"


def _print_rows(rows: list[Row], workers: int) -> None:
    header = ("set", "method", "F1 bow", "F1 shingle4", "snippet F1", "date acc", "pages/s")
    print(f"| {' | '.join(header)} |")
    print(f"|{'|'.join('---' for _ in header)}|")
    for r in rows:
        scores = (r.bow, r.shingle4, r.snippets, r.date)
        cells = [r.set, r.method, *(_cell(v) for v in scores), _cell(r.pages_per_s, 1)]
        print(f"| {' | '.join(cells)} |")
    print(f"\npages/s: wall clock with {workers} worker process(es) for every method")


def _dedupe() -> str:
    try:
        module = importlib.import_module("pipeline.near_duplicates")
        precision, recall = module.evaluate_pairs(DEDUPE_PAIRS)
    except (ImportError, AttributeError, OSError):
        return "n/a"
    return f"precision {precision:.3f}  recall {recall:.3f}  ({DEDUPE_PAIRS.relative_to(ROOT)})"


def _topics() -> str:
    try:
        module = importlib.import_module("topics")
        precision, recall, posts = module.evaluate()
    except (ImportError, AttributeError):
        return "n/a"
    return f"micro precision {precision:.3f}  recall {recall:.3f}  ({posts} held-out posts)"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--sets", nargs="*", default=list(_corpus.SETS))
    parser.add_argument(
        "--corpus",
        type=Path,
        default=_corpus.CORPUS,
        help="the full corpus (default ../shared/corpus) or the gate's tests/quality/corpus",
    )
    args = parser.parse_args(argv)
    corpus = args.corpus.resolve()
    rows = [row for name in args.sets for row in _set_rows(name, args.workers, corpus)]
    _print_rows(rows, args.workers)
    print(f"\ndedupe (labelled pairs): {_dedupe()}")
    print(f"topics (classify vs site categories): {_topics()}")


if __name__ == "__main__":
    main()
