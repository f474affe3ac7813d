"""The WordPress.com sample: a women's equality group's blog that ran 2017 "virtual hustings".

Markup follows a WordPress.com default theme: ``article.post``, ``entry-title``,
``entry-content``, ``rel="category tag"``, Jetpack ``sharedaddy`` blocks, the Highlander
``#respond`` comment form. The theme prints no date: it is only in
``<meta property="article:published_time">`` (and the permalink path, the feed, the sitemap).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from mpnews.samples import _wordpress_layout as layout
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
from mpnews.samples._seeds import wordpress_seed_post

__all__ = ["SOURCE", "build_wordpress"]

SOURCE = "hustings-blog"
PER_PAGE = 2
_SEED_PUBLISHED = "2017-06-02T11:24:37+00:00"
_SEED_CATEGORIES = ("General Election 2017", "Hustings")
_HEADING = re.compile(r"^\d+\. ")


@dataclass(frozen=True, slots=True)
class WpPost:
    """One WordPress post."""

    post_id: int
    slug: str
    title: str
    published: datetime
    categories: tuple[str, ...]
    content_html: str
    text: str
    mp: str | None

    @property
    def path(self) -> str:
        return f"/{self.published:%Y/%m/%d}/{self.slug}/"


def build_wordpress() -> tuple[Files, list[ExpectedPost]]:
    """Every file of the WordPress site, and its golden posts."""
    posts = _posts()
    files: Files = dict(layout.static_pages(posts))
    files.update(_listing(posts, "", "", posts))
    for name in sorted({c for p in posts for c in p.categories}):
        members = [p for p in posts if name in p.categories]
        files.update(_listing(members, f"category/{slugify(name)}/", f"Category: {name}", posts))
    for month in sorted({p.published.strftime("%Y/%m") for p in posts}):
        members = [p for p in posts if p.published.strftime("%Y/%m") == month]
        label = datetime.strptime(month, "%Y/%m").strftime("Month: %B %Y")
        files.update(_listing(members, f"{month}/", label, posts))
    for n, post in enumerate(posts):
        newer = posts[n - 1] if n > 0 else None
        older = posts[n + 1] if n + 1 < len(posts) else None
        files[post.path.strip("/") + "/index.html"] = layout.single(post, posts, older, newer)
    files["feed/index.xml"] = _feed(posts)
    files["sitemap.xml"] = _sitemap(posts)
    return files, [_expected(p) for p in posts]


def _posts() -> list[WpPost]:
    title, blocks = wordpress_seed_post()
    seed = WpPost(
        post_id=412,
        slug=slugify(title),
        title=title,
        published=datetime.fromisoformat(_SEED_PUBLISHED),
        categories=_SEED_CATEGORIES,
        content_html=_seed_html(blocks),
        text=" ".join(b.strip() for b in blocks if b.strip()),
        mp="Heidi Alexander",
    )
    posts = [seed]
    for n, extra in enumerate(extra_posts("wordpress")):
        paragraphs = extra["paragraphs"]
        posts.append(
            WpPost(
                post_id=390 + 31 * n,
                slug=extra["slug"],
                title=extra["title"],
                published=datetime.fromisoformat(extra["published"]),
                categories=tuple(extra["categories"]),
                content_html="\n".join(f"<p>{esc(p)}</p>" for p in paragraphs),
                text=" ".join(paragraphs),
                mp=extra.get("mp"),
            )
        )
    return sorted(posts, key=lambda p: p.published, reverse=True)


def _seed_html(blocks: list[str]) -> str:
    out: list[str] = []
    for block in blocks:
        if not block:
            out.append("<p>&nbsp;</p>")
        elif block.startswith("  1. "):
            out.append(f"<ol>\n<li><strong>{esc(block.strip()[3:])}</strong>")
        elif block.startswith("    "):
            out.append(f"<p><strong>{esc(block.strip())}</strong></p></li>\n</ol>")
        elif _HEADING.match(block):
            out.append(f"<p><strong>{esc(block)}</strong></p>")
        else:
            out.append("<p>" + "<br />\n".join(esc(line) for line in block.split("\n")) + "</p>")
    return "\n".join(out)


def _listing(members: list[WpPost], base: str, heading: str, every: list[WpPost]) -> Files:
    pages = [members[i : i + PER_PAGE] for i in range(0, len(members), PER_PAGE)]
    files: Files = {}
    for number, chunk in enumerate(pages, start=1):
        path = f"/{base}" if number == 1 else f"/{base}page/{number}/"
        html = layout.listing(chunk, path, heading, every, base, number, len(pages))
        files[path.strip("/") + "/index.html" if path != "/" else "index.html"] = html
    return files


def _feed(posts: list[WpPost]) -> str:
    items = "\n".join(_feed_item(p) for p in posts)
    return f"""<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"
	xmlns:content="http://purl.org/rss/1.0/modules/content/"
	xmlns:wfw="http://wellformedweb.org/CommentAPI/"
	xmlns:dc="http://purl.org/dc/elements/1.1/"
	xmlns:atom="http://www.w3.org/2005/Atom"
	xmlns:sy="http://purl.org/rss/1.0/modules/syndication/"
	xmlns:slash="http://purl.org/rss/1.0/modules/slash/"
	>

<channel>
	<title>{esc(layout.SITE)}</title>
	<atom:link href="{ORIGIN}/feed/" rel="self" type="application/rss+xml" />
	<link>{ORIGIN}</link>
	<description>{esc(layout.TAGLINE)}</description>
	<lastBuildDate>{rfc822(posts[0].published)}</lastBuildDate>
	<language>en</language>
	<sy:updatePeriod>hourly</sy:updatePeriod>
	<sy:updateFrequency>1</sy:updateFrequency>
	<generator>http://wordpress.com/</generator>
{items}
</channel>
</rss>
"""


def _feed_item(post: WpPost) -> str:
    url = ORIGIN + post.path
    cats = "".join(f"\n\t\t<category><![CDATA[{c}]]></category>" for c in post.categories)
    return f"""	<item>
		<title>{esc(post.title)}</title>
		<link>{url}</link>
		<comments>{url}#respond</comments>
		<pubDate>{rfc822(post.published)}</pubDate>
		<dc:creator><![CDATA[selondonequality]]></dc:creator>{cats}
		<guid isPermaLink="false">{ORIGIN}/?p={post.post_id}</guid>
		<description><![CDATA[{layout.excerpt(post.text)} [&#8230;]]]></description>
		<content:encoded><![CDATA[{post.content_html}]]></content:encoded>
		<wfw:commentRss>{url}feed/</wfw:commentRss>
		<slash:comments>0</slash:comments>
	</item>"""


def _sitemap(posts: list[WpPost]) -> str:
    rows = [(ORIGIN + "/", posts[0].published), (ORIGIN + "/about/", posts[-1].published)]
    rows += [(ORIGIN + p.path, p.published) for p in posts]
    urls = "\n".join(
        f"<url><loc>{loc}</loc><lastmod>{when:%Y-%m-%dT%H:%M:%SZ}</lastmod></url>"
        for loc, when in rows
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"{urls}\n</urlset>\n"
    )


def _expected(post: WpPost) -> ExpectedPost:
    return ExpectedPost(
        source=SOURCE,
        path=post.path,
        title=post.title,
        published_date=post.published.date().isoformat(),
        categories=post.categories,
        mp=post.mp,
        body_starts=snippet_start(post.text),
        body_ends=snippet_end(post.text),
    )
