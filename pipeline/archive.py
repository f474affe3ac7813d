"""Read (and, for tests and benchmarks, write) the spiders' WARC archive as RawPages."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from pipeline.records import ROLES, RawPage

__all__ = ["iter_pages", "write_pages"]

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
