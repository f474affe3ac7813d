"""Small MP blogs for the fault tests: a listing at ``/news`` linking to posts, each its own page.

A post is stored only when its own page was read (the listing shows titles, no text), so a
post in the warehouse proves its page came through the fault.
"""

from __future__ import annotations

import gzip
import itertools
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from fault_server import Fault, FaultRequest, Route

__all__ = [
    "FaultSite",
    "attempts",
    "gzip_bomb",
    "listing",
    "post_page",
    "post_path",
    "sources_entry",
]

_PROSE = (
    "constituency surgery residents bus route library opening hours pavements high street council "
    "budget school funding hospital waiting list housing repairs flooding bridge station parking "
    "park playground police patrols recycling bins broadband rural villages pensioners carers "
    "nurses teachers apprenticeships small businesses market town heritage museum festival "
    "petition minister debate amendment select committee questions motion ballot casework"
)
_WORDS = _PROSE.split()


def post_path(slug: str) -> str:
    """Where the post ``slug`` lives: the dated permalink shape the generic family knows (a
    slug that is already a path stays as it is)."""
    return slug if slug.startswith("/") else f"/2024/05/02/{slug}"


def post_page(title: str, *, date: str = "2 May 2024", text: str = "", head: str = "") -> str:
    """A post page: its title, a visible date and four paragraphs: ``text``, then words drawn
    for this title (so no two posts are near-duplicates of each other)."""
    paragraphs = "".join(f"<p>{text}{_words(title, n)}</p>" for n in range(1, 5))
    return (
        f"<!DOCTYPE html><html><head><title>{title}</title>{head}</head><body>"
        f'<article><h1 class="entry-title">{title}</h1>'
        f'<time class="entry-date">{date}</time>{paragraphs}</article></body></html>'
    )


def _words(title: str, paragraph: int) -> str:
    pick = random.Random(f"{title}/{paragraph}")
    return " ".join(pick.choice(_WORDS) for _ in range(45)).capitalize() + "."


def listing(titles: Mapping[str, str]) -> bytes:
    """The ``/news`` listing: one ``article`` per post, title and link only."""
    items = "".join(
        f'<article><h2><a href="{post_path(slug)}">{title}</a></h2></article>'
        for slug, title in titles.items()
    )
    return f"<html><head><title>News</title></head><body>{items}</body></html>".encode()


def attempts(*faults: Fault) -> Callable[[FaultRequest], Fault]:
    """A route giving ``faults`` in turn, then the last one for ever after."""
    replies = itertools.chain(faults, itertools.repeat(faults[-1]))
    return lambda _request: next(replies)


def gzip_bomb(megabytes: int) -> bytes:
    """``megabytes`` MB of zeros, gzipped (about a thousandth of that on the wire)."""
    return gzip.compress(b"\0" * (megabytes << 20), compresslevel=9)


@dataclass(frozen=True)
class FaultSite:
    """One source of the fault run: its name, its routes and what its sources entry adds."""

    name: str
    routes: Mapping[str, Route]
    extra: str = ""  # more TOML lines for its [[source]] entry ({origin} is filled in)


def sources_entry(site: FaultSite, origin: str) -> str:
    """The site's ``[[source]]`` entry, crawled from ``{origin}/news``."""
    lines = [
        "[[source]]",
        f'name = "{site.name}"',
        'kind = "mp_site"',
        'mp = "Jo Bloggs"',
        f'start_urls = ["{origin}/news"]',
        site.extra.replace("{origin}", origin),
    ]
    return "\n".join(line for line in lines if line) + "\n"
