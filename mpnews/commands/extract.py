"""``mpnews extract``: run the pipeline's extraction, dating, topics and MP detection on
stored HTML pages and print one JSON line per post (or per rejected page).

The same code path serves the quality gate (``tests/quality``) and ``benchmarks/quality.py``:
:func:`extract_jobs` takes ``PageJob`` rows and yields the printed records, in input order.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import deque
from collections.abc import Generator, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any, NamedTuple

from mpnews.config import Source
from mpnews.exceptions import MpnewsError
from mpnews.settings import Settings
from pipeline.families import FAMILIES
from pipeline.ingest import finalise_post
from pipeline.process import process_pages
from pipeline.records import Post, RawPage, Rejected

__all__ = [
    "HELP",
    "PageJob",
    "add_arguments",
    "extract_jobs",
    "read_manifest",
    "run",
]

HELP = "extract posts from stored HTML pages, one JSON line per post"
EPILOG = """\
output: one JSON object per line, in input order:
  {"id", "url", "title", "author", "published_date", "date_source", "date_conflicts", "date_error",
   "body", "categories", "topics", "mps"} for each post found, or
  {"id", "rejected": "reason"} for a page that gave no post (a missing page file in a
  manifest is such a rejection: "no such file: PATH"), with "published_date" and
  "date_source" when the page's date could still be read.
manifest: JSON Lines of {"id", "path", "url"?}; relative paths resolve against the
  manifest's folder; the url (default: the file's file:// URI) feeds url dates and links.
exit codes: 0 done (rejections are output, not failures); 2 a missing PAGE or manifest, or
  a bad manifest line (one line on stderr naming the file and line; nothing is printed).
"""
EXIT_OK = 0
_ON_DEMAND = "extract"


@dataclass(frozen=True, slots=True)
class PageJob:
    """One stored page to extract: the caller's id, the file and the page's URL."""

    id: str
    path: Path
    url: str


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.epilog = EPILOG
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("page", nargs="?", type=Path, help="one stored HTML page")
    target.add_argument("--manifest", type=Path, help='JSON Lines of {"id", "path", "url"?}')
    parser.add_argument("--url", help="the page's URL (PAGE only; default: its file:// URI)")
    parser.add_argument("--locale", default="en-GB", help="date locale (default: en-GB)")
    families = ["auto", *(f.name for f in FAMILIES)]
    parser.add_argument("--family", default="auto", choices=families, help="site family")
    parser.add_argument(
        "--listing", action="store_true", help="read pages as listings (default: post pages)"
    )
    parser.add_argument("--mp", help="pages are this MP's own site (role 'author' in mps)")
    parser.add_argument("--workers", type=int, default=None, help="processes (default: cores)")


def run(args: argparse.Namespace, settings: Settings) -> int:
    if args.manifest is not None:
        jobs = read_manifest(args.manifest)
    else:
        if not args.page.is_file():
            raise MpnewsError(f"{args.page}: no such file")
        path = args.page.resolve()
        jobs = [PageJob(str(args.page), path, args.url or path.as_uri())]
    records = extract_jobs(
        jobs,
        locale=args.locale,
        family=args.family,
        role="listing" if args.listing else "post",
        mp=args.mp,
        workers=1 if len(jobs) == 1 else args.workers,
    )
    for record in records:
        sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
    return EXIT_OK


def read_manifest(path: Path) -> list[PageJob]:
    """Every line of ``path`` as a job; a bad line raises naming the file and line."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise MpnewsError(f"{path}: cannot read manifest: {exc}") from exc
    base = path.resolve().parent
    return [_job(path, number, line, base) for number, line in enumerate(lines, 1) if line.strip()]


