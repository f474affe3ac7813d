"""The sample sites and their server: routing, headers, 304s, golden posts, sources file.

Uses the session-wide ``samples`` fixture of ``tests/conftest.py``.
"""

from __future__ import annotations

import http.client
import re
import socket
from html import unescape
from urllib.parse import urlsplit

import pytest

from mpnews.config import parse_sources
from mpnews.samples import SampleServer, expected_posts
from mpnews.samples._seeds import news_seed_article, weebly_seed_posts, wordpress_seed_post
from mpnews.samples.build import stale_files

_TAG = re.compile(r"<[^>]+>")
_HTML = "text/html; charset=utf-8"
_RSS = "application/rss+xml; charset=utf-8"
_XML = "application/xml; charset=utf-8"
PAGES = [
    ("weebly", "/", _HTML),
    ("weebly", "/news", _HTML),
    ("weebly", "/news/", _HTML),
    ("weebly", "/news/previous/2", _HTML),
    ("weebly", "/news/previous/3", _HTML),
    ("weebly", "/news/category/cost-of-living-crisis", _HTML),
    ("weebly", "/news/category/cost-of-living-crisis1", _HTML),
    ("weebly", "/news/archives/02-2020", _HTML),
    ("weebly", "/about-me.html", _HTML),
    ("weebly", "/1/feed", _RSS),
    ("weebly", "/robots.txt", "text/plain; charset=utf-8"),
    ("wordpress", "/", _HTML),
    ("wordpress", "/page/2/", _HTML),
    ("wordpress", "/category/hustings/", _HTML),
    ("wordpress", "/2017/06/", _HTML),
    ("wordpress", "/about/", _HTML),
    ("wordpress", "/feed/", _RSS),
    ("wordpress", "/sitemap.xml", _XML),
    ("news", "/news/uk/politics", _HTML),
    ("news", "/news/uk/politics?page=2", _HTML),
    ("news", "/topic/labour-party", _HTML),
    ("news", "/news/uk/politics/rss", _RSS),
    ("news", "/sitemap.xml", _XML),
    ("news", "/sitemaps/news.xml", _XML),
    ("news", "/sitemaps/2020-01.xml", _XML),
]
SITES = ("weebly", "wordpress", "news")
SITEMAP_ONLY = "/news/uk/politics/local-elections-may-councils-prepare-a9281617.html"
SEED_ARTICLE = (
    "/news/uk/politics/"
    "rosena-allin-khan-labour-deputy-leader-sexual-harassment-nhs-doctor-a9303421.html"
)


def fetch(
    samples: SampleServer, site: str, path: str, method: str = "GET", **headers: str
) -> tuple[int, dict[str, str], bytes]:
    netloc = urlsplit(samples.base_urls[site]).netloc
    conn = http.client.HTTPConnection(netloc, timeout=10)
    try:
        conn.request(method, path, headers=headers)
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def text_of(body: bytes) -> str:
    """Visible text with tags removed and whitespace (including NBSP) collapsed."""
    return " ".join(unescape(_TAG.sub(" ", body.decode("utf-8"))).split())


