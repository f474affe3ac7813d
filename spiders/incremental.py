"""Incremental crawling: conditional GETs, a 304 read from the archive, known posts skipped.

Before a crawl the flow writes a *state file* (JSON lines, one :class:`UrlState` per URL
the source fetched before): the last status, role and time the page was confirmed (200 or
304), and where the last 200 copy sits in the archive (WARC file and record offset) with
its ``ETag``/``Last-Modified``. The spider reads it with ``--state FILE``:

* listing pages, feeds and sitemaps are fetched every run, conditionally
  (:class:`ConditionalGetMiddleware` adds ``If-None-Match``/``If-Modified-Since``);
* a 304 is archived as it came (status 304, no body) while the spider gets the last 200
  copy, re-read from the archive, so it still follows the page's links;
* known post permalinks are not requested at all (``skipped``) unless last confirmed more
  than the source's ``recheck_days`` ago; a re-check is conditional too;
* a listing page that shows no new post (every post link on it known, or, for a page
  without post links, unchanged since the last run) leads nowhere new: the known listings
  it links to (older pagination pages, categories, archives) are not requested again until
  they were last confirmed ``recheck_days`` ago (``skipped_listings``). Posts reach a blog's
  newest listing page first, so the deep pages of an unchanged blog are walked once a
  ``recheck_days`` instead of every run. Feeds and sitemaps are always fetched.

Every WARC has a small index beside it (``<run>.index.jsonl``: URL, status, role, offset,
validators per record), written as the crawl archives; :func:`read_index` rebuilds it from
the WARC when it is missing.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from scrapy import Request
from scrapy.http import Response
from scrapy.responsetypes import responsetypes

from pipeline.urls import url_key
from pipeline.warc import UNREADABLE, WarcResponse, iter_responses, read_response_at

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler

__all__ = [
    "CONDITIONAL_ROLES",
    "NOT_MODIFIED_FLAG",
    "NOT_MODIFIED_META",
    "ConditionalGetMiddleware",
    "CrawlState",
    "IndexEntry",
    "UrlSeen",
    "UrlState",
    "build_state",
    "index_entry",
    "index_path",
    "read_index",
    "read_previous",
    "read_state",
    "write_state",
]

logger = logging.getLogger(__name__)

#: Roles fetched every run, conditionally (posts are conditional only when re-checked).
CONDITIONAL_ROLES = frozenset({"listing", "feed", "sitemap"})
#: ``Request.meta`` key holding the real 304 response, which the archive stores.
NOT_MODIFIED_META = "mpnews_not_modified"
#: Flag on the response rebuilt from the archive for a 304.
NOT_MODIFIED_FLAG = "not_modified"
_CONDITIONAL_META = "mpnews_conditional"
_ROLE_META = "mpnews_role"  # archive.ROLE_META (archive imports this module)
_CONFIRMED = (200, 304)
_VALIDATORS = (b"If-None-Match", b"If-Modified-Since")


@dataclass(frozen=True, slots=True)
class IndexEntry:
    """One archived response, as the index beside its WARC lists it."""

    url: str
    final_url: str
    status: int
    role: str
    offset: int
    fetched_at: str
    etag: str | None = None
    last_modified: str | None = None


class UrlSeen(Protocol):
    """What the warehouse knows of one URL (``warehouse.crawlstate.UrlSeen``)."""

    @property
    def url(self) -> str: ...
    @property
    def role(self) -> str: ...
    @property
    def status(self) -> int | None: ...
    @property
    def checked_at(self) -> datetime | None: ...
    @property
    def ok_warc_file(self) -> str | None: ...
    @property
    def has_post(self) -> bool: ...


@dataclass(frozen=True, slots=True)
class UrlState:
    """One line of the state file: a URL's last fetch and its last 200 copy."""

    url: str
    role: str
    status: int | None
    checked_at: datetime | None
    etag: str | None = None
    last_modified: str | None = None
    warc_path: str | None = None
    offset: int | None = None
    has_post: bool = False  # a stored post was read from this URL

    @property
    def readable(self) -> bool:
        """Whether the last 200 copy can be re-read from the archive."""
        return self.warc_path is not None and self.offset is not None

    def to_json(self) -> str:
        data = asdict(self)
        data["checked_at"] = self.checked_at.isoformat() if self.checked_at else None
        return json.dumps(data, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> UrlState:
        data = json.loads(text)
        when = data.get("checked_at")
        data["checked_at"] = datetime.fromisoformat(when) if when else None
        return cls(**data)


class CrawlState:
    """The state file, looked up by canonical URL."""

    def __init__(self, states: Iterable[UrlState] = (), *, recheck_all: bool = False) -> None:
        self._by_key = {url_key(s.url): s for s in states}
        self.recheck_all = recheck_all

    def __len__(self) -> int:
        return len(self._by_key)

    def get(self, url: str) -> UrlState | None:
        return self._by_key.get(url_key(url))

    def is_fresh_post(self, url: str, recheck_days: int, now: datetime | None = None) -> bool:
        """A known post confirmed within ``recheck_days``: not requested this run."""
        return self.is_fresh(url, "post", recheck_days, now)

    def is_fresh(self, url: str, role: str, recheck_days: int, now: datetime | None = None) -> bool:
        """A URL known in ``role`` and confirmed (200 or 304) within ``recheck_days``."""
        state = self.get(url)
        if self.recheck_all or state is None or state.checked_at is None:
            return False
        if state.role != role or state.status not in _CONFIRMED:
            return False
        return (now or datetime.now(UTC)) - state.checked_at < timedelta(days=recheck_days)

    @classmethod
    def load(cls, path: str | Path | None, *, recheck_all: bool = False) -> CrawlState:
        return cls(read_state(path) if path else (), recheck_all=recheck_all)


def write_state(path: str | Path, states: Iterable[UrlState]) -> Path:
    """Write the state file (JSON lines); returns ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as out:
        for state in states:
            out.write(state.to_json() + "\n")
    return path


def read_state(path: str | Path) -> list[UrlState]:
    """The state file's lines (an absent file is an empty state: a first crawl)."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return []
    return [UrlState.from_json(line) for line in lines if line.strip()]


def build_state(seen: Iterable[UrlSeen], source_archive: str | Path) -> list[UrlState]:
    """States for the URLs the warehouse knows, with offsets and validators from the
    index of the WARC holding each URL's last 200 copy (``source_archive/<file>``)."""
    folder = Path(source_archive)
    indexes: dict[str, _LastOk] = {}
    states = []
    for row in seen:
        state = UrlState(row.url, row.role, row.status, row.checked_at, has_post=row.has_post)
        if row.ok_warc_file:
            if row.ok_warc_file not in indexes:
                indexes[row.ok_warc_file] = _LastOk(read_index(folder / row.ok_warc_file))
            entry = indexes[row.ok_warc_file].get(row.url)
            if entry is not None:
                state = replace(
                    state,
                    etag=entry.etag,
                    last_modified=entry.last_modified,
                    warc_path=str((folder / row.ok_warc_file).resolve()),
                    offset=entry.offset,
                )
        states.append(state)
    return states


def index_path(warc_path: str | Path) -> Path:
    """The index beside a WARC: ``<run>.warc.gz`` -> ``<run>.index.jsonl``."""
    warc = Path(warc_path)
    return warc.with_name(warc.name.removesuffix(".gz").removesuffix(".warc") + ".index.jsonl")


def read_index(warc_path: str | Path) -> list[IndexEntry]:
    """The index of a WARC, rebuilt from the WARC itself when missing or unreadable."""
    try:
        lines = index_path(warc_path).read_text(encoding="utf-8").splitlines()
        return [IndexEntry(**json.loads(line)) for line in lines if line.strip()]
    except (OSError, ValueError, TypeError):
        return list(_scan(warc_path))


def read_previous(state: UrlState) -> tuple[str, list[tuple[str, str]], bytes] | None:
    """``(final URL, headers, body)`` of the last 200 copy, or None when unreadable."""
    if not state.readable:
        return None
    assert state.warc_path is not None and state.offset is not None
    try:
        record = read_response_at(state.warc_path, state.offset)
    except UNREADABLE as exc:
        logger.info("Cannot re-read %s from %s: %s", state.url, state.warc_path, exc)
        return None
    if record is None or record.status != 200:
        return None
    return record.final_url or state.url, list(record.headers), record.body


class ConditionalGetMiddleware:
    """Conditional GETs from the spider's ``crawl_state``; a 304 becomes the last 200 copy.

    The rebuilt response carries the ``not_modified`` flag and the real 304 sits in
    ``request.meta[NOT_MODIFIED_META]`` for the archive. When the copy cannot be read,
    the request is sent again without validators.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    @property
    def state(self) -> CrawlState:
        return getattr(self.crawler.spider, "crawl_state", None) or CrawlState()

    def process_request(self, request: Request) -> None:
        if request.meta.get(_CONDITIONAL_META) is False:
            return None
        state = self.state.get(request.url)
        if state is None or not (state.etag or state.last_modified):
            return None
        role = request.meta.get(_ROLE_META)
        if role not in CONDITIONAL_ROLES and role != "post":
            return None
        if role != "post" and not state.readable:
            return None  # a 304 would leave no links to follow
        if state.etag:
            request.headers[b"If-None-Match"] = state.etag
        if state.last_modified:
            request.headers[b"If-Modified-Since"] = state.last_modified
        request.meta[_CONDITIONAL_META] = True
        return None

    def process_response(self, request: Request, response: Response) -> Request | Response:
        if response.status != 304 or not request.meta.get(_CONDITIONAL_META):
            return response
        state = self.state.get(request.url)
        previous = read_previous(state) if state is not None else None
        if previous is None:
            logger.info("No archived copy for 304 of %s; fetching it again", request.url)
            return _unconditional(request)
        self.crawler.stats.inc_value("mpnews/not_modified")
        request.meta[NOT_MODIFIED_META] = response
        return _rebuilt(request, response, *previous)


def _unconditional(request: Request) -> Request:
    retry = request.replace(dont_filter=True)
    for name in _VALIDATORS:
        retry.headers.pop(name, None)
    retry.meta[_CONDITIONAL_META] = False
    return retry


def _rebuilt(
    request: Request, response: Response, url: str, headers: list[tuple[str, str]], body: bytes
) -> Response:
    pairs: dict[str, list[str]] = {}
    for name, value in headers:
        pairs.setdefault(name, []).append(value)
    cls = responsetypes.from_args(
        headers={k.encode(): v[0].encode("latin-1") for k, v in pairs.items()}, url=url, body=body
    )
    return cls(
        url=url,
        status=200,
        headers=pairs,
        body=body,
        request=request,
        flags=[*response.flags, NOT_MODIFIED_FLAG],
        ip_address=response.ip_address,
        protocol=response.protocol,
    )


class _LastOk:
    """The last 200 entry of a WARC index per URL (requested and final URL both point to
    it): looked up by the URL as written first, by canonical key only when that misses (a
    key costs a parse of the URL, and a big site's state has tens of thousands)."""

    def __init__(self, entries: Iterable[IndexEntry]) -> None:
        self._ok = [entry for entry in entries if entry.status == 200]
        self._exact: dict[str, IndexEntry] = {}
        for entry in self._ok:
            self._exact[entry.url] = entry
        for entry in self._ok:
            self._exact.setdefault(entry.final_url, entry)
        self._by_key: dict[str, IndexEntry] | None = None

    def get(self, url: str) -> IndexEntry | None:
        found = self._exact.get(url)
        if found is not None:
            return found
        if self._by_key is None:
            self._by_key = {}
            for entry in self._ok:
                self._by_key[url_key(entry.url)] = entry
            for entry in self._ok:
                self._by_key.setdefault(url_key(entry.final_url), entry)
        return self._by_key.get(url_key(url))


def _scan(warc_path: str | Path) -> Iterator[IndexEntry]:
    try:
        for record in iter_responses(warc_path, bodies=False):
            yield _entry(record)
    except UNREADABLE as exc:
        logger.info("Cannot index %s: %s", warc_path, exc)


def _entry(record: WarcResponse) -> IndexEntry:
    return IndexEntry(
        url=record.requested_url,
        final_url=record.final_url,
        status=record.status,
        role=record.role,
        offset=record.offset,
        fetched_at=record.warc_date,
        etag=record.header("ETag"),
        last_modified=record.header("Last-Modified"),
    )


def index_entry(
    response: Response, *, url: str, role: str, offset: int, fetched_at: str
) -> IndexEntry:
    """The index line for a response the archive just wrote at ``offset``."""
    return IndexEntry(
        url=url,
        final_url=response.url,
        status=response.status,
        role=role,
        offset=offset,
        fetched_at=fetched_at,
        etag=_header(response.headers, b"ETag"),
        last_modified=_header(response.headers, b"Last-Modified"),
    )


def _header(headers: Mapping[bytes, Any], name: bytes) -> str | None:
    value = headers.get(name)  # type: ignore[call-overload]
    return value.decode("latin-1") if value else None
