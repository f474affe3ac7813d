"""Read (and, for tests and benchmarks, write) the spiders' WARC archive as RawPages.

``iter_pages`` reads a finished WARC; ``ArchiveTail`` follows one that is still being written,
page by page as the crawler completes its records.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from typing import IO

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from pipeline.records import ROLES, RawPage
from spiders.incremental import index_path

__all__ = ["ArchiveTail", "iter_pages", "write_pages"]

_SOURCE = "MPNews-Source"
_RUN_ID = "MPNews-Run-Id"
_REQUESTED = "MPNews-Requested-URL"
_ROLE = "MPNews-Role"


def iter_pages(warc_path: str | Path) -> Iterator[RawPage]:
    """Stream every ``response`` record of a (gzipped or plain) WARC as a RawPage."""
    with open(warc_path, "rb") as stream:
        for record in ArchiveIterator(stream):
            if record.rec_type == "response":
                yield _to_page(record)


class ArchiveTail:
    """The pages of a WARC the crawler is still writing, each once, as its record completes.

    The crawler appends each record to the WARC, flushes it, and only then lists its offset in
    the index beside it (``<run>.index.jsonl``): a listed record is complete. ``poll`` notes
    the records listed since (``archived`` counts them); ``read`` returns up to ``limit`` of
    the noted records not yet read. A missing file is an empty one.
    """

    def __init__(self, warc_path: str | Path) -> None:
        self.warc_path = Path(warc_path)
        self._index_path = index_path(self.warc_path)
        self._index: IO[bytes] | None = None
        self._partial = b""
        self._offsets: deque[int] = deque()
        self.archived = 0

    @property
    def unread(self) -> int:
        return len(self._offsets)

    def poll(self) -> int:
        """Note records listed since the last poll; how many there were."""
        if self._index is None:
            try:
                self._index = open(self._index_path, "rb")  # noqa: SIM115 - kept open to tail
            except FileNotFoundError:
                return 0
        before = len(self._offsets)
        while line := self._index.readline():
            if not line.endswith(b"\n"):  # the crawler is mid-line: read it whole next time
                self._partial += line
                break
            line, self._partial = self._partial + line, b""
            if line.strip():
                self._offsets.append(int(json.loads(line)["offset"]))
        added = len(self._offsets) - before
        self.archived += added
        return added

    def read(self, limit: int | None = None) -> list[RawPage]:
        """Up to ``limit`` archived pages not read yet, in archive order."""
        self.poll()
        count = len(self._offsets) if limit is None else min(limit, len(self._offsets))
        if count <= 0:
            return []
        pages = []
        with open(self.warc_path, "rb") as stream:
            for _ in range(count):
                stream.seek(self._offsets.popleft())
                record = next(iter(ArchiveIterator(stream)))
                pages.append(_to_page(record))
        return pages

    def close(self) -> None:
        if self._index is not None:
            self._index.close()
            self._index = None


def write_pages(path: str | Path, pages: Iterable[RawPage]) -> Path:
    """Write pages as WARC ``response`` records the way the spiders do; returns ``path``."""
    path = Path(path)
    with open(path, "wb") as stream:
        writer = WARCWriter(stream, gzip=path.suffix == ".gz")
        for page in pages:
            writer.write_record(_to_record(writer, page))
    return path


def _to_page(record) -> RawPage:  # type: ignore[no-untyped-def]
    warc = record.rec_headers
    http = record.http_headers
    final_url = warc.get_header("WARC-Target-URI") or ""
    role = warc.get_header(_ROLE) or "other"
    return RawPage(
        url=warc.get_header(_REQUESTED) or final_url,
        final_url=final_url,
        status=int(http.get_statuscode() or 0) if http else 0,
        headers=tuple(http.headers) if http else (),
        body=record.content_stream().read(),
        fetched_at=_parse_warc_date(warc.get_header("WARC-Date") or ""),
        source=warc.get_header(_SOURCE) or "",
        run_id=warc.get_header(_RUN_ID) or "",
        role=role if role in ROLES else "other",
    )


def _to_record(writer: WARCWriter, page: RawPage):  # type: ignore[no-untyped-def]
    status = f"{page.status} {_REASONS.get(page.status, 'Status')}"
    http = StatusAndHeaders(status, list(page.headers), protocol="HTTP/1.1")
    extra = {
        "WARC-Date": _format_warc_date(page.fetched_at),
        _SOURCE: page.source,
        _RUN_ID: page.run_id,
        _REQUESTED: page.url,
        _ROLE: page.role,
    }
    return writer.create_warc_record(
        page.final_url,
        "response",
        payload=BytesIO(page.body),
        length=len(page.body),
        http_headers=http,
        warc_headers_dict=extra,
    )


_REASONS = {200: "OK", 301: "Moved Permanently", 302: "Found", 404: "Not Found", 500: "Error"}


def _parse_warc_date(text: str) -> datetime:
    if not text:
        return datetime.fromtimestamp(0, tz=UTC)
    parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _format_warc_date(when: datetime) -> str:
    aware = when if when.tzinfo else when.replace(tzinfo=UTC)
    return aware.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")
