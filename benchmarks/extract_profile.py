"""Where extraction time goes: the pipeline's per-page work beside bare trafilatura, one process.

    python benchmarks/extract_profile.py [--pages 100] [--sets scrapinghub_aeb trafilatura_eval]
                                         [--profile N]

Takes the first ``--pages`` pages of each set of the shared corpus (``../shared/corpus``, unpacked
once into ``.bench/``), warms both up on a few pages, then runs, in this one process, bare
trafilatura (``extract(include_comments=False)``) and the pipeline's per-page work exactly as
``mpnews extract`` does it in each worker (``extract_page`` then ``finalise_post``: extraction,
dating, site families, categories, MPs, topics). It prints pages per CPU-second for each and
their ratio: CPU time, so the figure holds on a machine other jobs share. ``--profile N`` then
prints the pipeline's N costliest functions (cProfile, cumulative).
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime

import trafilatura
from _corpus import pages as corpus_pages

from mpnews.config import Source
from pipeline.extract import extract_page
from pipeline.ingest import finalise_post
from pipeline.records import RawPage

_SOURCE = Source(name="extract", kind="news_site", start_urls=("http://localhost/",))
_WARM_UP = 5


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    pages = [p for name in args.sets for p in _raw_pages(name, args.pages)]
    for page in pages[:_WARM_UP]:
        _bare([page])
        _pipeline([page])
    bare = _rate(_bare, pages)
    pipeline = _rate(_pipeline, pages)
    print(f"{len(pages)} pages, one process, pages per CPU-second")
    print(f"  bare trafilatura extract(include_comments=False)  {bare:6.1f}")
    print(f"  pipeline (extract_page + finalise_post)           {pipeline:6.1f}")
    print(f"  ratio pipeline / bare                             {pipeline / bare:6.2f}")
    if args.profile:
        profile = cProfile.Profile()
        profile.runcall(_pipeline, pages)
        pstats.Stats(profile, stream=sys.stdout).sort_stats("cumulative").print_stats(args.profile)
    return 0


def _raw_pages(set_name: str, limit: int) -> list[RawPage]:
    found = []
    for page in corpus_pages(set_name)[:limit]:
        url = page.url or "http://localhost/"
        found.append(
            RawPage(
                url=url,
                final_url=url,
                status=200,
                headers=(("Content-Type", "text/html"),),
                body=page.path.read_bytes(),
                fetched_at=datetime.now(UTC),
                source=_SOURCE.name,
                run_id="profile",
                role="post",
            )
        )
    return found


def _bare(pages: list[RawPage]) -> None:
    for page in pages:
        trafilatura.extract(page.body, url=page.url, include_comments=False)


def _pipeline(pages: list[RawPage]) -> None:
    for page in pages:
        found = extract_page(page)
        if isinstance(found, list):
            for post in found:
                finalise_post(post, _SOURCE)


def _rate(work: Callable[[list[RawPage]], None], pages: list[RawPage]) -> float:
    started = time.process_time()
    work(pages)
    return len(pages) / max(time.process_time() - started, 1e-9)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=100, help="pages per set (default 100)")
    parser.add_argument("--sets", nargs="+", default=["scrapinghub_aeb", "trafilatura_eval"])
    parser.add_argument("--profile", type=int, default=0, metavar="N", help="show N functions")
    return parser


if __name__ == "__main__":
    sys.exit(main())
