"""A real crawl (``python -m spiders.run``) fenced in: only http(s), and a host name is judged by
the address it resolves to, so one pointed at a private address (DNS rebinding) is refused.

The crawl's DNS resolver is swapped (``TWISTED_DNS_RESOLVER``) for one that maps two names:
``home.test`` to the source's own address (127.0.0.2) and ``rebind.test`` to another loopback
address (127.0.0.3), where a fault server waits for requests that must never come.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from fault_server import Fault, FaultServer
from fault_sites import post_page, post_path
from warcio.archiveiterator import ArchiveIterator

from mpnews.config import Source
from spiders.run import build_settings

SOURCE_HOST = "127.0.0.2"
FENCED_HOST = "127.0.0.3"
_RESOLVER = '''
from twisted.internet import defer

from scrapy.resolver import CachingThreadedResolver

NAMES = {"home.test": "127.0.0.2", "rebind.test": "127.0.0.3"}


class MappedResolver(CachingThreadedResolver):
    """Answers for the test's names itself; anything else as usual."""

    def getHostByName(self, name, timeout=()):
        if name in NAMES:
            return defer.succeed(NAMES[name])
        return super().getHostByName(name, timeout)
'''
_FAST = ["DOWNLOAD_DELAY=0", "AUTOTHROTTLE_START_DELAY=0", "RETRY_TIMES=0", "DOWNLOAD_TIMEOUT=3"]
DATA_URL = "data:text/html," + quote(post_page("Read from a data URL"))


@dataclass
class FencedCrawl:
    stats: dict[str, Any]
    archived: bytes  # every WARC record's payload, concatenated
    source_origin: str
    fenced: FaultServer
    secret_file: Path

    def reasons(self) -> dict[str, str]:
        return {e["url"]: e["reason"] for e in self.stats["errors"]}


def _fenced_routes() -> dict[str, Fault]:
    return {post_path("rebound"): Fault(200, post_page("Reached by rebinding").encode())}


def _source_routes(port: int, fenced_port: int, secret: Path) -> dict[str, Fault]:
    def moved(location: str) -> Fault:
        return Fault(302, headers={"Location": location})

    ftp = f"ftp://{SOURCE_HOST}:{port}{post_path('over-ftp')}"
    weird = [secret.as_uri(), ftp, DATA_URL]
    rebound = f"http://rebind.test:{fenced_port}{post_path('rebound')}"
    links = [post_path("at-home"), rebound, *weird, *(post_path(n) for n in ("to-file", "to-ftp"))]
    items = "".join(f'<article><h2><a href="{u}">post</a></h2></article>' for u in links)
    locs = "".join(f"<url><loc>{u}</loc></url>" for u in weird)
    return {
        "/news": Fault(200, f"<html><body>{items}</body></html>".encode()),
        "/sitemap.xml": Fault(
            200,
            f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"{locs}</urlset>".encode(),
            {"Content-Type": "application/xml"},
        ),
        post_path("at-home"): Fault(200, post_page("A post at home").encode()),
        post_path("to-file"): moved(secret.as_uri()),
        post_path("to-ftp"): moved(ftp),
        post_path("to-data"): moved(DATA_URL),
    }


@pytest.fixture(scope="module")
def fenced_crawl(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FencedCrawl]:
    home = tmp_path_factory.mktemp("fenced")
    (home / "mapped_dns.py").write_text(_RESOLVER, encoding="utf-8")
    secret = home / "secret.html"
    secret.write_text(post_page("Read from the disk"), encoding="utf-8")
    with (
        FaultServer(_fenced_routes(), host=FENCED_HOST) as fenced,
        FaultServer({}, host=SOURCE_HOST) as server,
    ):
        server.routes.update(_source_routes(server.port, fenced.port, secret))
        origin = f"http://home.test:{server.port}"
        source = Source(
            name="fenced",
            kind="mp_site",
            mp="Jo Bloggs",
            start_urls=(f"{origin}/news", f"{origin}{post_path('to-data')}"),
            sitemaps=(f"{origin}/sitemap.xml",),
            allowed_domains=(f"home.test:{server.port}", f"rebind.test:{fenced.port}"),
        )
        stats_path = home / "stats.json"
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(home), *sys.path])}
        env.pop("MPNEWS_ALLOW_PRIVATE_ADDRESSES", None)
        command = [
            sys.executable, "-m", "spiders.run", "--source-json", source.to_json(),
            "--run-id", "fenced-run", "--archive-dir", str(home / "archive"),
            "--stats-out", str(stats_path), "--log-file", str(home / "crawl.log"),
            "-s", "TWISTED_DNS_RESOLVER=mapped_dns.MappedResolver",
            *(arg for setting in _FAST for arg in ("-s", setting)),
        ]  # fmt: skip
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        stats = json.loads(stats_path.read_text(encoding="utf-8"))
        yield FencedCrawl(stats, _payloads(stats["warc_path"]), origin, fenced, secret)


def _payloads(warc: str) -> bytes:
    with open(warc, "rb") as stream:
        return b"".join(r.content_stream().read() for r in ArchiveIterator(stream))


def test_only_http_download_handlers_are_enabled() -> None:
    handlers = build_settings(run_id="r", archive_dir="a").getdict("DOWNLOAD_HANDLERS")
    assert {k: handlers.get(k, "on") for k in ("file", "data", "ftp", "s3")} == dict.fromkeys(
        ("file", "data", "ftp", "s3")
    )


def test_file_ftp_and_data_links_and_redirects_are_never_fetched(
    fenced_crawl: FencedCrawl,
) -> None:
    archived = fenced_crawl.archived
    assert b"A post at home" in archived  # the crawl itself went fine
    for title in (b"Read from the disk", b"Read from a data URL"):
        assert title not in archived
    assert fenced_crawl.fenced.requests == []


def test_redirects_to_other_schemes_are_refused_with_a_reason(fenced_crawl: FencedCrawl) -> None:
    reasons = fenced_crawl.reasons()
    origin = fenced_crawl.source_origin
    only = "(only http and https are fetched)"
    assert reasons[f"{origin}{post_path('to-file')}"] == f"refused: scheme file {only}"
    assert reasons[f"{origin}{post_path('to-ftp')}"] == f"refused: scheme ftp {only}"
    assert reasons[f"{origin}{post_path('to-data')}"] == f"refused: scheme data {only}"
    assert fenced_crawl.stats["status_counts"].get("302") == 3  # each 3xx kept as the answer


def test_a_name_resolving_to_a_private_address_is_refused(fenced_crawl: FencedCrawl) -> None:
    url = f"http://rebind.test:{fenced_crawl.fenced.port}{post_path('rebound')}"
    assert fenced_crawl.reasons()[url] == (
        f"refused: loopback address {FENCED_HOST} (set MPNEWS_ALLOW_PRIVATE_ADDRESSES=1 to allow)"
    )
    assert fenced_crawl.fenced.requests == []
    assert b"Reached by rebinding" not in fenced_crawl.archived


def test_a_source_named_by_host_name_is_allowed_its_own_address(
    fenced_crawl: FencedCrawl,
) -> None:
    assert not any(url.startswith(fenced_crawl.source_origin + "/news") for url in
                   fenced_crawl.reasons())  # fmt: skip
    assert fenced_crawl.stats["status_counts"].get("200", 0) >= 3  # listing, sitemap, post
