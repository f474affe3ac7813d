"""WARC archiving and crawl stats, as a signal-based Scrapy extension.

``WarcArchiveExtension`` listens to ``response_received``, which the engine sends
for every response the downloader hands back (any status, robots.txt included)
*before* spider middlewares or callbacks see it, so 404s and 500s that never
reach a callback are archived too. Each response is written as one gzip member
as it arrives, and listed (URL, status, role, offset, validators) in the index
beside the WARC (``<run>.index.jsonl``). A 304 the conditional-GET middleware
answered from the archive is stored as the 304 it was. On ``spider_closed`` it
writes the stats JSON.

On a full disk (``ENOSPC``/``EDQUOT``) the WARC and its index are cut back to the last whole
record, the crawl stops (finish reason ``disk_full``) and the stats say ``disk_full``. Each
record is built in memory and written whole, so a failed write never leaves half a record.
"""

from __future__ import annotations

import errno
import json
import logging
import os
from collections import Counter
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from http import HTTPStatus
from io import BytesIO
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from scrapy import Request, Spider, signals
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.utils.defer import _schedule_coro
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from mpnews.diskspace import is_disk_full
from pipeline.warc import mpnews_headers, warc_date
from spiders.incremental import (
    NOT_MODIFIED_FLAG,
    NOT_MODIFIED_META,
    IndexEntry,
    index_entry,
    index_path,
    read_index,
)
from spiders.middlewares import DOWNLOAD_ERROR

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler

__all__ = [
    "ROLE_META",
    "ArchivedRun",
    "WarcArchiveExtension",
    "archived_runs",
    "page_role",
    "select_runs",
    "warc_path",
    "write_stats",
]

logger = logging.getLogger(__name__)

#: ``Request.meta`` key holding the spider's reading of the page.
ROLE_META = "mpnews_role"
_MAX_ERRORS = 500
DISK_FULL_REASON = "disk_full"
_DROPPED_HEADERS = frozenset({b"content-encoding", b"transfer-encoding", b"content-length"})


def warc_path(archive_dir: str | Path, source: str, run_id: str) -> Path:
    """Where the archive of one run of one source lives: ``DIR/<source>/<run_id>.warc.gz``."""
    return Path(archive_dir) / source / f"{run_id}.warc.gz"


@dataclass(frozen=True, slots=True)
class ArchivedRun:
    """One run of one source as its archive holds it (WARC plus index)."""

    run_id: str
    warc_path: Path
    started_at: datetime  # first response archived
    finished_at: datetime  # last response archived
    entries: tuple[IndexEntry, ...]

    def status_counts(self) -> dict[str, int]:
        return dict(sorted(Counter(str(e.status) for e in self.entries).items()))


def archived_runs(folder: str | Path) -> list[ArchivedRun]:
    """Every run archived in ``folder`` (``DIR/<source>``), oldest first; empty WARCs left out."""
    runs = []
    for path in Path(folder).glob("*.warc.gz"):
        entries = tuple(read_index(path))
        times = sorted(_when(e.fetched_at) for e in entries if e.fetched_at)
        if times:
            run_id = path.name.removesuffix(".warc.gz")
            runs.append(ArchivedRun(run_id, path, times[0], times[-1], entries))
    return sorted(runs, key=lambda r: (r.started_at, r.run_id))


def select_runs(runs: list[ArchivedRun], since: date | None = None) -> list[ArchivedRun]:
    """Runs started on or after ``since`` (all when None), plus each earlier run holding the
    latest 200 copy of a URL those runs only saw as 304: a 304 has no body to re-read."""
    if since is None:
        return list(runs)
    chosen: set[str] = set()
    latest_ok: dict[str, str] = {}  # URL -> run holding its latest 200 copy so far
    for run in runs:
        if run.started_at.date() >= since:
            chosen.add(run.run_id)
            chosen.update(
                latest_ok[e.url] for e in run.entries if e.status == 304 and e.url in latest_ok
            )
        latest_ok.update((e.url, run.run_id) for e in run.entries if e.status == 200)
    return [r for r in runs if r.run_id in chosen]


