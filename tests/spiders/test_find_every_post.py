"""Every post of big sites is found: excerpt listings, deep pagination, sitemap indexes; a
crawl budget that cuts a crawl short says so in the stats."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from mirror_sites import news_sitemaps, serve, weebly_excerpts, wordpress_deep
from warcio.archiveiterator import ArchiveIterator

from mpnews.config import Source
from pipeline.ingest import RunExtract, extract_run
from spiders.mp_site import MpSiteSpider

_FAST = [
    "DOWNLOAD_DELAY=0",
    "AUTOTHROTTLE_ENABLED=False",
    "CONCURRENT_REQUESTS=16",
    "CONCURRENT_REQUESTS_PER_DOMAIN=16",
    "RETRY_BACKOFF_BASE=0",
    "LOG_LEVEL=WARNING",
]


def _crawl(source: Source, tmp: Path, *extra: str) -> tuple[dict, list[tuple[str, str, int]]]:
    """Run ``spiders.run`` on ``source``; the stats and ``(path, role, status)`` archived."""
    stats_out = tmp / "stats.json"
    cmd = [
        sys.executable, "-m", "spiders.run", "--source-json", source.to_json(),
        "--run-id", "r1", "--archive-dir", str(tmp), "--stats-out", str(stats_out),
        *[a for s in _FAST for a in ("-s", s)], *extra,
    ]  # fmt: skip
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    origin = "/".join(source.start_urls[0].split("/", 3)[:3])
    records = []
    with (tmp / source.name / "r1.warc.gz").open("rb") as stream:
        for rec in ArchiveIterator(stream):
            url = rec.rec_headers.get_header("WARC-Target-URI").removeprefix(origin)
            role = rec.rec_headers.get_header("MPNews-Role")
            records.append((url, role, int(rec.http_headers.get_statuscode())))
    return json.loads(stats_out.read_text()), records


def _posts(records: list[tuple[str, str, int]]) -> set[str]:
    return {url for url, role, status in records if role == "post" and status == 200}


def test_weebly_excerpt_listings_lead_to_every_post(tmp_path: Path) -> None:
    """A static copy of a Weebly blog whose listings show excerpts with "Read More" links,
    paginated as /news/previous/N.html, with no Weebly scripts or wsite- classes left, and
    a feed of the ten newest posts: every post on listing pages 2-7 is fetched too."""
    files, posts = weebly_excerpts(posts=70, per_page=10)
    with serve(files) as origin:
        source = Source(
            name="excerpts", kind="mp_site", mp="An MP",
            start_urls=(f"{origin}/news",), feeds=(f"{origin}/1/feed",),
        )  # fmt: skip
        stats, records = _crawl(source, tmp_path)
    assert _posts(records) == posts
    listings = {url for url, role, _ in records if role == "listing"}
    assert {f"/news/previous/{n}.html" for n in range(2, 8)} <= listings
    assert "/news/category/housing.html" in listings
    assert stats["max_pages_reached"] is False
    assert stats["pages_over_budget"] == 0
    run = _assert_no_page_lost(source, tmp_path)
    assert {urlsplit(p.url).path for p in run.posts} == posts  # excerpts are not posts


def _assert_no_page_lost(source: Source, tmp: Path) -> RunExtract:
    """Every fetched page is a post, a rejection with its reason, or a page of links."""
    run = extract_run([tmp / source.name / "r1.warc.gz"], source=source, workers=1)
    read = {p.page_url for p in run.posts} | {p.url for p in run.posts}
    rejected = {r.url for r in run.rejections}
    for page in run.pages:
        if page.role == "post" or page.status not in (200, 304):
            assert page.final_url in read | rejected or page.role == "robots", page
    return run


def test_wordpress_deep_pagination_categories_and_months(tmp_path: Path) -> None:
    files, posts = wordpress_deep(pages=120, per_page=5)
    with serve(files) as origin:
        source = Source(name="deep", kind="mp_site", mp="An MP", start_urls=(f"{origin}/",))
        stats, records = _crawl(source, tmp_path)
    assert _posts(records) == posts
    listings = {url for url, role, _ in records if role == "listing"}
    assert {f"/page/{n}/" for n in range(2, 121)} <= listings
    assert {"/category/local/", "/2013/04/"} <= listings
    assert stats["max_pages_reached"] is False


def test_sitemap_index_with_thousands_of_articles_and_a_budget(tmp_path: Path) -> None:
    """3,000 articles behind a sitemap index; a budget of 200 requests fetches what it can
    and counts every distinct article it left unfetched."""
    files, posts = news_sitemaps(months=5, per_month=600)
    with serve(files) as origin:
        source = Source(
            name="paper", kind="news_site",
            start_urls=(f"{origin}/news/uk/politics",), sitemaps=(f"{origin}/sitemap.xml",),
        )  # fmt: skip
        stats, records = _crawl(source, tmp_path, "--max-pages", "200")
    fetched = _posts(records)
    assert fetched <= posts
    assert len(fetched) == 200 - 7  # the start page, the index and its five sitemaps
    assert stats["max_pages_reached"] is True
    assert stats["max_pages"] == 200
    assert stats["pages_over_budget"] == len(posts) - len(fetched)


@pytest.mark.parametrize("kind", ["mp_site", "news_site"])
def test_sitemap_index_entries_all_followed_without_budget(kind: str) -> None:
    """Parsing alone (no fetch): every one of 3,000 sitemap entries becomes a request."""
    from scrapy.http import Request, XmlResponse

    from spiders.run import SPIDERS

    files, posts = news_sitemaps(months=5, per_month=600)
    origin = "http://127.0.0.1:9"
    source = Source(
        name="paper", kind=kind, mp="An MP" if kind == "mp_site" else None,
        start_urls=(f"{origin}/news/uk/politics",), family="auto",
    )  # fmt: skip
    spider = SPIDERS[kind](source=source)
    found: set[str] = set()
    for m in range(1, 6):
        url = f"{origin}/sitemaps/2020-{m:02d}.xml"
        body = files[f"/sitemaps/2020-{m:02d}.xml"][1].replace(
            b"http://mirror.invalid", origin.encode()
        )
        response = XmlResponse(url=url, body=body, request=Request(url))
        found |= {r.url.removeprefix(origin) for r in spider.parse_sitemap(response)}
    assert found == posts


def test_weebly_listing_with_a_wordpress_image_still_reads_as_weebly() -> None:
    """An excerpt that hot-links an image from a WordPress site puts "/wp-content/" on a
    Weebly listing, and WordPress is detected first: the page's own listing markup decides."""
    from scrapy.http import HtmlResponse, Request

    files, posts = weebly_excerpts(posts=20, per_page=10)
    body = files["/news/previous/2.html"][1].replace(
        b"<div class='blog-content'>",
        b"<div class='blog-content'><img src='https://blog.example/wp-content/uploads/a.jpg'>",
        1,
    )
    origin = "http://127.0.0.1:9"
    url = f"{origin}/news/previous/2.html"
    source = Source(name="w", kind="mp_site", mp="An MP", start_urls=(f"{origin}/news",))
    spider = MpSiteSpider(source=source)
    response = HtmlResponse(url=url, body=body, request=Request(url))
    followed = {r.url.removeprefix(origin) for r in spider.parse_listing(response)
                if r.meta["mpnews_role"] == "post"}  # fmt: skip
    assert followed == {p for p in posts if p.startswith("/news/update-number-")} - {
        f"/news/update-number-{n}-from-the-constituency.html" for n in range(11, 21)
    }
