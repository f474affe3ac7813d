"""Feeds via defusedxml, sitemaps via Scrapy's sitemap utilities, robots.txt via Protego."""

from __future__ import annotations

import gzip

from spiders.xmlfeeds import feed_links, parse_sitemap, robots_sitemaps

RSS = b"""<?xml version="1.0"?>
<rss version="2.0"><channel><title>t</title>
<item><title>a</title><link>https://mp.example/news/a</link></item>
<item><title>b</title><link>https://mp.example/news/b</link></item>
</channel></rss>"""


def test_a_well_formed_feed_lists_its_items_in_order() -> None:
    assert feed_links(RSS) == ["https://mp.example/news/a", "https://mp.example/news/b"]


def test_a_declared_entity_is_never_expanded_into_a_link() -> None:
    body = RSS.replace(
        b'<?xml version="1.0"?>',
        b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY evil "https://evil.example/x">]>',
    ).replace(b"https://mp.example/news/b", b"&evil;")
    assert feed_links(body) == ["https://mp.example/news/a"]


def test_an_external_entity_is_never_fetched_or_read() -> None:
    body = RSS.replace(
        b'<?xml version="1.0"?>',
        b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY f SYSTEM "file:///etc/hostname">]>',
    ).replace(b"https://mp.example/news/b", b"https://mp.example/&f;")
    assert feed_links(body) == ["https://mp.example/news/a"]


def test_gzipped_sitemap_index_and_news_urlset() -> None:
    index = (
        b'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<sitemap><loc>https://news.example/s1.xml</loc></sitemap></sitemapindex>"
    )
    parsed = parse_sitemap(gzip.compress(index))
    assert (parsed.kind, parsed.urls, parsed.is_news) == (
        "index",
        ("https://news.example/s1.xml",),
        False,
    )
    news = (
        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        b'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
        b"<url><loc>https://news.example/a</loc><news:news><news:title>A</news:title>"
        b"</news:news></url><url><loc>https://news.example/a</loc></url></urlset>"
    )
    assert parse_sitemap(news).urls == ("https://news.example/a",)
    assert parse_sitemap(news).is_news


def test_plain_text_sitemap_and_garbage() -> None:
    assert parse_sitemap(b"https://a.example/1\nnot a url\nhttps://a.example/2\n").urls == (
        "https://a.example/1",
        "https://a.example/2",
    )
    assert parse_sitemap(b"<urlset><url><loc>").urls == ()


def test_robots_sitemaps_absolute_only_in_order() -> None:
    body = b"Sitemap: https://a.example/s.xml\nsitemap:/rel.xml\nSITEMAP: https://a.example/n.xml\n"
    assert robots_sitemaps(body) == ["https://a.example/s.xml", "https://a.example/n.xml"]
