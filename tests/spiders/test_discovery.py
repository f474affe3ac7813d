"""Finding the news on a never-seen site from its start URL alone (``spiders/discovery.py``):
two new families in realistic markup plus the bundled samples, crawled for real on 127.0.0.1."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from discovery_sites import NATIONBUILDER, SQUARESPACE, serve

from mpnews.config import Source
from mpnews.samples.server import serve_samples
from pipeline.records import RawPage
from pipeline.warc import iter_pages
from spiders.discovery import SiteDiscovery, discover_site, same_discovery, with_discovery
from warehouse.discovery import read_discovery, save_discovery

_FAST = ["DOWNLOAD_DELAY=0", "AUTOTHROTTLE_ENABLED=False", "RETRY_ENABLED=False"]


def _crawl(source: Source, tmp: Path, run_id: str) -> list[RawPage]:
    cmd = [
        sys.executable, "-m", "spiders.run",
        "--source-json", source.to_json(),
        "--run-id", run_id,
        "--archive-dir", str(tmp),
        "--stats-out", str(tmp / f"{source.name}-{run_id}.json"),
        *[a for s in _FAST for a in ("-s", s)],
    ]  # fmt: skip
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return list(iter_pages(tmp / source.name / f"{run_id}.warc.gz"))


def _source(name: str, start: str) -> Source:
    return Source(name=name, kind="mp_site", mp="Ann Example", start_urls=(start,))


def _fetched(pages: list[RawPage], origin: str, role: str) -> set[str]:
    return {p.url.removeprefix(origin) for p in pages if p.role == role and p.status == 200}


@pytest.mark.parametrize(
    ("site", "start", "family", "feed", "listing", "posts"),
    [
        (NATIONBUILDER, "/ann_example", "nationbuilder", "/news.rss", "/news",
         {"/bus_cuts", "/gp_surgery", "/flood_defences"}),
        (SQUARESPACE, "/", "squarespace", "/latest-news?format=rss", "/latest-news",
         {"/latest-news/new-station", "/latest-news/school-funding",
          "/latest-news/hospital-visit"}),
    ],
)  # fmt: skip
def test_new_family_found_from_start_url_and_remembered(
    tmp_path: Path,
    site: dict[str, tuple[str, str]],
    start: str,
    family: str,
    feed: str,
    listing: str,
    posts: set[str],
) -> None:
    with serve(site) as origin:
        source = _source(f"{family}-mp", origin + start)
        pages = _crawl(source, tmp_path, "r1")
        found = discover_site(pages, source)
        assert found == SiteDiscovery(
            source=source.name,
            start_url=origin + start,
            family=family,
            feeds=(origin + feed,),
            sitemaps=(origin + "/sitemap.xml",),
            listings=(origin + listing,),
        )
        assert _fetched(pages, origin, "post") >= posts  # the news was found and followed

        warehouse = tmp_path / "w.duckdb"
        save_discovery(warehouse, found, run_id="r1")
        stored = read_discovery(warehouse, source.name)
        assert stored is not None and same_discovery(found, stored)

        again = with_discovery(source, stored)
        assert again.feeds == (origin + feed,) and origin + listing in again.start_urls
        second = _crawl(again, tmp_path, "r2")
        assert _fetched(second, origin, "post") >= posts
        assert not [p.url for p in second if p.status == 404]  # no guessing the second time
        assert ("/sitemap.xml", "sitemap") in {(p.url.removeprefix(origin), p.role) for p in second}


def test_bundled_sample_families_from_their_home_pages(tmp_path: Path) -> None:
    with serve_samples() as samples:
        weebly = _source("weebly-home", samples.url("weebly", "/"))
        found = discover_site(_crawl(weebly, tmp_path, "r1"), weebly)
        assert found is not None and found.family == "weebly"
        assert found.listings == (samples.url("weebly", "/news"),)
        assert samples.url("weebly", "/1/feed") in found.feeds

        wordpress = _source("wordpress-home", samples.url("wordpress", "/"))
        found = discover_site(_crawl(wordpress, tmp_path, "r1"), wordpress)
        assert found is not None and found.family == "wordpress"
        assert samples.url("wordpress", "/feed/") in found.feeds


def test_unreachable_site_discovers_nothing(tmp_path: Path) -> None:
    source = _source("nobody-home", "http://127.0.0.1:9/")
    assert discover_site(_crawl(source, tmp_path, "r1"), source) is None
    assert read_discovery(tmp_path / "none.duckdb", "nobody-home") is None
