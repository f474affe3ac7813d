"""Sources crawled in one process that share a host keep one polite pace there."""

from __future__ import annotations

import pytest
from scrapy.exceptions import NotConfigured
from scrapy.utils.test import get_crawler

from mpnews.config import Source
from spiders.middlewares import SharedHostGateMiddleware
from spiders.run import shared_hosts


def source(name: str, *urls: str) -> Source:
    return Source(name=name, kind="news_site", start_urls=urls)


def test_hosts_of_more_than_one_source_are_shared() -> None:
    sources = [
        source("politics", "https://news.example/politics"),
        source("london", "https://news.example:8443/london"),  # another port, the same host
        source("blog", "https://blog.example/"),
    ]
    assert shared_hosts(sources) == {"news.example"}
    assert shared_hosts(sources[1:]) == set()


def test_crawlers_sharing_a_host_take_turns_a_delay_apart(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(SharedHostGateMiddleware, "_next_free", {})
    first = SharedHostGateMiddleware(frozenset({"news.example"}), delay=1.0)
    second = SharedHostGateMiddleware(frozenset({"news.example"}), delay=1.0)  # another crawler
    assert first.reserve("news.example", now=0.0) == 0.0
    assert second.reserve("news.example", now=0.0) == 1.0
    assert first.reserve("news.example", now=0.5) == 1.5
    assert second.reserve("news.example", now=10.0) == 0.0


@pytest.mark.parametrize(
    "settings",
    [
        {"MPNEWS_SHARED_HOSTS": [], "DOWNLOAD_DELAY": 1.0},
        {"MPNEWS_SHARED_HOSTS": ["a"], "DOWNLOAD_DELAY": 0},
    ],
)
def test_off_without_shared_hosts_or_delay(settings: dict[str, object]) -> None:
    with pytest.raises(NotConfigured):
        SharedHostGateMiddleware.from_crawler(get_crawler(settings_dict=settings))
