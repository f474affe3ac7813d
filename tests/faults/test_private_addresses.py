"""A real ``mpnews crawl`` of a site whose pages point at private, loopback and link-local
addresses: those are refused, unless the source is there or ``MPNEWS_ALLOW_PRIVATE_ADDRESSES``.

Each site has its own loopback address: the source lives on 127.0.0.2, the fenced server on
127.0.0.3 (another machine on the loopback network, as far as the crawler can tell). The
source's ``allowed_domains`` name the fenced hosts, so only the address guard stands between
the crawler and them.
"""

from __future__ import annotations

import contextlib
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pytest
from fault_server import Fault, FaultServer
from fault_sites import post_page, post_path

import flows.crawl
from mpnews.cli import main

SOURCE_HOST = "127.0.0.2"
FENCED_HOST = "127.0.0.3"
OUT_OF_REACH = ("10.0.0.5", "169.254.169.254")  # nothing listens there: a request would hang
_TIMEOUT = "3"


@dataclass
class Crawl:
    code: int
    stderr: str
    warehouse: Path
    source_server: FaultServer
    fenced: FaultServer

    def titles(self) -> set[str]:
        with duckdb.connect(str(self.warehouse), read_only=True) as con:
            return {t for (t,) in con.execute("SELECT title FROM posts").fetchall()}

    def stats(self) -> dict[str, Any]:
        [path] = (self.warehouse.parent / ".mpnews" / "runs").glob("*/fenced.stats.json")
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        return data

    def reasons(self) -> dict[str, str]:
        return {e["url"]: e["reason"] for e in self.stats()["errors"]}


def _page(title: str) -> Fault:
    return Fault(200, post_page(title).encode())


def _listing(links: list[str]) -> Fault:
    items = "".join(f'<article><h2><a href="{u}">{u}</a></h2></article>' for u in links)
    return Fault(200, f"<html><head><title>News</title></head><body>{items}</body></html>".encode())


@contextlib.contextmanager
def _crawl(home: Path, *, reach_out: bool, allow: bool) -> Iterator[Crawl]:
    """Serve the source and the fenced server, crawl once, yield what the run left."""
    fenced_routes = {
        post_path("linked-secret"): _page("Linked from the source"),
        post_path("redirected-secret"): _page("Reached by a redirect"),
    }
    with contextlib.ExitStack() as stack:
        fenced = stack.enter_context(FaultServer(fenced_routes, host=FENCED_HOST))
        outside = [fenced.origin, *(f"http://{a}" for a in OUT_OF_REACH if reach_out)]
        source_routes = {
            post_path("own-post"): _page("A post at home"),
            post_path("moves-away"): Fault(
                302, headers={"Location": fenced.url(post_path("redirected-secret"))}
            ),
            post_path("to-metadata"): Fault(
                302, headers={"Location": "http://169.254.169.254/latest/meta-data/"}
            ),
        }
        links = [
            post_path("own-post"),
            post_path("moves-away"),
            fenced.url(post_path("linked-secret")),
            *(f"http://{a}{post_path('out-of-reach')}" for a in OUT_OF_REACH if reach_out),
            *([post_path("to-metadata")] if reach_out else []),
        ]
        source_routes["/news"] = _listing(links)
        server = stack.enter_context(FaultServer(source_routes, host=SOURCE_HOST))
        domains = [f"{SOURCE_HOST}:{server.port}", *(o.split("//", 1)[1] for o in outside)]
        sources = home / "sources.toml"
        sources.write_text(
            '[[source]]\nname = "fenced"\nkind = "mp_site"\nmp = "Jo Bloggs"\n'
            f'start_urls = ["{server.url("/news")}"]\nallowed_domains = {json.dumps(domains)}\n',
            encoding="utf-8",
        )
        patch = stack.enter_context(pytest.MonkeyPatch.context())
        original = flows.crawl._politeness
        patch.setattr(
            flows.crawl, "_politeness", lambda s: {**original(s), "DOWNLOAD_TIMEOUT": _TIMEOUT}
        )
        if allow:
            patch.setenv("MPNEWS_ALLOW_PRIVATE_ADDRESSES", "1")
        else:
            patch.delenv("MPNEWS_ALLOW_PRIVATE_ADDRESSES", raising=False)
        warehouse = home / "mpnews.duckdb"
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            code = main(["crawl", "--sources", str(sources), "--warehouse", str(warehouse)])
        yield Crawl(code, err.getvalue(), warehouse, server, fenced)


@pytest.fixture(scope="module")
def refused(tmp_path_factory: pytest.TempPathFactory, prefect_harness: None) -> Iterator[Crawl]:
    with _crawl(tmp_path_factory.mktemp("refused"), reach_out=True, allow=False) as crawl:
        yield crawl


def test_links_and_redirects_to_other_private_addresses_are_never_requested(
    refused: Crawl,
) -> None:
    assert refused.fenced.requests == []
    assert refused.titles() == {"A post at home"}
    assert refused.code == 0, refused.stderr


def test_refusals_are_crawl_errors_with_a_reason_and_the_setting_to_change(
    refused: Crawl,
) -> None:
    reasons = refused.reasons()
    hint = "(set MPNEWS_ALLOW_PRIVATE_ADDRESSES=1 to allow)"
    fenced = refused.fenced
    assert reasons[fenced.url(post_path("linked-secret"))] == (
        f"refused: loopback address {FENCED_HOST} {hint}"
    )
    assert reasons["http://10.0.0.5" + post_path("out-of-reach")] == (
        f"refused: private address 10.0.0.5 {hint}"
    )
    assert reasons["http://169.254.169.254" + post_path("out-of-reach")] == (
        f"refused: link-local address 169.254.169.254 {hint}"
    )
    source = refused.source_server
    assert reasons[source.url(post_path("moves-away"))] == (
        f"refused: loopback address {FENCED_HOST} {hint}"
    )
    assert reasons[source.url(post_path("to-metadata"))] == (
        f"refused: link-local address 169.254.169.254 {hint}"
    )


def test_a_refused_redirect_is_archived_as_the_final_response(refused: Crawl) -> None:
    counts = refused.stats()["status_counts"]
    assert counts.get("302") == 2  # moves-away and to-metadata, neither followed
    assert refused.source_server.paths().count(post_path("moves-away")) == 1


def test_the_sources_own_address_is_crawled(refused: Crawl) -> None:
    paths = refused.source_server.paths()
    assert "/news" in paths and post_path("own-post") in paths


def test_the_setting_lets_the_crawler_reach_private_addresses(
    tmp_path: Path, prefect_harness: None
) -> None:
    with _crawl(tmp_path, reach_out=False, allow=True) as crawl:
        assert crawl.code == 0, crawl.stderr
        assert sorted(crawl.fenced.paths()) == sorted(
            [post_path("linked-secret"), post_path("redirected-secret"), "/robots.txt"]
        )
        assert crawl.titles() == {
            "A post at home",
            "Linked from the source",
            "Reached by a redirect",
        }
        assert not [r for r in crawl.reasons().values() if r.startswith("refused")]
