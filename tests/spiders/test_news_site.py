from __future__ import annotations

import gzip
from pathlib import Path

from scrapy.http import Response

from mpnews.config import Source
from spiders.families.news import is_article_url, news_link_role
from spiders.news_site import NewsSiteSpider
from spiders.xmlfeeds import parse_sitemap

INDY = "https://www.independent.co.uk"
ARTICLE = f"{INDY}/news/uk/politics/rosena-allin-khan-labour-deputy-harassment-a9302106.html"


PAGES = Path(__file__).parent / "fixtures" / "pages"


def page(name: str) -> bytes:
    return (PAGES / name).read_bytes()


def _spider(**kwargs: object) -> NewsSiteSpider:
    source = Source(
        name="indy", kind="news_site", start_urls=(f"{INDY}/news/uk/politics",), **kwargs
    )
    return NewsSiteSpider(source=source)


def _roles(requests: object) -> list[tuple[str, str]]:
    return [(r.meta["mpnews_role"], r.url) for r in requests]  # type: ignore[attr-defined]


def test_section_front_yields_articles_as_posts_and_tags_as_listings(respond):
    requests = list(
        _spider().parse_listing(respond(f"{INDY}/news/uk/politics", "news_section.html"))
    )
    assert _roles(requests) == [
        ("feed", f"{INDY}/news/uk/politics/rss"),
        ("listing", f"{INDY}/topic/labour-party"),
        ("listing", f"{INDY}/topic/brexit"),
        ("post", ARTICLE),
        ("listing", f"{INDY}/author/lizzy-buchan"),
        ("post", f"{INDY}/news/uk/politics/labour-leadership-race-hustings-latest-a9301234.html"),
        ("post", f"{INDY}/news/uk/politics/2020/01/26/keir-starmer-rebecca-long-bailey-debate"),
        ("listing", f"{INDY}/news/uk/politics?page=2"),
    ]


def test_listing_one_level_down_follows_articles_only(respond):
    response = respond(f"{INDY}/topic/labour-party", "news_section.html", mpnews_depth=1)
    roles = {role for role, _ in _roles(_spider().parse_listing(response))}
    assert roles == {"post"}


def test_sitemap_index_yields_onsite_sitemaps(respond):
    requests = list(_spider().parse_sitemap(respond(f"{INDY}/sitemap.xml", "sitemap_index.xml")))
    assert _roles(requests) == [
        ("sitemap", f"{INDY}/sitemaps/news.xml"),
        ("sitemap", f"{INDY}/sitemaps/2020-01.xml.gz"),
    ]


def test_google_news_sitemap_yields_articles_not_listings(respond):
    requests = list(
        _spider().parse_sitemap(respond(f"{INDY}/sitemaps/news.xml", "news_sitemap.xml"))
    )
    assert _roles(requests) == [
        ("post", ARTICLE),
        ("post", f"{INDY}/news/uk/politics/labour-deputy-leadership-ballot-result-a9305555.html"),
    ]


def test_gzip_sitemap_is_read():
    body = gzip.compress(page("news_sitemap.xml"))
    response = Response(url=f"{INDY}/sitemaps/2020-01.xml.gz", body=body)
    assert len(list(_spider().parse_sitemap(response))) == 2


def test_billion_laughs_sitemap_does_not_expand():
    bomb = page("feed_bomb.rss").split(b"<rss")[0] + (
        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<url><loc>" + INDY.encode() + b"/news/&lol9;</loc></url>"
        b"<url><loc>" + ARTICLE.encode() + b"</loc></url></urlset>"
    )
    response = Response(url=f"{INDY}/sitemap.xml", body=bomb)
    assert _roles(_spider().parse_sitemap(response)) == [("post", ARTICLE)]


def test_article_url_shapes():
    assert is_article_url(ARTICLE)
    assert is_article_url("https://www.theguardian.com/politics/2020/jan/27/labour-deputy-race")
    assert is_article_url("https://www.bbc.co.uk/news/uk-politics-51234567")
    assert not is_article_url(f"{INDY}/topic/labour-party")
    assert not is_article_url(f"{INDY}/news/uk/politics")
    assert news_link_role(f"{INDY}/news/uk/politics/rss") == "feed"
    assert news_link_role(f"{INDY}/news/uk/politics?page=2") == "listing"
    assert news_link_role(f"{INDY}/news/uk") is None


def test_parse_sitemap_kinds():
    assert parse_sitemap(page("sitemap_index.xml")).kind == "index"
    news = parse_sitemap(page("news_sitemap.xml"))
    assert (news.kind, news.is_news, len(news.urls)) == ("urlset", True, 4)
