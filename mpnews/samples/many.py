"""Many small generated MP blogs, each on its own loopback address, for scale tests and benchmarks.

Site ``i`` listens on ``127.0.<1 + i // 250>.<1 + i % 250>`` (all of 127.0.0.0/8 is loopback on
Linux), so a crawler sees one host per site, as it would on the web. Every site is a plain
HTML5 blog (the ``generic`` family): ``/robots.txt``, a news listing ``/news`` paginated by
``rel="next"`` (``/news/page/N``) with ``posts_per_page`` excerpts a page, and one permalink
``/2024/<MM>/<slug>/`` per post carrying its date (``article:published_time`` and ``<time>``).
Texts are generated from a fixed word list with a seeded generator: deterministic, and no two
posts alike (so none is collapsed as a copy of another). Sites listed in ``dead`` refuse
connections.

    with serve_many(30, posts_per_site=3, dead={7}) as sites:
        Path("sources.toml").write_text(sites.sources_toml())
"""

from __future__ import annotations

import json
import random
import socket
import threading
from collections import Counter
from collections.abc import Callable, Collection
from dataclasses import dataclass
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType

__all__ = ["ManySites", "SiteSpec", "loopback_address", "serve_many"]

_VOCABULARY = """
council housing budget school hospital bus rail funding local residents constituency
minister debate vote bill amendment committee report community charity volunteers
surgery advice energy bills climate park library police safety roads potholes jobs
business high street market pension carers families children nursery teachers nurses
doctors waiting lists ambulance parliament question campaign petition meeting visit
support investment broadband flooding river planning homes rent landlords tenants
veterans students apprenticeships factory harbour station bridge festival museum
cost living food bank winter fuel grant scheme consultation review inquiry
"""
_WORDS = tuple(_VOCABULARY.split())
_TYPE = "text/html; charset=utf-8"


def loopback_address(index: int) -> str:
    """The loopback address of site ``index`` (0-based): 127.0.1.1, 127.0.1.2, ..."""
    if not 0 <= index < 250 * 254:
        raise ValueError(f"site index {index} out of range")
    return f"127.0.{1 + index // 250}.{1 + index % 250}"


