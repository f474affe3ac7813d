"""Serve the bundled sample sites on 127.0.0.1, one ephemeral port per site, for demo and tests.

Routing of ``GET /path?query`` inside ``sites/<site>/`` (first match wins):

1. ``path`` as a file, ``path/index.html``, ``path/index.xml``, ``path.html``
   (so ``/news`` -> ``news/index.html``, ``/news/previous/2`` -> ``news/previous/2.html``).
2. A query string selects a sibling file: the resolved file's stem gets ``__k-v`` per parameter,
   sorted by name (``/news/uk/politics?page=2`` -> ``news/uk/politics/index__page-2.html``).
   When no such file exists the query is ignored, as most hosts do (``?share=twitter``).
3. Nothing found, a directory without index, or ``/404.html`` -> the site's ``404.html``, 404.
   ``..`` segments or anything resolving outside the site -> 403.

Every absolute URL in the files is written with the placeholder origin ``http://sample.invalid``
and served as the site's real ``http://127.0.0.1:PORT``. Responses carry ``ETag`` (of the served
bytes) and ``Last-Modified`` (file mtime) and honour ``If-None-Match`` / ``If-Modified-Since``
with 304. Content-Type comes from the extension; extension-less and ``.xml`` files are sniffed
(RSS -> ``application/rss+xml``).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import socket
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from urllib.parse import parse_qsl, unquote, urlsplit

from mpnews.samples import _news, _weebly, _wordpress
from mpnews.samples._common import ORIGIN

__all__ = ["SITE_NAMES", "Hit", "SampleServer", "main", "serve_samples"]

SITES_DIR = Path(__file__).parent / "sites"
SITE_NAMES = ("weebly", "wordpress", "news")
_HOST = "127.0.0.1"
_QUERY_PART = re.compile(r"^[A-Za-z0-9_.-]+$")
_HTML = "text/html; charset=utf-8"
_TYPES = {".html": _HTML, ".txt": "text/plain; charset=utf-8"}


@dataclass(frozen=True, slots=True)
class Hit:
    """One request a sample site answered."""

    site: str
    method: str
    path: str
    status: int


@dataclass(frozen=True, slots=True)
class _Reply:
    status: int
    body: bytes = b""
    content_type: str = _HTML
    etag: str | None = None
    last_modified: str | None = None


class SampleServer:
    """The running sample sites. Use as a context manager or call :meth:`close`."""

    def __init__(self, root: Path = SITES_DIR) -> None:
        self._lock = threading.Lock()
        self._hits: list[Hit] = []
        self._servers: dict[str, _SiteServer] = {}
        for site in SITE_NAMES:
            server = _SiteServer(site, root / site, self._record)
            self._servers[site] = server
            threading.Thread(
                target=server.serve_forever, name=f"sample-{site}", daemon=True
            ).start()
        self.base_urls: dict[str, str] = {s: srv.origin for s, srv in self._servers.items()}
        self.down_url = f"http://{_HOST}:{_refused_port()}"

    def url(self, site: str, path: str = "/") -> str:
        """Absolute URL of ``path`` on ``site``."""
        return self.base_urls[site] + path

    @property
    def requests(self) -> list[Hit]:
        """Every request answered so far, in order."""
        with self._lock:
            return list(self._hits)

    @property
    def hits(self) -> dict[str, dict[str, list[int]]]:
        """site -> request path (with query) -> statuses returned, in order."""
        table: dict[str, dict[str, list[int]]] = {site: {} for site in SITE_NAMES}
        for hit in self.requests:
            table[hit.site].setdefault(hit.path, []).append(hit.status)
        return table

    def reset_hits(self) -> None:
        with self._lock:
            self._hits.clear()

    def sources_toml(self) -> str:
        """A sources file (``mpnews.config.parse_sources``) for the samples and a dead site."""
        weebly, wordpress, news = (self.base_urls[s] for s in SITE_NAMES)
        entries = [
            {
                "name": _weebly.SOURCE,
                "kind": "mp_site",
                "mp": _weebly.MP,
                "family": "weebly",
                "start_urls": [f"{weebly}/news"],
                "feeds": [f"{weebly}/1/feed"],
            },
            {
                "name": _wordpress.SOURCE,
                "kind": "news_site",
                "family": "wordpress",
                "start_urls": [f"{wordpress}/"],
                "feeds": [f"{wordpress}/feed/"],
                "sitemaps": [f"{wordpress}/sitemap.xml"],
            },
            {
                "name": _news.SOURCE,
                "kind": "news_site",
                "family": "news",
                "start_urls": [f"{news}/news/uk/politics"],
                "feeds": [f"{news}/news/uk/politics/rss"],
                "sitemaps": [f"{news}/sitemap.xml"],
            },
            {
                "name": "down-mp-site",
                "kind": "mp_site",
                "mp": "Fleur Anderson",
                "start_urls": [f"{self.down_url}/news"],
            },
        ]
        header = "# Sources for the bundled sample sites (ports change every run).\n"
        return header + "\n".join(_toml_table(e) for e in entries)

    def close(self) -> None:
        for server in self._servers.values():
            server.shutdown()
            server.server_close()

    def _record(self, hit: Hit) -> None:
        with self._lock:
            self._hits.append(hit)

    def __enter__(self) -> SampleServer:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def serve_samples(root: Path | None = None) -> SampleServer:
    """Start every sample site (``root`` overrides the bundled ``sites/`` folder)."""
    return SampleServer(root or SITES_DIR)


class _SiteServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, site: str, root: Path, record: Callable[[Hit], None]) -> None:
        super().__init__((_HOST, 0), _Handler)
        self.site = site
        self.root = root.resolve()
        self.record = record
        self.origin = f"http://{_HOST}:{self.server_address[1]}"


class _Handler(BaseHTTPRequestHandler):
    server: _SiteServer
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self._answer(send_body=True)

    def do_HEAD(self) -> None:
        self._answer(send_body=False)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: tests and the demo read :attr:`SampleServer.hits` instead."""

    def _answer(self, *, send_body: bool) -> None:
        reply = _reply(
            self.server,
            self.path,
            self.headers.get("If-None-Match"),
            self.headers.get("If-Modified-Since"),
        )
        self.server.record(Hit(self.server.site, self.command, self.path, reply.status))
        self.send_response(reply.status)
        if reply.etag:
            self.send_header("ETag", reply.etag)
            self.send_header("Last-Modified", reply.last_modified or "")
        if reply.status != 304:
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        if send_body and reply.status != 304:
            self.wfile.write(reply.body)


