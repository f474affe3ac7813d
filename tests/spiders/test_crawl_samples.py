"""Both spiders against the bundled sample sites (``mpnews.samples.server``)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from importlib import resources
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from mpnews.config import Source, parse_sources
from mpnews.samples.server import SampleServer, serve_samples

_FAST = [
    "DOWNLOAD_DELAY=0",
    "AUTOTHROTTLE_ENABLED=False",
    "CONCURRENT_REQUESTS_PER_DOMAIN=8",
    "RETRY_BACKOFF_BASE=0",
]


@pytest.fixture(scope="module")
def samples() -> Iterator[SampleServer]:
    with serve_samples() as server:
        yield server


@pytest.fixture(scope="module")
def crawls(samples: SampleServer, tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple]:
    """source name -> (source, stats, [(path, role, status)]) for every sample source."""
    tmp = tmp_path_factory.mktemp("samples")
    sources = parse_sources(samples.sources_toml())
    with ThreadPoolExecutor(max_workers=len(sources)) as pool:
        results = pool.map(lambda s: _crawl(s, tmp), sources)
    return {r[0].name: r for r in results}


def _crawl(source: Source, tmp: Path) -> tuple[Source, dict, list[tuple[str, str, int]]]:
    stats_out = tmp / f"{source.name}.json"
    cmd = [
        sys.executable,
        "-m",
        "spiders.run",
        "--source-json",
        source.to_json(),
        "--run-id",
        "r1",
        "--archive-dir",
        str(tmp),
        "--stats-out",
        str(stats_out),
        *[a for s in _FAST for a in ("-s", s)],
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    origin = "/".join(source.start_urls[0].split("/", 3)[:3])
    warc = tmp / source.name / "r1.warc.gz"
    records = []
    if warc.exists():
        with warc.open("rb") as stream:
            for rec in ArchiveIterator(stream):
                url = rec.rec_headers.get_header("WARC-Target-URI").removeprefix(origin)
                role = rec.rec_headers.get_header("MPNews-Role")
                records.append((url, role, int(rec.http_headers.get_statuscode())))
    return source, json.loads(stats_out.read_text()), records


def _expected() -> dict[str, set[str]]:
    text = resources.files("mpnews.samples").joinpath("expected_posts.json").read_text("utf-8")
    table: dict[str, set[str]] = {}
    for post in json.loads(text):
        table.setdefault(post["source"], set()).add(post["path"])
    return table


def test_every_sample_post_fetched_as_post_and_nothing_else(crawls):
    for name, paths in _expected().items():
        _, _, records = crawls[name]
        posts = {url for url, role, status in records if role == "post" and status == 200}
        assert posts == paths, name


def test_each_sample_page_archived_once(crawls):
    for _, _, records in crawls.values():
        counts = Counter(url for url, _, _ in records)
        assert [u for u, n in counts.items() if n > 1] == []


def test_listings_feeds_and_sitemaps_have_their_roles(crawls):
    roles = {name: {(url, role) for url, role, _ in recs} for name, (_, _, recs) in crawls.items()}
    assert {
        ("/news", "listing"),
        ("/news/previous/2", "listing"),
        ("/1/feed", "feed"),
        ("/news/archives/02-2020", "listing"),
        ("/robots.txt", "robots"),
    } <= roles["rosena-allin-khan"]
    assert {
        ("/page/2/", "listing"),
        ("/category/hustings/", "listing"),
        ("/2017/06/", "listing"),
        ("/feed/", "feed"),
        ("/sitemap.xml", "sitemap"),
    } <= roles["hustings-blog"]
    assert {
        ("/news/uk/politics", "listing"),
        ("/news/uk/politics/rss", "feed"),
        ("/sitemaps/news.xml", "sitemap"),
        ("/sitemaps/2020-01.xml", "sitemap"),
    } <= roles["independent-politics"]


def test_robots_disallowed_paths_never_requested(samples, crawls):
    for site, paths in samples.hits.items():
        assert not [p for p in paths if p.startswith(("/admin", "/search"))], site


def test_dead_sample_site_reports_error(crawls):
    _, stats, records = crawls["down-mp-site"]
    assert records == []
    assert {e["reason"] for e in stats["errors"]} == {"connection refused"}