def extract_jobs(
    jobs: Iterable[PageJob],
    *,
    locale: str = "en-GB",
    family: str = "auto",
    role: str = "post",
    mp: str | None = None,
    workers: int | None = None,
) -> Iterator[dict[str, Any]]:
    """Run the pipeline on each job's page (all cores unless ``workers``), streaming; one
    record per post, or one ``{"id", "rejected"}`` per page that gave none; input order."""
    order: deque[_Slot] = deque()
    then = partial(finalise_post, source=_source(mp, locale, family))
    pages = _pages(jobs, role, order)
    current: _Slot | None = None
    for result in process_pages(pages, locale=locale, family=family, workers=workers, then=then):
        if current is None or result.run_id != current.key:
            current = yield from _advance(order, result.run_id)
        yield _record(current.id, result)
    yield from _advance(order, None)


class _Slot(NamedTuple):
    """A job in flight: its position (the pages' ``run_id``), id, and why it has no page."""

    key: str
    id: str
    missing: str | None


def _advance(order: deque[_Slot], key: str | None) -> Generator[dict[str, Any], None, _Slot]:
    """Pop jobs up to the one at ``key`` and return it; jobs passed gave no output."""
    while order:
        slot = order.popleft()
        if slot.key == key:
            return slot
        yield {"id": slot.id, "rejected": slot.missing or "no post on the page"}
    return _Slot("", "", None)


def _record(page_id: str, result: Post | Rejected) -> dict[str, Any]:
    if isinstance(result, Rejected):
        record: dict[str, Any] = {"id": page_id, "rejected": result.reason}
        if result.published_date is not None:
            record["published_date"] = result.published_date.isoformat()
            record["date_source"] = result.date_source
        return record
    return {
        "id": page_id,
        "url": result.url,
        "title": result.title,
        "author": result.author,
        "published_date": result.published_date.isoformat() if result.published_date else None,
        "date_source": result.date_source,
        "date_conflicts": list(result.date_conflicts),
        "date_error": dict(result.extras).get("date_error"),
        "body": result.body,
        "categories": list(result.categories),
        "topics": list(result.topics),
        "mps": [
            {"mp": name, "role": role, "member_id": _member_id(name)} for name, role in result.mps
        ],
    }


def _member_id(name: str) -> int | None:
    from pipeline.mps import load_registry

    mp = load_registry().by_spelling(name)
    return mp.member_id if mp else None


def _pages(jobs: Iterable[PageJob], role: str, order: deque[_Slot]) -> Iterator[RawPage]:
    """Read each job's file lazily; the job's position rides on the page as ``run_id``."""
    for index, job in enumerate(jobs):
        key = str(index)
        try:
            body = job.path.read_bytes()
        except OSError as exc:
            order.append(_Slot(key, job.id, _missing(job, exc)))
            continue
        order.append(_Slot(key, job.id, None))
        yield _raw_page(body, job.url, role, key)


def _raw_page(body: bytes, url: str, role: str, key: str) -> RawPage:
    return RawPage(
        url=url,
        final_url=url,
        status=200,
        headers=(("Content-Type", "text/html"),),
        body=body,
        fetched_at=datetime.now(UTC),
        source=_ON_DEMAND,
        run_id=key,
        role=role,
    )


def _missing(job: PageJob, exc: OSError) -> str:
    return f"no such file: {job.path}" if isinstance(exc, FileNotFoundError) else str(exc)


def _job(path: Path, number: int, line: str, base: Path) -> PageJob:
    where = f"{path}:{number}"
    try:
        row = json.loads(line)
    except ValueError as exc:
        raise MpnewsError(f"{where}: not JSON: {exc}") from exc
    if not isinstance(row, dict):
        raise MpnewsError(f'{where}: expected an object {{"id", "path", "url"?}}')
    page_id, page_path, url = row.get("id"), row.get("path"), row.get("url")
    if not isinstance(page_id, str | int) or not isinstance(page_path, str) or not page_path:
        raise MpnewsError(f'{where}: needs "id" and "path" (strings)')
    if url is not None and not isinstance(url, str):
        raise MpnewsError(f'{where}: "url" must be a string')
    resolved = (base / page_path).resolve()
    return PageJob(str(page_id), resolved, url or resolved.as_uri())


def _source(mp: str | None, locale: str, family: str) -> Source:
    kind = "mp_site" if mp else "news_site"
    return Source(name=_ON_DEMAND, kind=kind, start_urls=(), mp=mp, locale=locale, family=family)