def write_stats(path: str | Path, stats: dict[str, Any]) -> None:
    """Write a crawl's stats JSON atomically: a reader sees the whole file or none."""
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(stats, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(tmp, out)


def _when(text: str) -> datetime:
    parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def page_role(request: Request) -> str:
    """The role recorded for a response to ``request`` (robots.txt fetches are ``robots``)."""
    if request.meta.get("dont_obey_robotstxt") and request.url.endswith("/robots.txt"):
        return request.meta.get(ROLE_META, "robots")
    return str(request.meta.get(ROLE_META, "other"))


class WarcArchiveExtension:
    """Streams every response to ``MPNEWS_ARCHIVE_DIR/<source>/<run_id>.warc.gz``."""

    def __init__(self, crawler: Crawler, archive_dir: str, run_id: str, stats_out: str | None):
        self.crawler = crawler
        self.archive_dir = archive_dir
        self.run_id = run_id
        self.stats_out = stats_out
        self.path: Path | None = None
        self._file: IO[bytes] | None = None
        self._buffer = BytesIO()  # one record at a time, written whole
        self._writer: WARCWriter | None = None
        self._index: IO[bytes] | None = None
        self.disk_full = False
        self._source = ""
        self.status_counts: Counter[str] = Counter()
        self.errors: list[dict[str, str]] = []
        self.error_count = 0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        archive_dir = settings.get("MPNEWS_ARCHIVE_DIR")
        if not archive_dir:
            raise NotConfigured("MPNEWS_ARCHIVE_DIR is not set")
        run_id = settings.get("MPNEWS_RUN_ID") or datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        ext = cls(crawler, archive_dir, run_id, settings.get("MPNEWS_STATS_OUT"))
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.response_received, signal=signals.response_received)
        crawler.signals.connect(ext.download_error, signal=DOWNLOAD_ERROR)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider: Spider) -> None:
        source = getattr(spider, "source", None)
        self._source = source.name if source is not None else spider.name
        self.path = warc_path(self.archive_dir, self._source, self.run_id)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._file = self.path.open("wb", buffering=0)
        self._writer = WARCWriter(self._buffer, gzip=True)
        self._index = index_path(self.path).open("wb", buffering=0)
        logger.info("Archiving responses to %s", self.path)

    def response_received(self, response: Response, request: Request, spider: Spider) -> None:
        if self._writer is None or self._file is None or self._index is None or self.disk_full:
            return
        if NOT_MODIFIED_FLAG in response.flags and NOT_MODIFIED_META in request.meta:
            response = request.meta[NOT_MODIFIED_META]  # archive the 304 itself
        fetched = datetime.now(UTC)
        offset, index_offset = self._file.tell(), self._index.tell()
        record = self._record(response, request, fetched)
        self._buffer.seek(0)
        self._buffer.truncate()
        self._writer.write_record(record)
        date = record.rec_headers.get_header("WARC-Date")
        line = self._index_line(response, request, offset, date)
        try:
            _write_all(self._file, self._buffer.getvalue())
            _write_all(self._index, line)
        except OSError as exc:
            if not is_disk_full(exc):
                raise
            self._stop_on_full_disk(offset, index_offset, exc)
            return
        self.status_counts[str(response.status)] += 1

    def _index_line(self, response: Response, request: Request, offset: int, date: str) -> bytes:
        redirects = request.meta.get("redirect_urls") or [request.url]
        entry = index_entry(
            response, url=redirects[0], role=page_role(request), offset=offset, fetched_at=date
        )
        return (json.dumps(asdict(entry), sort_keys=True) + "\n").encode("utf-8")

    def _stop_on_full_disk(self, offset: int, index_offset: int, exc: OSError) -> None:
        """Cut the WARC and its index back to the last whole record and stop the crawl."""
        assert self._file is not None and self._index is not None
        for handle, size in ((self._file, offset), (self._index, index_offset)):
            os.ftruncate(handle.fileno(), size)
            handle.seek(size)
        self.disk_full = True
        logger.error("Disk full writing %s (%s): stopping the crawl", self.path, exc.strerror)
        _schedule_coro(self.crawler.engine.close_spider_async(reason=DISK_FULL_REASON))

    def download_error(self, request: Request, reason: str) -> None:
        self.error_count += 1
        if len(self.errors) < _MAX_ERRORS:
            self.errors.append({"url": request.url, "reason": reason})

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self._file is not None:
            self._file.close()
        if self._index is not None:
            self._index.close()
        stats = self.summary(reason)
        for key, value in stats.items():
            if not isinstance(value, (dict, list)):
                self.crawler.stats.set_value(f"mpnews/{key}", value)
        if self.stats_out:
            write_stats(self.stats_out, stats)

    def summary(self, finish_reason: str) -> dict[str, Any]:
        """The crawl stats in the ``run`` contract's shape."""
        stats = self.crawler.stats
        budgets = getattr(self.crawler.spider, "budgets", None)
        return {
            "source": self._source,
            "run_id": self.run_id,
            "pages_fetched": sum(self.status_counts.values()),
            "status_counts": dict(sorted(self.status_counts.items())),
            "errors": list(self.errors),
            "errors_total": self.error_count,
            "robots_blocked": int(stats.get_value("robotstxt/forbidden", 0)),
            "offsite_filtered": int(stats.get_value("offsite/filtered", 0)),
            "max_pages_reached": bool(stats.get_value("mpnews/max_pages_reached", False)),
            "pages_over_budget": int(stats.get_value("mpnews/pages_over_budget", 0)),
            "max_pages": getattr(self.crawler.spider, "max_pages", None),
            "budgets_hit": list(stats.get_value("mpnews/budgets_hit", [])),
            "budget_examples": list(stats.get_value("mpnews/budget_examples", [])),
            "max_depth": getattr(budgets, "max_depth", None),
            "max_query_variants": getattr(budgets, "max_query_variants", None),
            "skipped": int(stats.get_value("mpnews/skipped", 0)),
            "skipped_posts": int(stats.get_value("mpnews/skipped_posts", 0)),
            "skipped_listings": int(stats.get_value("mpnews/skipped_listings", 0)),
            "finish_reason": finish_reason,
            "disk_full": self.disk_full,
            "warc_path": str(self.path) if self.path else None,
        }

    def _record(self, response: Response, request: Request, fetched: datetime) -> Any:
        assert self._writer is not None
        redirects = request.meta.get("redirect_urls") or [request.url]
        http_headers = StatusAndHeaders(
            f"{response.status} {_reason_phrase(response.status)}",
            _headers(response),
            protocol="HTTP/1.1",
        )
        warc_headers = {
            "WARC-Date": warc_date(fetched),
            **mpnews_headers(
                source=self._source,
                run_id=self.run_id,
                requested_url=redirects[0],
                role=page_role(request),
            ),
        }
        return self._writer.create_warc_record(
            response.url,
            "response",
            payload=BytesIO(response.body),
            length=len(response.body),
            http_headers=http_headers,
            warc_headers_dict=warc_headers,
        )


def _write_all(handle: IO[bytes], data: bytes) -> None:
    """Write all of ``data`` to an unbuffered file (a short write is continued, not lost)."""
    view = memoryview(data)
    while view:
        written = handle.write(view)
        view = view[written or 0 :]
        if not written:
            raise OSError(errno.EIO, "write made no progress")


def _headers(response: Response) -> list[tuple[str, str]]:
    """Response headers as sent, minus transport encodings already undone by Scrapy."""
    pairs: list[tuple[str, str]] = []
    for name, values in response.headers.items():
        if name.lower() in _DROPPED_HEADERS:
            continue
        key = name.decode("latin-1")
        pairs.extend((key, v.decode("latin-1")) for v in values)
    pairs.append(("Content-Length", str(len(response.body))))
    return pairs


def _reason_phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"
