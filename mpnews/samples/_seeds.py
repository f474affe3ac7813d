"""Read the three real seed texts (``content/seeds/``) into plain records for the site builders.

The seeds are public web pages saved as text; their wording is copied into the sample sites
verbatim. Parsing is deliberately literal: one text line is one paragraph.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "SEEDS_DIR",
    "SeedArticle",
    "SeedPost",
    "news_seed_article",
    "weebly_seed_categories",
    "weebly_seed_posts",
    "wordpress_seed_post",
]

SEEDS_DIR = Path(__file__).parent / "content" / "seeds"
_WEEBLY = "mp-blog-page-weebly.txt"
_WORDPRESS = "hustings-post-wordpress.txt"
_NEWS = "news-article-independent.txt"
_DATE_LINE = re.compile(r"^\d{1,2}/\d{1,2}/\d{4}$")


@dataclass(frozen=True, slots=True)
class SeedPost:
    """One post of the Weebly seed page: title, the visible date text and its text lines."""

    title: str
    date_text: str
    lines: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SeedArticle:
    """The Independent seed article, split into its visible parts."""

    headline: str
    standfirst: str
    author: str
    author_role: str
    date_text: str
    caption: str
    credit: str
    paragraphs: tuple[str, ...]
    footer_lines: tuple[str, ...]


def _read(name: str) -> str:
    return (SEEDS_DIR / name).read_text(encoding="utf-8")


def weebly_seed_posts() -> list[SeedPost]:
    """The posts of the Weebly seed page, newest first, as the page shows them."""
    lines = _read(_WEEBLY).split("\n")
    dates = [i for i, line in enumerate(lines) if _DATE_LINE.match(line)]
    end = next(i for i, line in enumerate(lines) if line.strip() == "Categories")
    posts = []
    for n, at in enumerate(dates):
        stop = dates[n + 1] - 2 if n + 1 < len(dates) else end
        picture = next(i for i in range(at, stop) if lines[i] == "Picture")
        body = tuple(line for line in lines[picture + 1 : stop] if line.strip())
        posts.append(SeedPost(title=lines[at - 2], date_text=lines[at], lines=body))
    return posts


def weebly_seed_categories() -> list[str]:
    """The sidebar's category names in the seed's order (without the leading "All")."""
    lines = [line.strip() for line in _read(_WEEBLY).split("\n")]
    start = lines.index("Categories") + 1
    stop = lines.index("Archives")
    return [line for line in lines[start:stop] if line and line != "All"]


def wordpress_seed_post() -> tuple[str, list[str]]:
    """Title and body blocks (split on blank lines; ``""`` marks an empty paragraph)."""
    text = _read(_WORDPRESS)
    body = text.split("\n\nLeave a Reply\n", 1)[0]
    title, _, rest = body.partition("\n\n")
    blocks: list[str] = []
    for block in rest.split("\n\n"):
        if block.startswith("\n"):
            blocks.append("")
        blocks.append(block.strip("\n"))
    return title, blocks


def news_seed_article() -> SeedArticle:
    """The Independent seed article."""
    text = _read(_NEWS)
    head, _, rest = text.partition("\n\n\n")
    lines = head.split("\n")
    caption_line = lines[8]
    credit = caption_line[len(lines[7]) :].strip()
    blocks = lines[10:]
    joined = "\n".join(blocks)
    body, _, forum = joined.partition("\n\nJoin our commenting forum")
    footer = ["Join our commenting forum", *forum.strip().split("\n\n"), *rest.split("\n\n")]
    return SeedArticle(
        headline=lines[0],
        standfirst=lines[2],
        author=lines[4],
        author_role=lines[5],
        date_text=lines[6],
        caption=lines[7],
        credit=credit,
        paragraphs=tuple(p for p in body.split("\n\n") if p),
        footer_lines=tuple(f for f in footer if f),
    )
