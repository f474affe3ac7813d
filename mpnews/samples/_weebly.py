"""The Weebly sample: "Dr Rosena Allin-Khan MP", a news blog that shows WHOLE posts on listings.

Markup follows Weebly's blog partials (``blog-post``, ``blog-title-link``, ``blog-date`` /
``date-text``, ``blog-content``, ``wsite-image`` with ``alt="Picture"``,
``blog-page-nav-previous``/``-next``, ``blog-category-list``, ``blog-archive-list``) and its
RSS at ``/1/feed``. Weebly prints no machine-readable date: only ``25/2/2020`` (day first).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from mpnews.samples import _weebly_layout as layout
from mpnews.samples._common import (
    ORIGIN,
    ExpectedPost,
    Files,
    esc,
    extra_posts,
    rfc822,
    slugify,
    snippet_end,
    snippet_start,
)
from mpnews.samples._seeds import weebly_seed_categories, weebly_seed_posts

__all__ = ["MP", "SOURCE", "build_weebly"]

SOURCE = "rosena-allin-khan"
MP = "Rosena Allin-Khan"
PER_PAGE = 4
# Categories of the seed posts, newest first (the seed page does not show them).
_SEED_CATEGORIES = (
    ("Deputy Leadership Campaign", "Labour Party"),
    ("Deputy Leadership Campaign", "Labour Party", "Elections"),
    ("Foreign Affairs", "Humanitarian Aid", "Deputy Leadership Campaign"),
    ("Deputy Leadership Campaign", "Trade Unions"),
    ("Deputy Leadership Campaign", "Elections"),
    ("Social Care", "NHS", "Deputy Leadership Campaign"),
)
_SEED_TIMES = ("10:38:12", "19:02:47", "08:15:30", "13:51:09", "17:26:33", "09:03:58")
_GLUED_HEADING = re.compile(r"(?<=[a-z])(?=[A-Z][a-z])")
_HEADLINE_END = (".", "!", "?", "”", '"')


@dataclass(frozen=True, slots=True)
class WeeblyPost:
    """One post as the Weebly site holds it."""

    post_id: int
    slug: str
    title: str
    date_text: str
    published: datetime
    categories: tuple[str, ...]
    lines: tuple[str, ...]

    @property
    def path(self) -> str:
        return f"/news/{self.slug}"


def build_weebly() -> tuple[Files, list[ExpectedPost]]:
    """Every file of the Weebly site, and its golden posts."""
    posts = _posts()
    used = {c for p in posts for c in p.categories}
    slugs = layout.category_slugs(weebly_seed_categories())
    # Weebly's sidebar lists the categories that have posts (slugs keep the seed's order).
    site = _Site({name: slug for name, slug in slugs.items() if name in used}, _archives(posts))
    files: Files = dict(layout.static_pages())
    files.update(_listing(posts, site, "/news", "news/index.html"))
    files.update(_listing(posts, site, "/news/category/all", "news/category/all.html"))
    for name in sorted({c for p in posts for c in p.categories}):
        members = [p for p in posts if name in p.categories]
        files[f"news/category/{site.slugs[name]}.html"] = _list_page(members, site, None, None)
    for month, _ in site.archives:
        members = [p for p in posts if p.published.strftime("%m-%Y") == month]
        files[f"news/archives/{month}.html"] = _list_page(members, site, None, None)
    for post in posts:
        files[f"news/{post.slug}.html"] = _permalink_page(post, site)
    files["1/feed"] = _feed(posts)
    return files, [_expected(p) for p in posts]


@dataclass(frozen=True, slots=True)
class _Site:
    slugs: dict[str, str]
    archives: list[tuple[str, str]]


def _posts() -> list[WeeblyPost]:
    raw = [
        (s.title, s.date_text, t, cats, s.lines)
        for s, t, cats in zip(weebly_seed_posts(), _SEED_TIMES, _SEED_CATEGORIES, strict=True)
    ]
    for extra in extra_posts("weebly"):
        raw.append(
            (
                extra["title"],
                extra["date"],
                extra["time"],
                tuple(extra["categories"]),
                tuple(extra["paragraphs"]),
            )
        )
    raw.sort(key=lambda r: _when(r[1], r[2]), reverse=True)
    taken: dict[str, int] = {}
    posts = []
    for title, date_text, time_text, cats, lines in reversed(raw):  # oldest first, as created
        base = slugify(title)
        count = taken.get(base, 0)
        taken[base] = count + 1
        slug = base if count == 0 else f"{base}{count}"
        published = _when(date_text, time_text)
        post_id = 9_100_000_000_000_000_000 + int(published.timestamp())
        posts.append(WeeblyPost(post_id, slug, title, date_text, published, cats, lines))
    return list(reversed(posts))


def _when(date_text: str, time_text: str) -> datetime:
    day, month, year = (int(x) for x in date_text.split("/"))
    hour, minute, second = (int(x) for x in time_text.split(":"))
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def _listing(posts: list[WeeblyPost], site: _Site, base: str, first_file: str) -> Files:
    pages = [posts[i : i + PER_PAGE] for i in range(0, len(posts), PER_PAGE)]
    files: Files = {}
    for number, chunk in enumerate(pages, start=1):
        older = f"{base}/previous/{number + 1}" if number < len(pages) else None
        newer = None if number == 1 else (base if number == 2 else f"{base}/previous/{number - 1}")
        name = first_file if number == 1 else f"{base.lstrip('/')}/previous/{number}.html"
        files[name] = _list_page(chunk, site, older, newer)
    return files


def _list_page(posts: list[WeeblyPost], site: _Site, older: str | None, newer: str | None) -> str:
    body = "\n".join(_post_html(p, site.slugs) for p in posts) + _pagination(older, newer)
    return layout.blog_page("News", "/news", body, site.slugs, site.archives)


def _permalink_page(post: WeeblyPost, site: _Site) -> str:
    body = _post_html(post, site.slugs) + "\n" + layout.COMMENT_FORM
    description = post.lines[0][:150]
    return layout.blog_page(post.title, post.path, body, site.slugs, site.archives, description)


def _archives(posts: list[WeeblyPost]) -> list[tuple[str, str]]:
    """(``MM-YYYY``, ``Month YYYY``) for every month with a post, newest first."""
    months = sorted({p.published.replace(day=1, hour=0, minute=0, second=0) for p in posts})
    return [(m.strftime("%m-%Y"), m.strftime("%B %Y")) for m in reversed(months)]


def _pagination(older: str | None, newer: str | None) -> str:
    parts = []
    if older:
        parts.append(
            f'<div class="blog-page-nav-previous">\n<a href="{older}" class="blog-link">'
            "&lt;&lt;Previous</a>\n</div>"
        )
    if newer:
        parts.append(
            f'<div class="blog-page-nav-next">\n<a href="{newer}" class="blog-link">'
            "Next&gt;&gt;</a>\n</div>"
        )
    return "\n" + "\n".join(parts) if parts else ""


def _post_html(post: WeeblyPost, slugs: dict[str, str]) -> str:
    url = ORIGIN + post.path
    cats = ", ".join(
        f'<a href="/news/category/{slugs[c]}" class="blog-link">{esc(c)}</a>'
        for c in post.categories
    )
    return f"""<div id="blog-post-{post.post_id}" class="blog-post">
