"""Split the sources into shards that separate workers can crawl at the same time.

Sources that share a host always land in the same shard, so one worker owns each host and
per-host politeness (one crawl of a domain at a time, its delay and robots.txt) holds
without the workers talking to each other. Shards are balanced by number of sources, and
the split depends only on the sources file, so every worker computes the same one.
"""

from __future__ import annotations

from collections.abc import Sequence

from mpnews.config import Source
from mpnews.exceptions import ConfigError

__all__ = ["shard_of", "shard_sources"]


def shard_sources(sources: Sequence[Source], shards: int) -> list[tuple[str, ...]]:
    """``shards`` tuples of source names (some may be empty), hosts never split."""
    if shards < 1:
        raise ConfigError(f"shards must be 1 or more, not {shards}")
    groups = sorted(_host_groups(sources), key=lambda g: (-len(g), g))
    bins: list[list[str]] = [[] for _ in range(shards)]
    for group in groups:
        lightest = min(range(shards), key=lambda i: (len(bins[i]), i))
        bins[lightest].extend(group)
    order = {s.name: i for i, s in enumerate(sources)}
    return [tuple(sorted(b, key=order.__getitem__)) for b in bins]


def shard_of(sources: Sequence[Source], shards: int, index: int) -> tuple[str, ...]:
    """The source names of shard ``index`` (0-based) of ``shards``."""
    if not 0 <= index < shards:
        raise ConfigError(f"shard {index} does not exist: there are {shards} (0 to {shards - 1})")
    return shard_sources(sources, shards)[index]


def _host_groups(sources: Sequence[Source]) -> list[tuple[str, ...]]:
    """Sources joined when they share any host (union-find over hosts)."""
    parent: dict[str, str] = {}

    def find(key: str) -> str:
        while parent.setdefault(key, key) != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    for source in sources:
        hosts = [_host(d) for d in source.domains] or [f"source:{source.name}"]
        for host in hosts:
            parent[find(host)] = find(f"source:{source.name}")
    members: dict[str, list[str]] = {}
    for source in sources:
        members.setdefault(find(f"source:{source.name}"), []).append(source.name)
    return [tuple(names) for names in members.values()]


def _host(domain: str) -> str:
    """A domain's host, with any port: each loopback site is its own host."""
    return domain.lower().removeprefix("www.")
