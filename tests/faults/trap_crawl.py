"""One real ``mpnews crawl`` under Prefect over the crawl-trap sites and a tag-soup post.

Each site is one source behind its own :class:`FaultServer` on 127.0.0.1, whose routes are
callables generating pages for ever: an endless calendar, session ids in every link, ever-deeper
pagination, a listing linking to itself with a new query string each time. Every source gets
small budgets (:data:`MAX_DEPTH`, :data:`MAX_QUERY_VARIANTS`) so the crawl stays short; each
server also refuses more than :data:`MAX_REQUESTS` requests, so a crawl that loops cannot hang
the tests. The crawl runs once (:func:`trap_run`), shared by ``test_crawl_traps.py`` and
``test_tag_soup.py``; the servers are closed once it has run.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import duckdb
import pytest
from fault_server import Fault, FaultRequest, FaultServer
from fault_sites import FaultSite, post_page, post_path, sources_entry

from mpnews.receiver import WebhookReceiver

MAX_DEPTH = 10
MAX_QUERY_VARIANTS = 5
MAX_REQUESTS = 300
PAGINATION_LEVELS = 60  # far deeper than MAX_DEPTH: the pagination never ends as far as it goes
SOUP_FILE = Path(__file__).parents[1] / "pipeline" / "fixtures" / "tag_soup_post.html"
SOUP_PATH = "/2024/03/14/flood-defences"
BUDGETS = f"max_depth = {MAX_DEPTH}\nmax_query_variants = {MAX_QUERY_VARIANTS}"


def _html(body: str) -> Fault:
    return Fault(200, f"<html><head><title>News</title></head><body>{body}</body></html>".encode())


def _post_item(slug: str, title: str, href: str | None = None) -> str:
    return f'<article><h2><a href="{href or post_path(slug)}">{title}</a></h2></article>'


def _post(title: str) -> Fault:
    return Fault(200, post_page(title).encode())


def _calendar_site() -> FaultSite:
    """``/events?month=YYYY-MM`` links the month before and after, for ever."""

    def month(request: FaultRequest) -> Fault:
        value = parse_qs(request.query).get("month", ["2020-01"])[0]
        year, number = (int(part) for part in value.split("-"))
        index = year * 12 + number - 1
        before, after = (f"{i // 12}-{i % 12 + 1:02d}" for i in (index - 1, index + 1))
        return _html(
            f"<h1>Events in {value}</h1>"
            f'<a rel="prev" href="/events?month={before}">Previous month</a>'
            f'<a rel="next" href="/events?month={after}">Next month</a>'
        )

    listing = _post_item("spring-fair", "Spring fair") + (
        '<a rel="next" href="/events?month=2020-01">Events</a>'
    )
    routes = {
        "/news": _html(listing),
        "/events": month,
        post_path("spring-fair"): _post("Spring fair on the green"),
    }
    return FaultSite("endless-calendar", routes, BUDGETS)


def _session_site() -> FaultSite:
    """Every page hands out a new session: ``;jsessionid=`` and ``?sid=`` on post links,
    ``PHPSESSID`` and ``utm_*`` on the listing's own link, and a token of its own
    (``?visit=``) that no canonicaliser knows."""
    counter = itertools.count(1)

    def listing(_request: FaultRequest) -> Fault:
        n = next(counter)
        items = _post_item("a", "A", f"{post_path('surgery-dates')};jsessionid=S{n}X") + _post_item(
            "b", "B", f"{post_path('bus-route')}?sid={n:032x}&utm_source=feed"
        )
        pager = (
            f'<a href="/news?PHPSESSID=p{n}&utm_medium=email">Refresh</a>'
            f'<a rel="next" href="/news?visit={n}">Next</a>'
        )
        return _html(items + pager)

    routes = {
        "/news": listing,
        post_path("surgery-dates"): _post("Surgery dates for June"),
        post_path("bus-route"): _post("The number 12 bus route is saved"),
    }
    return FaultSite("session-ids", routes, BUDGETS)


def _pagination_site() -> FaultSite:
    """``/news`` links ``page/2/`` relative to itself, which links ``page/3/`` relative to
    itself, and so on: ``/news/page/2/page/3/page/4/...``."""
    routes: dict[str, Any] = {post_path("deep-post"): _post("A post on the first page")}
    path = "/news/"
    for level in range(1, PAGINATION_LEVELS + 1):
        item = _post_item("deep-post", "Deep post") if level == 1 else ""
        routes[path] = _html(f'{item}<a href="page/{level + 1}/">Older posts</a>')
        if level == 1:
            routes["/news"] = Fault(301, headers={"Location": "/news/"})
        path = f"{path}page/{level + 1}/"
    return FaultSite("deep-pagination", routes, BUDGETS)


def _self_linking_site() -> FaultSite:
    """A listing whose "Next" link is itself with a new ``?ref=`` each time."""
    counter = itertools.count(100)

    def listing(_request: FaultRequest) -> Fault:
        ref = next(counter)
        return _html(_post_item("library", "Library") + f'<a href="/news?ref={ref}">Next</a>')

    routes = {"/news": listing, post_path("library"): _post("The library stays open")}
    return FaultSite("self-linking", routes, BUDGETS)


def _tag_soup_site() -> FaultSite:
    """A listing linking (with a control byte in the href) to the stored tag-soup post."""
    href = SOUP_PATH.replace("defences", "def\x01ences")
    routes = {
        "/news": _html(_post_item("soup", "Flood defences", href)),
        SOUP_PATH: Fault(200, SOUP_FILE.read_bytes(), {"Content-Type": "text/html"}),
    }
    return FaultSite("tag-soup", routes)


SITES: tuple[Callable[[], FaultSite], ...] = (
    _calendar_site,
    _session_site,
    _pagination_site,
    _self_linking_site,
    _tag_soup_site,
)


@dataclass
class TrapRun:
    """What the crawl over the trap sites left behind (the servers are closed)."""

    warehouse: Path
    exit_code: int
    run_id: str
    lines: list[str]
    alerts: list[dict[str, Any]]
    asked: dict[str, list[str]]  # source -> paths its server was asked, in order

    def query(self, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
        with duckdb.connect(str(self.warehouse), read_only=True) as con:
            return con.execute(sql, params or []).fetchall()

    def stats(self, source: str) -> dict[str, Any]:
        path = self.warehouse.parent / ".mpnews" / "runs" / self.run_id / f"{source}.stats.json"
        return dict(json.loads(path.read_text(encoding="utf-8")))

    def run_row(self, source: str) -> dict[str, Any]:
        columns = (
            "status, error, budget_hit, budgets_hit, budget_examples, pages_over_budget, "
            "max_depth, max_query_variants"
        )
        rows = self.query(f"SELECT {columns} FROM crawl_runs WHERE source = ?", [source])
        [row] = rows
        return dict(zip((c.strip() for c in columns.split(",")), row, strict=True))

    def alerts_for(self, source: str) -> list[dict[str, Any]]:
        return [a for a in self.alerts if a["source"] == source]


_RUNS: dict[str, TrapRun] = {}


def trap_run(tmp_path_factory: pytest.TempPathFactory) -> TrapRun:
    """The one crawl over every trap site (run on first use)."""
    if "run" not in _RUNS:
        _RUNS["run"] = _crawl(tmp_path_factory.mktemp("traps"))
    return _RUNS["run"]


def _crawl(home: Path) -> TrapRun:
    from mpnews.cli import main

    warehouse = home / "mpnews.duckdb"
    with contextlib.ExitStack() as stack:
        servers: dict[str, FaultServer] = {}
        entries = []
        for make in SITES:
            site = make()
            server = stack.enter_context(FaultServer(site.routes, max_requests=MAX_REQUESTS))
            servers[site.name] = server
            entries.append(sources_entry(site, server.origin))
        sources = home / "sources.toml"
        sources.write_text("\n".join(entries), encoding="utf-8")
        receiver = stack.enter_context(WebhookReceiver())
        patch = stack.enter_context(pytest.MonkeyPatch.context())
        patch.setenv("MPNEWS_ALERT_WEBHOOK", receiver.url)
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            code = main(["crawl", "--sources", str(sources), "--warehouse", str(warehouse)])
        asked = {name: server.paths() for name, server in servers.items()}
        alerts = list(receiver.received)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        [(run_id,)] = con.execute("SELECT DISTINCT run_id FROM crawl_runs").fetchall()
    return TrapRun(warehouse, code, run_id, err.getvalue().splitlines(), alerts, asked)