@dataclass(frozen=True, slots=True)
class SiteSpec:
    """One generated site: its name, address, and how many posts it holds."""

    name: str
    address: str
    posts: int
    posts_per_page: int
    seed: int

    def pages(self) -> int:
        return max(1, -(-self.posts // self.posts_per_page))


class ManySites:
    """The running sites. Use as a context manager or call :meth:`close`."""

    def __init__(
        self, count: int, posts_per_site: int, *, dead: Collection[int] = (), per_page: int = 10
    ) -> None:
        self._lock = threading.Lock()
        self._hits: Counter[str] = Counter()
        self.specs = tuple(
            SiteSpec(f"site-{i:03d}", loopback_address(i), posts_per_site, per_page, i)
            for i in range(count)
        )
        self.dead = frozenset(dead)
        self.origins: dict[str, str] = {}
        self._servers: list[ThreadingHTTPServer] = []
        for i, spec in enumerate(self.specs):
            if i in self.dead:
                self.origins[spec.name] = f"http://{spec.address}:{_refused_port(spec.address)}"
                continue
            server = _SiteServer(spec, self._record)
            self._servers.append(server)
            self.origins[spec.name] = f"http://{spec.address}:{server.server_address[1]}"
            threading.Thread(target=server.serve_forever, name=spec.name, daemon=True).start()

    @property
    def live_posts(self) -> int:
        """Posts on the sites that answer: what a complete crawl stores."""
        return sum(s.posts for i, s in enumerate(self.specs) if i not in self.dead)

    @property
    def hits(self) -> dict[str, int]:
        """Site name -> requests it answered."""
        with self._lock:
            return dict(self._hits)

    def sources_toml(self) -> str:
        """A sources file with one ``mp_site`` per site."""
        entries = [
            {
                "name": spec.name,
                "kind": "mp_site",
                "mp": f"Member for Site {spec.seed}",
                "start_urls": [f"{self.origins[spec.name]}/news"],
            }
            for spec in self.specs
        ]
        lines = ["# Generated sites on loopback addresses (ports change every run).\n"]
        for entry in entries:
            lines.append("[[source]]")
            lines.extend(f"{key} = {json.dumps(value)}" for key, value in entry.items())
            lines.append("")
        return "\n".join(lines)

    def close(self) -> None:
        for server in self._servers:
            server.shutdown()
            server.server_close()

    def _record(self, site: str) -> None:
        with self._lock:
            self._hits[site] += 1

    def __enter__(self) -> ManySites:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def serve_many(
    count: int, posts_per_site: int = 20, *, dead: Collection[int] = (), per_page: int = 10
) -> ManySites:
    """Start ``count`` generated sites (indexes in ``dead`` refuse connections)."""
    return ManySites(count, posts_per_site, dead=dead, per_page=per_page)


class _SiteServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, spec: SiteSpec, record: Callable[[str], None]) -> None:
        super().__init__((spec.address, 0), _Handler)
        self.spec = spec
        self.record = record


class _Handler(BaseHTTPRequestHandler):
    server: _SiteServer
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        spec = self.server.spec
        self.server.record(spec.name)
        status, body, kind = _route(spec, self.path.split("?")[0])
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


def _route(spec: SiteSpec, path: str) -> tuple[int, str, str]:
    if path == "/robots.txt":
        return 200, "User-agent: *\nDisallow: /private/\n", "text/plain; charset=utf-8"
    if path.rstrip("/") == "/news":
        return 200, _listing(spec, 1), _TYPE
    if path.startswith("/news/page/"):
        number = path.removeprefix("/news/page/").strip("/")
        if number.isdigit() and 1 <= int(number) <= spec.pages():
            return 200, _listing(spec, int(number)), _TYPE
    for n in range(spec.posts):
        if path == _permalink(spec, n):
            return 200, _post(spec, n), _TYPE
    return 404, "<html><body><p>Not found</p></body></html>", _TYPE


def _permalink(spec: SiteSpec, n: int) -> str:
    return f"/2024/{1 + n % 12:02d}/{spec.name}-post-{n}/"


def _title(spec: SiteSpec, n: int) -> str:
    words = random.Random(f"{spec.seed}:{n}:title").sample(_WORDS, 5)
    return f"{' '.join(words).capitalize()} ({spec.name} {n})"


def _paragraphs(spec: SiteSpec, n: int) -> list[str]:
    rng = random.Random(f"{spec.seed}:{n}:body")
    return [
        " ".join(rng.choice(_WORDS) for _ in range(rng.randint(45, 70))).capitalize() + "."
        for _ in range(5)
    ]


def _listing(spec: SiteSpec, page: int) -> str:
    first = (page - 1) * spec.posts_per_page
    items = []
    for n in range(first, min(first + spec.posts_per_page, spec.posts)):
        items.append(
            f'<article><h2><a href="{_permalink(spec, n)}">{escape(_title(spec, n))}</a></h2>'
            f"<p>{escape(_paragraphs(spec, n)[0][:120])}...</p></article>"
        )
    older = f'<a rel="next" href="/news/page/{page + 1}">Older posts</a>'
    pager = older if page < spec.pages() else ""
    return (
        f"<!doctype html><html><head><title>News - {spec.name}</title></head><body>"
        f"<header><a href='/'>Home</a></header><main><h1>News</h1>{''.join(items)}"
        f"<nav>{pager}</nav></main></body></html>"
    )


def _post(spec: SiteSpec, n: int) -> str:
    day = f"2024-{1 + n % 12:02d}-{1 + n % 28:02d}"
    body = "".join(f"<p>{escape(p)}</p>" for p in _paragraphs(spec, n))
    title = escape(_title(spec, n))
    return (
        f"<!doctype html><html><head><title>{title}</title>"
        f'<meta property="article:published_time" content="{day}T09:00:00+00:00"></head>'
        f"<body><header><a href='/news'>News</a></header><main><article><h1>{title}</h1>"
        f'<time datetime="{day}T09:00:00+00:00">{day}</time>{body}</article></main>'
        f"<footer><p>Promoted by the site owner.</p></footer></body></html>"
    )


def _refused_port(address: str) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((address, 0))
        port: int = sock.getsockname()[1]
    return port
