"""Sources split into shards by host: a host is never split, shards are balanced, and every
worker computes the same split."""

from __future__ import annotations

import pytest

from mpnews.config import Source
from mpnews.exceptions import ConfigError
from mpnews.shards import shard_of, shard_sources


def _source(name: str, *urls: str) -> Source:
    return Source(name=name, kind="news_site", start_urls=urls)


SOURCES = [
    _source("a", "https://one.example/news"),
    _source("b", "https://two.example/"),
    _source("c", "https://one.example/politics"),  # shares one.example with a
    _source("d", "http://127.0.0.1:8001/"),
    _source("e", "http://127.0.0.1:8002/"),  # another loopback site: its own host
]


def test_a_host_is_never_split() -> None:
    split = shard_sources(SOURCES, 3)
    [with_a] = [shard for shard in split if "a" in shard]
    assert "c" in with_a
    assert sorted(name for shard in split for name in shard) == ["a", "b", "c", "d", "e"]


def test_shards_are_balanced_and_keep_file_order() -> None:
    split = shard_sources(SOURCES, 2)
    assert split == [("a", "c", "e"), ("b", "d")]
    assert shard_of(SOURCES, 2, 1) == ("b", "d")


def test_more_shards_than_hosts_leaves_empty_shards() -> None:
    split = shard_sources(SOURCES[:2], 3)
    assert split == [("a",), ("b",), ()]


def test_every_worker_computes_the_same_split() -> None:
    assert shard_sources(list(SOURCES), 2) == shard_sources(list(SOURCES), 2)


@pytest.mark.parametrize(("shards", "index"), [(0, 0), (2, 2), (2, -1)])
def test_bad_shard_numbers_are_one_line(shards: int, index: int) -> None:
    with pytest.raises(ConfigError, match="shard"):
        shard_of(SOURCES, shards, index)