<div class="blog-header">
<h2 class="blog-title">
<a class="blog-title-link blog-link" href="{url}">{esc(post.title)}</a>
</h2>
<p class="blog-date">
<span class="date-text">{post.date_text}</span>
</p>
<p class="blog-comments"><a class="blog-link" href="{url}#comments">0 Comments</a></p>
</div>
<div class="blog-separator">&nbsp;</div>
<div class="blog-content">
{_body_html(post)}
</div>
<p class="blog-category-list"><span class="categories">Categories: </span>{cats}</p>
<div class="blog-social"><div class="blog-social-item blog-fb-like">\
<a href="https://www.facebook.com/sharer/sharer.php?u={url}" class="blog-link" \
rel="nofollow">Share</a>\
</div><div class="blog-social-item blog-twitter">\
<a href="https://twitter.com/share?url={url}" class="blog-link" rel="nofollow">Tweet</a></div>\
</div>
<div class="blog-comments-bottom"><a class="blog-link" href="{url}#comments">0 Comments</a></div>
</div>
<div class="blog-post-separator"></div>"""


def _body_html(post: WeeblyPost) -> str:
    image = (
        '<div><div class="wsite-image wsite-image-border-none " style="padding-top:10px;'
        'padding-bottom:10px;margin-left:0;margin-right:0;text-align:center">\n<a>\n'
        f'<img src="/uploads/1/0/9/4/109441277/published/{post.post_id % 10_000_000}.jpg'
        f'?{int(post.published.timestamp())}" alt="Picture" style="width:auto;max-width:100%" />'
        '\n</a>\n<div style="display:block;font-size:90%"></div>\n</div></div>'
    )
    blocks = [image]
    items: list[str] = []
    for n, line in enumerate(post.lines):
        if line.startswith("- "):
            items.append(f"<li>{esc(line[2:])}</li>")
            continue
        if items:
            blocks.append('<div class="paragraph"><ul>' + "".join(items) + "</ul></div>")
            items = []
        blocks.append(_line_html(line, first=n == 0))
    if items:
        blocks.append('<div class="paragraph"><ul>' + "".join(items) + "</ul></div>")
    return "\n".join(blocks)


def _line_html(line: str, *, first: bool) -> str:
    if first:
        glued = [m.start() for m in _GLUED_HEADING.finditer(line) if m.start() >= 40]
        if glued:  # a bold standfirst typed straight into the first paragraph
            head, rest = line[: glued[0]], line[glued[0] :]
            return f'<div class="paragraph"><strong>{esc(head)}</strong>{esc(rest)}</div>'
        if not line.endswith(_HEADLINE_END):
            return f'<h2 class="wsite-content-title">{esc(line)}</h2>'
    return f'<div class="paragraph">{esc(line)}</div>'


def _feed(posts: list[WeeblyPost]) -> str:
    items = "\n".join(_feed_item(p) for p in posts)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" \
xmlns:content="http://purl.org/rss/1.0/modules/content/" \
xmlns:slash="http://purl.org/rss/1.0/modules/slash/" \
xmlns:wfw="http://wellformedweb.org/CommentAPI/">
<channel>
<title><![CDATA[Dr Rosena Allin-Khan MP - News]]></title>
<link><![CDATA[{ORIGIN}/news]]></link>
<description><![CDATA[News]]></description>
<pubDate>{rfc822(posts[0].published)}</pubDate>
<generator>Weebly</generator>
{items}
</channel>
</rss>
"""


def _feed_item(post: WeeblyPost) -> str:
    url = ORIGIN + post.path
    cats = "".join(f"<category><![CDATA[{c}]]></category>" for c in post.categories)
    return f"""<item>
<title><![CDATA[{post.title}]]></title>
<link><![CDATA[{url}]]></link>
<comments><![CDATA[{url}#comments]]></comments>
<pubDate>{rfc822(post.published)}</pubDate>
{cats}
<guid isPermaLink="false">{ORIGIN}/news/{post.slug}</guid>
<description><![CDATA[{_body_html(post)}]]></description>
<content:encoded><![CDATA[{_body_html(post)}]]></content:encoded>
<slash:comments>0</slash:comments>
</item>"""


def _expected(post: WeeblyPost) -> ExpectedPost:
    text = " ".join(line.removeprefix("- ") for line in post.lines)
    return ExpectedPost(
        source=SOURCE,
        path=post.path,
        title=post.title,
        published_date=post.published.date().isoformat(),
        categories=post.categories,
        mp=MP,
        body_starts=snippet_start(text),
        body_ends=snippet_end(text),
    )
