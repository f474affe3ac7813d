"""One canonicaliser: the crawler's "already seen" and ``post_id`` agree on every spelling."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mpnews.config import Source
from pipeline.post_identity import post_id
from pipeline.urls import strip_tracking, url_key
from spiders.mp_site import MpSiteSpider
from spiders.urls import absolute_http_url

SITE = "https://www.example.org"

# (spelling as found in a page, spelling of another link) -> one page or not
PAIRS = [
    (f"{SITE}/news/a-post", f"{SITE}/news/a-post?utm_source=tw&utm_medium=social", True),
    (f"{SITE}/news/a-post", f"{SITE}/news/a-post?ito=newsletter", True),
    (f"{SITE}/news/a-post", f"{SITE}/news/a-post?cmpid=share", True),
    (f"{SITE}/news/a-post", f"{SITE}/news/a-post?_ga=2.1", True),
    (f"{SITE}/news/a-post", f"{SITE}/news/a-post#comments", True),
    (f"{SITE}/news/a-post", f"{SITE}/news/a-post/", True),
    (f"{SITE}/news/a-post", "http://example.org/news/a-post", True),
    (f"{SITE}/news/a-post", f"{SITE}/news/a-post/amp", True),
    (f"{SITE}/news/a-post", f"{SITE}/news/a-post?outputType=amp", True),
    (f"{SITE}/news?b=1&a=2", f"{SITE}/news?a=2&b=1", True),
    (f"{SITE}/news/a-post", f"{SITE}/news/another-post", False),
    (f"{SITE}/news?page=2", f"{SITE}/news?page=3", False),
    (f"{SITE}/news?p=12", f"{SITE}/news?p=12&source=rss", False),
]


def _spider() -> MpSiteSpider:
    source = Source(name="t", kind="mp_site", mp="An MP", start_urls=(f"{SITE}/",))
    return MpSiteSpider(source=source)


def _crawler_requests_both(a: str, b: str) -> bool:
    spider = _spider()
    first = spider.follow_url(absolute_http_url(a, SITE) or "", "post")
    second = spider.follow_url(absolute_http_url(b, SITE) or "", "post")
    assert first is not None
    return second is not None


@pytest.mark.parametrize(("a", "b", "same"), PAIRS)
def test_crawler_and_post_id_agree(a: str, b: str, same: bool) -> None:
    assert (post_id(a) == post_id(b)) is same
    assert _crawler_requests_both(a, b) is not same


@given(
    path=st.from_regex(r"/[a-z0-9\-/]{0,20}", fullmatch=True),
    tracking=st.lists(
        st.sampled_from(["utm_source=x", "fbclid=1", "gclid=2", "mc_eid=3", "ito=4", "yclid=5"]),
        max_size=3,
    ),
)
def test_a_tracked_spelling_is_the_same_page_to_both(path: str, tracking: list[str]) -> None:
    plain = f"{SITE}{path}"
    tracked = f"{plain}?{'&'.join(tracking)}#top" if tracking else f"{plain}#top"
    crawled = absolute_http_url(tracked, SITE)
    assert crawled is not None
    assert url_key(crawled) == url_key(plain)
    assert post_id(crawled) == post_id(tracked) == post_id(plain)


def test_strip_tracking_keeps_the_sites_own_spelling() -> None:
    url = "https://a.org/x?utm_source=t&id=3&fbclid=z&b=1&gclid=q#comments"
    assert strip_tracking(url) == "https://a.org/x?id=3&b=1"
    assert strip_tracking("https://a.org/x?amp") == "https://a.org/x"