def squash(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize(("site", "path", "content_type"), PAGES)
def test_pages_are_served_with_type_and_validators(
    samples: SampleServer, site: str, path: str, content_type: str
) -> None:
    status, headers, body = fetch(samples, site, path)
    assert status == 200
    assert headers["Content-Type"] == content_type
    assert headers["ETag"].startswith('"') and headers["Last-Modified"].endswith("GMT")
    assert int(headers["Content-Length"]) == len(body)
    assert b"sample.invalid" not in body


def test_absolute_links_point_at_the_running_site(samples: SampleServer) -> None:
    _, _, feed = fetch(samples, "weebly", "/1/feed")
    assert f"<link><![CDATA[{samples.base_urls['weebly']}/news/".encode() in feed
    _, _, robots = fetch(samples, "news", "/robots.txt")
    assert f"Sitemap: {samples.base_urls['news']}/sitemap.xml" in robots.decode()


@pytest.mark.parametrize("site", SITES)
def test_missing_pages_are_404_with_the_site_page(samples: SampleServer, site: str) -> None:
    for path in ("/no-such-page", "/404.html", "/robots.txt/x"):
        status, headers, body = fetch(samples, site, path)
        assert status == 404, path
        assert headers["Content-Type"] == _HTML
        assert b"<html" in body


def test_directories_are_never_listed(samples: SampleServer) -> None:
    assert fetch(samples, "weebly", "/news/category")[0] == 404
    assert fetch(samples, "news", "/sitemaps/")[0] == 404


@pytest.mark.parametrize("site", SITES)
def test_robots_disallow_admin_which_exists(samples: SampleServer, site: str) -> None:
    _, _, robots = fetch(samples, site, "/robots.txt")
    assert "Disallow: /admin/" in robots.decode()
    assert fetch(samples, site, "/admin/")[0] == 200


def test_conditional_get_answers_304(samples: SampleServer) -> None:
    status, headers, _ = fetch(samples, "weebly", "/news")
    assert status == 200
    etag, modified = headers["ETag"], headers["Last-Modified"]
    status, headers, body = fetch(samples, "weebly", "/news", **{"If-None-Match": etag})
    assert (status, body, headers["ETag"]) == (304, b"", etag)
    assert fetch(samples, "weebly", "/news", **{"If-Modified-Since": modified})[0] == 304
    assert fetch(samples, "weebly", "/news", **{"If-None-Match": '"other"'})[0] == 200
    old = "Mon, 01 Jan 2001 00:00:00 GMT"
    assert fetch(samples, "weebly", "/news", **{"If-Modified-Since": old})[0] == 200


def test_head_sends_headers_without_body(samples: SampleServer) -> None:
    _, got, full = fetch(samples, "wordpress", "/feed/")
    status, headers, body = fetch(samples, "wordpress", "/feed/", method="HEAD")
    assert (status, body) == (200, b"")
    assert headers["Content-Length"] == str(len(full)) and headers["ETag"] == got["ETag"]


@pytest.mark.parametrize("path", ["/../server.py", "/%2e%2e/%2e%2e/server.py", "/news/..%2f..%2fx"])
def test_path_traversal_is_refused(samples: SampleServer, path: str) -> None:
    host, port = urlsplit(samples.base_urls["weebly"]).netloc.split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
        reply = b""
        while chunk := sock.recv(65536):
            reply += chunk
    assert reply.startswith(b"HTTP/1.1 403"), reply[:60]


def test_unknown_query_is_ignored_but_page_query_selects_a_file(samples: SampleServer) -> None:
    front = fetch(samples, "news", "/news/uk/politics")[2]
    assert fetch(samples, "news", "/news/uk/politics?utm_source=x")[2] == front
    assert fetch(samples, "news", "/news/uk/politics?page=2")[2] != front


def test_hits_record_paths_and_statuses(samples: SampleServer) -> None:
    samples.reset_hits()
    fetch(samples, "wordpress", "/")
    fetch(samples, "wordpress", "/missing")
    assert samples.hits["wordpress"] == {"/": [200], "/missing": [404]}
    assert [h.method for h in samples.requests] == ["GET", "GET"]


def test_down_url_refuses_connections(samples: SampleServer) -> None:
    netloc = urlsplit(samples.down_url).netloc
    host, port = netloc.split(":")
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection((host, int(port)), timeout=5).close()


def test_sources_toml_is_a_valid_sources_file(samples: SampleServer) -> None:
    sources = {s.name: s for s in parse_sources(samples.sources_toml())}
    assert set(sources) == {
        "rosena-allin-khan",
        "hustings-blog",
        "independent-politics",
        "down-mp-site",
    }
    assert sources["rosena-allin-khan"].mp == "Rosena Allin-Khan"
    assert sources["rosena-allin-khan"].feeds == (samples.base_urls["weebly"] + "/1/feed",)
    assert sources["independent-politics"].sitemaps == (samples.base_urls["news"] + "/sitemap.xml",)
    assert sources["down-mp-site"].start_urls == (samples.down_url + "/news",)
    assert {p["source"] for p in expected_posts()} <= set(sources)


def test_every_expected_post_is_served_with_its_title(samples: SampleServer) -> None:
    site_of = {"rosena-allin-khan": "weebly", "hustings-blog": "wordpress"}
    for post in expected_posts():
        status, _, body = fetch(samples, site_of.get(post["source"], "news"), post["path"])
        assert status == 200, post["path"]
        text = text_of(body)
        assert squash(post["title"]) in text
        assert post["body_starts"] in text and post["body_ends"] in text


def test_expected_posts_shape() -> None:
    posts = expected_posts()
    assert len(posts) == 17
    assert len({(p["source"], p["path"]) for p in posts}) == 17
    for post in posts:
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", post["published_date"])
        assert post["categories"] == sorted(post["categories"])
    by_path = {p["path"]: p for p in posts}
    assert (
        by_path["/news/thank-you-to-the-a-e-team-at-st-georges-over-new-year"]["published_date"]
        == "2020-01-03"
    )
    assert by_path["/2017/06/02/heidi-alexander-virtual-hustings/"]["mp"] == "Heidi Alexander"
    cats = {c for p in posts for c in p["categories"]}
    assert {"Cost Of Living Crisis", "Cost-of-Living Crisis"} <= cats


def test_weebly_listings_hold_whole_posts_identical_to_permalinks(samples: SampleServer) -> None:
    listing = b"".join(
        fetch(samples, "weebly", p)[2] for p in ("/news", "/news/previous/2", "/news/previous/3")
    )
    blocks = re.findall(
        rb'<div id="blog-post-\d+" class="blog-post">.*?<div class="blog-post-'
        rb'separator">',
        listing,
        re.S,
    )
    assert len(blocks) == 10
    for block in blocks:
        href = re.search(rb'class="blog-title-link blog-link" href="([^"]+)"', block)
        assert href is not None
        permalink = fetch(samples, "weebly", urlsplit(href.group(1).decode()).path)[2]
        assert block in permalink
        assert b"Leave a Reply." in permalink and b"Leave a Reply." not in block


def test_seed_texts_are_copied_verbatim(samples: SampleServer) -> None:
    page = fetch(samples, "weebly", "/news/archives/02-2020")[2].decode()
    for seed in weebly_seed_posts():
        assert f'<span class="date-text">{seed.date_text}</span>' in page
        for line in seed.lines:  # glued heading+text lines survive as <strong>X</strong>Y
            assert unescape(line.removeprefix("- ")) in unescape(_TAG.sub("", page))
    title, blocks = wordpress_seed_post()
    page = text_of(fetch(samples, "wordpress", "/2017/06/02/heidi-alexander-virtual-hustings/")[2])
    assert squash(title) in page
    for block in blocks:  # the numbered first question is an <ol> item: its "1." is the list's
        assert squash(block.removeprefix("  1. ")) in page
    article = news_seed_article()
    page = fetch(samples, "news", SEED_ARTICLE)[2].decode()
    visible = unescape(_TAG.sub("", page))
    for part in (
        article.headline,
        article.standfirst,
        article.date_text,
        *article.paragraphs,
        *article.footer_lines,
        "Lizzy Buchan",
        f"{article.caption} {article.credit}",
    ):
        assert part in visible


def test_wordpress_date_is_only_in_metadata(samples: SampleServer) -> None:
    body = fetch(samples, "wordpress", "/2017/06/02/heidi-alexander-virtual-hustings/")[2]
    assert b'<meta property="article:published_time" content="2017-06-02T' in body
    visible = text_of(re.sub(rb"<head>.*?</head>", b"", body, flags=re.S))
    assert not re.search(r"\b2 June\b|June 2\b|02/06/2017|2017-06-02", visible)


def test_one_article_is_reachable_only_through_the_sitemap(samples: SampleServer) -> None:
    for path in (
        "/news/uk/politics",
        "/news/uk/politics?page=2",
        "/news/uk/politics/rss",
        "/sitemaps/news.xml",
        "/topic/labour-party",
        "/",
    ):
        assert SITEMAP_ONLY.encode() not in fetch(samples, "news", path)[2], path
    assert SITEMAP_ONLY.encode() in fetch(samples, "news", "/sitemaps/2020-01.xml")[2]


def test_committed_sites_match_the_build_script() -> None:
    assert stale_files() == []