def _reply(server: _SiteServer, raw: str, if_none_match: str | None, since: str | None) -> _Reply:
    parts = urlsplit(raw)
    try:
        found = _resolve(server.root, unquote(parts.path))
    except _ForbiddenError:
        return _Reply(403, b"Forbidden\n", "text/plain; charset=utf-8")
    if found is None:
        body = _serve_bytes(server, server.root / "404.html")
        return _Reply(404, body)
    found = _with_query(found, parts.query)
    body = _serve_bytes(server, found)
    etag = '"' + hashlib.sha1(body).hexdigest()[:20] + '"'
    mtime = int(found.stat().st_mtime)
    modified = formatdate(mtime, usegmt=True)
    status = 304 if _not_modified(etag, mtime, if_none_match, since) else 200
    return _Reply(status, body, _content_type(found, body), etag, modified)


class _ForbiddenError(Exception):
    """The request path tries to leave the site folder."""


def _resolve(root: Path, path: str) -> Path | None:
    segments = [s for s in path.split("/") if s not in ("", ".")]
    if any(s == ".." or "\\" in s or "\x00" in s for s in segments):
        raise _ForbiddenError(path)
    base = root.joinpath(*segments)
    candidates = [base / "index.html", base / "index.xml"]
    if segments:
        candidates = [base, *candidates, base.with_name(base.name + ".html")]
    for candidate in candidates:
        if candidate.is_file():
            if not candidate.resolve().is_relative_to(root):
                raise _ForbiddenError(path)
            return None if candidate == root / "404.html" else candidate
    return None


def _with_query(found: Path, query: str) -> Path:
    pairs = sorted(parse_qsl(query, keep_blank_values=True))
    if not pairs or not all(_QUERY_PART.match(k) and _QUERY_PART.match(v) for k, v in pairs):
        return found
    suffix = "".join(f"__{k}-{v}" for k, v in pairs)
    variant = found.with_name(f"{found.stem}{suffix}{found.suffix}")
    return variant if variant.is_file() else found


def _serve_bytes(server: _SiteServer, path: Path) -> bytes:
    return path.read_bytes().replace(ORIGIN.encode(), server.origin.encode())


def _content_type(path: Path, body: bytes) -> str:
    if path.suffix in _TYPES:
        return _TYPES[path.suffix]
    head = body[:400]
    if path.suffix == ".xml" or head.startswith(b"<?xml"):
        kind = "application/rss+xml" if b"<rss" in head else "application/xml"
        return f"{kind}; charset=utf-8"
    return _HTML


def _not_modified(etag: str, mtime: int, if_none_match: str | None, since: str | None) -> bool:
    if if_none_match is not None:
        tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
        return "*" in tags or etag in tags
    if since:
        try:
            return mtime <= int(parsedate_to_datetime(since).timestamp())
        except (TypeError, ValueError):
            return False
    return False


def _refused_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((_HOST, 0))
        port: int = sock.getsockname()[1]
    return port


def _toml_table(entry: Mapping[str, object]) -> str:
    lines = ["[[source]]"] + [f"{key} = {json.dumps(value)}" for key, value in entry.items()]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Serve the samples in the foreground until Ctrl-C."""
    parser = argparse.ArgumentParser(description="Serve the mpnews sample sites on 127.0.0.1.")
    parser.add_argument("--write-sources", metavar="FILE", help="also write a sources TOML here")
    args = parser.parse_args(argv)
    with serve_samples() as samples:
        for site, url in samples.base_urls.items():
            print(f"{site:10} {url}/")
        print(f"{'down':10} {samples.down_url}/ (refuses connections)")
        if args.write_sources:
            Path(args.write_sources).write_text(samples.sources_toml(), encoding="utf-8")
            print(f"sources written to {args.write_sources}")
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            print("stopped")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
