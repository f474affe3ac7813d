"""One real ``mpnews crawl`` under Prefect over a fault server per fault (``crawl_faults``).

Every site below is one source of one run, each behind its own :class:`FaultServer` on
127.0.0.1; the tests read what the run left: the warehouse, each source's crawl stats, the
alerts, the progress lines, and what each server was asked. Scrapy's download timeout is
shortened to :data:`DOWNLOAD_TIMEOUT` so a stall costs seconds; every other limit (retries and
their backoff, sizes, redirects) is the shipped setting.
"""

from __future__ import annotations

import contextlib
import io
import json
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pytest
from fault_server import Fault, FaultRequest, FaultServer
from fault_sites import (
    FaultSite,
    attempts,
    gzip_bomb,
    listing,
    post_page,
    post_path,
    sources_entry,
)

from mpnews.receiver import WebhookReceiver

DOWNLOAD_TIMEOUT = 2
RETRY_AFTER = 8  # longer than the whole default backoff (2 s + 4 s): only Retry-After saves it
ENCODED_TITLE = "Caf\u00e9 reopens \u2014 \u00a35 tickets for na\u00efve visitors"
ENCODED_TEXT = "The caf\u00e9\u2019s owner said the \u00a35 tickets sold out \u2014 twice."
_OK = Fault(200, post_page("A post that came through").encode())


def _page(title: str, **kwargs: Any) -> Fault:
    return Fault(200, post_page(title, **kwargs).encode())


def _site(name: str, posts: dict[str, Any], extra: str = "") -> FaultSite:
    """A blog whose ``/news`` links to ``posts`` (slug -> title, route)."""
    routes: dict[str, Any] = {"/news": Fault(200, listing({s: t for s, (t, _) in posts.items()}))}
    routes |= {post_path(slug): route for slug, (_, route) in posts.items()}
    return FaultSite(name, routes, extra)


def _rate_limited() -> Any:
    """429 with ``Retry-After`` until that many seconds have passed since the first 429."""
    first: list[float] = []

    def reply(_request: FaultRequest) -> Fault:
        now = time.monotonic()
        if not first:
            first.append(now)
        if now - first[0] < RETRY_AFTER - 0.5:
            return Fault(429, b"slow down", {"Retry-After": str(RETRY_AFTER)})
        return _page("Patience is rewarded")

    return reply


_BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n<!ENTITY lol "lol">\n'
    + "".join(
        f'<!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">\n'
        for n in range(1, 10)
    )
    + '<!ENTITY ext SYSTEM "{origin}/secret">\n]>\n'
)


def _xml(template: str, headers: dict[str, str]) -> Any:
    """An XML reply naming the server's own origin (``{origin}``, from the Host header)."""

    def reply(request: FaultRequest) -> Fault:
        origin = f"http://{request.headers['Host']}"
        return Fault(200, template.replace("{origin}", origin).encode(), headers)

    return reply


def _xml_bomb_site() -> FaultSite:
    feed = (
        _BILLION_LAUGHS + '<rss version="2.0"><channel><title>&lol9;</title>'
        "<item><title>&lol9;</title><link>{origin}/news/&lol9;</link></item>"
        "<item><title>x</title><link>&ext;</link></item>"
        "<item><title>Feed post</title><link>{origin}" + post_path("from-the-feed") + "</link>"
        "</item></channel></rss>"
    )
    sitemap = (
        _BILLION_LAUGHS + '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        "<url><loc>{origin}/news/&lol9;</loc></url><url><loc>&ext;</loc></url>"
        "<url><loc>{origin}" + post_path("from-the-sitemap") + "</loc></url></urlset>"
    )
    site = _site(
        "xml-bombs",
        {
            "from-the-feed": ("Feed post", _page("Read from a bombed feed")),
            "from-the-sitemap": ("Sitemap post", _page("Read from a bombed sitemap")),
        },
        extra='feeds = ["{origin}/feed"]\nsitemaps = ["{origin}/sitemap.xml"]',
    )
    xml = {"Content-Type": "application/xml"}
    routes = {
        **{k: v for k, v in site.routes.items() if k != "/news"},
        "/news": Fault(200, listing({})),
        "/feed": _xml(feed, {"Content-Type": "application/rss+xml"}),
        "/sitemap.xml": _xml(sitemap, xml),
        "/secret": Fault(200, b"the external entity was fetched"),
    }
    return FaultSite(site.name, routes, site.extra)


def _encodings_site() -> FaultSite:
    def page(n: int, **kwargs: Any) -> str:
        return post_page(f"{ENCODED_TITLE} ({n})", text=f"{ENCODED_TEXT} ", **kwargs)

    utf8 = page(1).encode("utf-8")
    legacy = page(2).encode("cp1252")
    meta_lies = page(3, head='<meta charset="windows-1252">').encode("utf-8")
    return _site(
        "encodings",
        {
            "utf8-labelled-latin1": (
                "a",
                Fault(200, utf8, {"Content-Type": "text/html; charset=iso-8859-1"}),
            ),
            "cp1252-labelled-utf8": (
                "b",
                Fault(200, legacy, {"Content-Type": "text/html; charset=utf-8"}),
            ),
            "utf8-meta-cp1252": ("c", Fault(200, meta_lies, {"Content-Type": "text/html"})),
        },
    )


