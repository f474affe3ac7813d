"""The WARC archive in mpnews's shape: the one reader, and the one spelling of its headers.

Every ``response`` record carries, beside the standard WARC headers, the ``MPNews-*`` headers
below (:func:`mpnews_headers` builds them; the spiders' archive extension and
:func:`write_pages` both use it). :func:`iter_responses` and :func:`read_response_at` are the
only readers: the pipeline streams pages from them (:func:`iter_pages`) and the incremental
crawl rebuilds its index and re-reads a page's last copy from them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from typing import Any

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date
from warcio.warcwriter import WARCWriter

from pipeline.records import ROLES, RawPage

__all__ = [
    "MPNEWS_REQUESTED_URL",
    "MPNEWS_ROLE",
    "MPNEWS_RUN_ID",
    "MPNEWS_SOURCE",
    "UNREADABLE",
    "WarcResponse",
    "iter_pages",
    "iter_responses",
    "mpnews_headers",
    "read_response_at",
    "warc_date",
    "write_pages",
]

MPNEWS_SOURCE = "MPNews-Source"
MPNEWS_RUN_ID = "MPNews-Run-Id"
MPNEWS_REQUESTED_URL = "MPNews-Requested-URL"
MPNEWS_ROLE = "MPNews-Role"
#: What reading a missing, truncated or corrupt WARC raises.
UNREADABLE: tuple[type[Exception], ...] = (OSError, ArchiveLoadFailed, ValueError)


@dataclass(frozen=True, slots=True)
class WarcResponse:
    """One ``response`` record: where it is, what was asked and what came back."""

    offset: int
    requested_url: str
    final_url: str
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes
    warc_date: str
    source: str
    run_id: str
    role: str

    def header(self, name: str) -> str | None:
        """The first HTTP response header called ``name`` (any case), or None."""
        wanted = name.lower()
        return next((v for k, v in self.headers if k.lower() == wanted), None)

    def to_page(self) -> RawPage:
        return RawPage(
            url=self.requested_url,
            final_url=self.final_url,
            status=self.status,
            headers=self.headers,
            body=self.body,
            fetched_at=_parse_warc_date(self.warc_date),
            source=self.source,
            run_id=self.run_id,
            role=self.role if self.role in ROLES else "other",
        )


def iter_responses(warc_path: str | Path, *, bodies: bool = True) -> Iterator[WarcResponse]:
    """Stream every ``response`` record of a (gzipped or plain) WARC, in order.

    ``bodies=False`` skips reading payloads (``body`` is empty). Raises :data:`UNREADABLE`.
    """
    with open(warc_path, "rb") as stream:
        records = ArchiveIterator(stream)
        for record in records:
            if record.rec_type == "response":
                body = record.content_stream().read() if bodies else b""
                # after the body: the offset is known once the record was read to its end
                yield _response(record, records.get_record_offset(), body)


def read_response_at(warc_path: str | Path, offset: int) -> WarcResponse | None:
    """The record at ``offset`` when it is a ``response``, else None. Raises :data:`UNREADABLE`."""
    with open(warc_path, "rb") as stream:
        stream.seek(offset)
        record = next(iter(ArchiveIterator(stream)), None)
        if record is None or record.rec_type != "response":
            return None
        return _response(record, offset, record.content_stream().read())


def iter_pages(warc_path: str | Path) -> Iterator[RawPage]:
    """Stream every ``response`` record of a (gzipped or plain) WARC as a RawPage."""
    for response in iter_responses(warc_path):
        yield response.to_page()


def mpnews_headers(*, source: str, run_id: str, requested_url: str, role: str) -> dict[str, str]:
    """The ``MPNews-*`` WARC headers of one response record."""
    return {
        MPNEWS_SOURCE: source,
        MPNEWS_RUN_ID: run_id,
        MPNEWS_REQUESTED_URL: requested_url,
        MPNEWS_ROLE: role,
    }


def warc_date(when: datetime) -> str:
    """``WARC-Date`` in UTC, with microseconds when there are any (a naive time is UTC)."""
    naive = when.astimezone(UTC).replace(tzinfo=None) if when.tzinfo else when
    return datetime_to_iso_date(naive, use_micros=True)  # warcio appends its own "Z"


def write_pages(path: str | Path, pages: Iterable[RawPage]) -> Path:
    """Write pages as WARC ``response`` records the way the spiders do; returns ``path``."""
    path = Path(path)
    with open(path, "wb") as stream:
        writer = WARCWriter(stream, gzip=path.suffix == ".gz")
        for page in pages:
            writer.write_record(_to_record(writer, page))
    return path


def _response(record: Any, offset: int, body: bytes) -> WarcResponse:
    warc = record.rec_headers
    http = record.http_headers
    final_url = warc.get_header("WARC-Target-URI") or ""
    return WarcResponse(
        offset=offset,
        requested_url=warc.get_header(MPNEWS_REQUESTED_URL) or final_url,
        final_url=final_url,
        status=int(http.get_statuscode() or 0) if http else 0,
        headers=tuple(http.headers) if http else (),
        body=body,
        warc_date=warc.get_header("WARC-Date") or "",
        source=warc.get_header(MPNEWS_SOURCE) or "",
        run_id=warc.get_header(MPNEWS_RUN_ID) or "",
        role=warc.get_header(MPNEWS_ROLE) or "other",
    )


def _to_record(writer: WARCWriter, page: RawPage) -> Any:
    status = f"{page.status} {_REASONS.get(page.status, 'Status')}"
    http = StatusAndHeaders(status, list(page.headers), protocol="HTTP/1.1")
    extra = {
        "WARC-Date": warc_date(page.fetched_at),
        **mpnews_headers(
            source=page.source, run_id=page.run_id, requested_url=page.url, role=page.role
        ),
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
