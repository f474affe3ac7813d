from __future__ import annotations

from pathlib import Path

from mpnews.config import Source
from spiders.families import GENERIC, detect_family
from spiders.families.weebly import WEEBLY
from spiders.families.wordpress import WORDPRESS
from spiders.mp_site import MpSiteSpider

ROSENA = "https://www.drrosena.co.uk"
HUSTINGS = "https://lewishamhustings.wordpress.com"


PAGES = Path(__file__).parent / "fixtures" / "pages"


def page(name: str) -> bytes:
    return (PAGES / name).read_bytes()


def _spider(start: str, **kwargs: object) -> MpSiteSpider:
    source = Source(name="t", kind="mp_site", mp="An MP", start_urls=(start,), **kwargs)
    return MpSiteSpider(source=source)


def _roles(requests: object) -> list[tuple[str, str]]:
    return [(r.meta["mpnews_role"], r.url) for r in requests]  # type: ignore[attr-defined]


def test_weebly_listing_follows_posts_pagination_categories_archives_and_feed(respond):
    spider = _spider(f"{ROSENA}/news")
    requests = list(spider.parse_listing(respond(f"{ROSENA}/news", "weebly_listing.html")))
    assert _roles(requests) == [
        ("feed", f"{ROSENA}/1/feed"),
        ("post", f"{ROSENA}/news/liz-mcinnes-why-im-backing-rosena-allin-khan-for-deputy-leader"),
        ("post", f"{ROSENA}/news/rosena-launches-deputy-leadership-campaign"),
        ("listing", f"{ROSENA}/news/previous/2"),
        ("listing", f"{ROSENA}/news/category/all"),
        ("listing", f"{ROSENA}/news/category/deputy-leadership"),
        ("listing", f"{ROSENA}/news/archives/02-2020"),
        ("listing", f"{ROSENA}/news/archives/01-2020"),
    ]
    callbacks = {r.meta["mpnews_role"]: r.callback.__name__ for r in requests}
    assert callbacks == {"feed": "parse_feed", "post": "parse_nothing", "listing": "parse_listing"}


def test_offsite_mailto_tel_javascript_never_requested(respond):
    spider = _spider(f"{ROSENA}/news")
    urls = [r.url for r in spider.parse_listing(respond(f"{ROSENA}/news", "weebly_listing.html"))]
    assert all(u.startswith(f"{ROSENA}/") for u in urls)
    assert not any(s in u for u in urls for s in ("mailto:", "tel:", "javascript:", "utm_", "#"))


def test_each_url_requested_once(respond):
    spider = _spider(f"{ROSENA}/news")
    first = list(spider.parse_listing(respond(f"{ROSENA}/news", "weebly_listing.html")))
    again = list(
        spider.parse_listing(respond(f"{ROSENA}/news/category/all", "weebly_listing.html"))
    )
    assert len(first) == 8
    assert again == []


def test_max_pages_caps_requests(respond):
    spider = _spider(f"{ROSENA}/news", max_pages=3)
    requests = list(spider.parse_listing(respond(f"{ROSENA}/news", "weebly_listing.html")))
    assert len(requests) == 3


def test_wordpress_listing(respond):
    spider = _spider(f"{HUSTINGS}/")
    requests = list(spider.parse_listing(respond(f"{HUSTINGS}/", "wordpress_listing.html")))
    assert _roles(requests) == [
        ("feed", f"{HUSTINGS}/feed/"),
        ("post", f"{HUSTINGS}/2017/06/05/heidi-alexander-virtual-hustings/"),
        ("post", f"{HUSTINGS}/2017/06/02/janet-daby-virtual-hustings/"),
        ("listing", f"{HUSTINGS}/page/2/"),
        ("listing", f"{HUSTINGS}/category/hustings/"),
        ("listing", f"{HUSTINGS}/2017/06/"),
        ("listing", f"{HUSTINGS}/2017/05/"),
    ]


def test_family_detection():
    assert detect_family(page("weebly_listing.html")) is WEEBLY
    assert detect_family(page("wordpress_listing.html")) is WORDPRESS
    assert detect_family(page("news_section.html")) is GENERIC


def test_configured_family_wins_over_detection(respond):
    spider = _spider(f"{ROSENA}/news", family="wordpress")
    requests = list(spider.parse_listing(respond(f"{ROSENA}/news", "weebly_listing.html")))
    assert ("post", f"{ROSENA}/news/rosena-launches-deputy-leadership-campaign") not in _roles(
        requests
    )


def test_feed_items_are_posts_and_offsite_items_dropped(respond):
    spider = _spider(f"{ROSENA}/news")
    requests = list(spider.parse_feed(respond(f"{ROSENA}/1/feed", "feed.rss")))
    assert _roles(requests) == [
        ("post", f"{ROSENA}/news/liz-mcinnes-why-im-backing-rosena-allin-khan-for-deputy-leader"),
        ("post", f"{ROSENA}/news/rosena-launches-deputy-leadership-campaign"),
    ]


def test_billion_laughs_feed_does_not_expand(respond):
    spider = _spider(f"{ROSENA}/news")
    requests = list(spider.parse_feed(respond(f"{ROSENA}/1/feed", "feed_bomb.rss")))
    assert _roles(requests) == [("post", f"{ROSENA}/news/a-safe-post")]


def test_seed_requests_cover_start_urls_feeds_and_sitemaps():
    spider = _spider(
        f"{ROSENA}/news", feeds=(f"{ROSENA}/1/feed",), sitemaps=(f"{ROSENA}/sitemap.xml",)
    )
    assert _roles(spider.seed_requests()) == [
        ("listing", f"{ROSENA}/news"),
        ("feed", f"{ROSENA}/1/feed"),
        ("sitemap", f"{ROSENA}/sitemap.xml"),
    ]