def fault_sites(offsite_origin: str) -> list[FaultSite]:
    """Every fault of the run, one source each."""
    return [
        _site(
            "burst-5xx",
            {
                "recovers": ("a", attempts(Fault(500), Fault(502), _page("After a 5xx burst"))),
                "blips": ("b", attempts(Fault(503), _page("After one 503"))),
            },
        ),
        _site("rate-limited", {"patience": ("a", _rate_limited())}),
        _site(
            "stalled",
            {
                "hangs": ("a", Fault(200, post_page("Never arrives").encode(), stall=600)),
                "hangs-once": (
                    "b",
                    attempts(Fault(200, b"<html>", stall=600), _page("Arrived at the second try")),
                ),
                "prompt": ("c", _page("Arrived at once")),
            },
        ),
        _site(
            "resets",
            {
                "recovers": ("a", attempts(Fault(reset=True), _page("After a reset"))),
                "always-resets": ("b", Fault(reset=True)),
                "prompt": ("c", _page("Never reset")),
            },
        ),
        FaultSite(
            "redirects",
            {
                **_site(
                    "redirects",
                    {
                        "loops": ("a", Fault(302, headers={"Location": "/loop/a"})),
                        "leaves": ("b", Fault(301, headers={"Location": f"{offsite_origin}/x"})),
                        "moved": ("c", Fault(301, headers={"Location": post_path("moved-here")})),
                    },
                ).routes,
                "/loop/a": Fault(302, headers={"Location": "/loop/b"}),
                "/loop/b": Fault(302, headers={"Location": "/loop/a"}),
                post_path("moved-here"): _page("Moved but kept"),
            },
        ),
        _site(
            "size-bomb",
            {
                "huge": ("a", Fault(200, b"<html><body>" + b"x" * (11 << 20))),
                "prompt": ("b", _page("Small and fine beside a huge page")),
            },
        ),
        _site(
            "gzip-bomb",
            {
                "bomb": (
                    "a",
                    Fault(200, gzip_bomb(64), {"Content-Encoding": "gzip"}),
                ),
                "prompt": ("b", _page("Small and fine beside a gzip bomb")),
            },
        ),
        _xml_bomb_site(),
        _encodings_site(),
        FaultSite(
            "robots",
            {
                **_site(
                    "robots",
                    {"public": ("a", _page("Open to all")), "private-x": ("b", _page("Hidden"))},
                ).routes,
                "/robots.txt": Fault(
                    200,
                    f"User-agent: *\nDisallow: {post_path('private-')}\n".encode(),
                    {"Content-Type": "text/plain"},
                ),
            },
        ),
        _site(
            "impossible-dates",
            {
                "/news/no-such-month": (
                    "a",
                    _page("Dated the 32nd of the 13th", date="32/13/2020"),
                ),
                "/news/no-such-day": ("b", _page("Dated the 31st of April", date="31/04/2021")),
            },
        ),
    ]


@dataclass
class FaultRun:
    """What one crawl over every fault site left behind."""

    warehouse: Path
    exit_code: int
    run_id: str
    lines: list[str]  # the run's progress lines (stderr)
    alerts: list[dict[str, Any]]
    servers: dict[str, FaultServer]
    offsite: FaultServer
    dead_url: str

    def query(self, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
        with duckdb.connect(str(self.warehouse), read_only=True) as con:
            return con.execute(sql, params or []).fetchall()

    def stats(self, source: str) -> dict[str, Any]:
        path = self.warehouse.parent / ".mpnews" / "runs" / self.run_id / f"{source}.stats.json"
        return json.loads(path.read_text(encoding="utf-8"))

    def titles(self, source: str) -> list[str]:
        rows = self.query("SELECT title FROM posts WHERE source = ? ORDER BY title", [source])
        return [title for (title,) in rows]

    def run_row(self, source: str) -> tuple[Any, ...]:
        [row] = self.query(
            "SELECT status, error, pages_fetched FROM crawl_runs WHERE source = ?", [source]
        )
        return row

    def asked(self, source: str, path: str) -> int:
        return self.servers[source].paths().count(path)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _with_timeout(original: Any) -> Any:
    def politeness(settings: Any) -> dict[str, str]:
        return {**original(settings), "DOWNLOAD_TIMEOUT": str(DOWNLOAD_TIMEOUT)}

    return politeness


@contextlib.contextmanager
def crawl_faults(home: Path) -> Iterator[FaultRun]:
    """Serve every fault site, crawl them all in one run into ``home``, yield what it left."""
    import flows.crawl
    from mpnews.cli import main

    warehouse = home / "mpnews.duckdb"
    dead_url = f"http://127.0.0.1:{_closed_port()}/news"
    with contextlib.ExitStack() as stack:
        offsite = stack.enter_context(FaultServer({"/x": _OK}))
        servers: dict[str, FaultServer] = {}
        entries = []
        for site in fault_sites(offsite.origin):
            server = stack.enter_context(FaultServer(site.routes, max_requests=200))
            servers[site.name] = server
            entries.append(sources_entry(site, server.origin))
        entries.append(
            f'[[source]]\nname = "dead-host"\nkind = "mp_site"\nmp = "Jo Bloggs"\n'
            f'start_urls = ["{dead_url}"]\n'
        )
        sources = home / "sources.toml"
        sources.write_text("\n".join(entries), encoding="utf-8")
        receiver = stack.enter_context(WebhookReceiver())
        patch = stack.enter_context(pytest.MonkeyPatch.context())
        patch.setattr(flows.crawl, "_politeness", _with_timeout(flows.crawl._politeness))
        patch.setenv("MPNEWS_ALERT_WEBHOOK", receiver.url)
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            code = main(["crawl", "--sources", str(sources), "--warehouse", str(warehouse)])
        with duckdb.connect(str(warehouse), read_only=True) as con:
            [(run_id,)] = con.execute("SELECT DISTINCT run_id FROM crawl_runs").fetchall()
        yield FaultRun(
            warehouse=warehouse,
            exit_code=code,
            run_id=run_id,
            lines=err.getvalue().splitlines(),
            alerts=list(receiver.received),
            servers=servers,
            offsite=offsite,
            dead_url=dead_url,
        )
