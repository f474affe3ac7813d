"""Page chrome of the news sample: article page (JSON-LD NewsArticle, og/article meta, byline,
figure, inline "Read more", tags, newsletter, commenting-forum blocks) and teaser listings.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from mpnews.samples._common import ORIGIN, Files, esc, slugify

if TYPE_CHECKING:
    from mpnews.samples._news import NewsArticle

__all__ = ["article_page", "listing_page", "section_front", "static_pages"]

SITE = "The Independent"
_SECTION = "/news/uk/politics"
_READ_MORE_AFTER = 5
_NEWSLETTER = """<div class="newsletter-signup" data-newsletter="view-from-westminster">
<h3>Sign up for the View from Westminster email for expert analysis straight to your inbox</h3>
<p>Get our free View from Westminster email</p>
<form action="/newsletters/signup" method="post"><label for="nl-email">Email</label>\
<input id="nl-email" type="email" name="email" placeholder="Please enter a valid email" />\
<button type="submit">Sign up</button></form>
<p class="newsletter-terms">I would like to be emailed about offers, events and updates from \
The Independent. Read our privacy notice</p>
</div>"""


def static_pages(linked: list[NewsArticle]) -> Files:
    """Home page, robots.txt, 404 and admin pages."""
    home = (
        '<h1 class="section-title">Top stories</h1>\n'
        + _teasers(linked)
        + (f'\n<p><a href="{_SECTION}">More politics news</a></p>')
    )
    return {
        "index.html": _document("The Independent | News", "/", home, ""),
        "news/index.html": _document("News | The Independent", "/news", home, ""),
        "news/uk/index.html": _document("UK | The Independent", "/news/uk", home, ""),
        "404.html": _document(
            "Page not found | The Independent",
            "/404",
            "<h1>Page not found</h1>\n<p>Sorry, we "
            "can't find the page you are looking for. It may have been moved or deleted.</p>",
            "",
        ),
        "admin/index.html": _document("Admin", "/admin/", "<p>Log in</p>", ""),
        "robots.txt": (
            "User-agent: *\nDisallow: /admin/\nDisallow: /search\nDisallow: /*?CMP=\n\n"
            f"Sitemap: {ORIGIN}/sitemap.xml\n"
        ),
    }


def section_front(chunk: list[NewsArticle], number: int, pages: int) -> str:
    """The Politics section front: teasers (not whole articles) and ``?page=N`` links."""
    nav = []
    if number > 1:
        previous = _SECTION if number == 2 else f"{_SECTION}?page={number - 1}"
        nav.append(f'<a class="pagination-prev" href="{previous}">Previous</a>')
    if number < pages:
        nav.append(
            f'<a class="pagination-next" rel="next" href="{_SECTION}?page={number + 1}">Next</a>'
        )
    content = (
        '<h1 class="section-title">Politics</h1>\n'
        + _teasers(chunk)
        + f'\n<nav class="pagination">{"".join(nav)}</nav>'
    )
    path = _SECTION if number == 1 else f"{_SECTION}?page={number}"
    return _document("Politics | UK Politics News | The Independent", path, content, "")


def listing_page(name: str, path: str, members: list[NewsArticle]) -> str:
    """A topic or author page: a listing of teasers, not a post."""
    content = f'<h1 class="section-title">{esc(name)}</h1>\n' + _teasers(members)
    return _document(f"{esc(name)} | Latest news | The Independent", path, content, "")


def article_page(article: NewsArticle, related: list[NewsArticle]) -> str:
    """One article page."""
    paragraphs = [f"<p>{esc(p)}</p>" for p in article.paragraphs]
    if related and len(paragraphs) > _READ_MORE_AFTER:
        paragraphs.insert(_READ_MORE_AFTER, _read_more(related))
    tags = "".join(f'<li><a href="/topic/{slugify(t)}">{esc(t)}</a></li>' for t in article.tags)
    byline = f'<a href="/author/{slugify(article.author)}" rel="author">{esc(article.author)}</a>'
    role = (
        f'\n<span class="author-role">{esc(article.author_role)}</span>'
        if article.author_role
        else ""
    )
    main = f"""<article class="article">
<header class="article-header">
<nav class="breadcrumbs">\
<a href="/news">News</a> <a href="/news/uk">UK</a> <a href="{_SECTION}">Politics</a></nav>
<h1 id="articleHeader" class="headline">{esc(article.title)}</h1>
<h2 class="standfirst">{esc(article.standfirst)}</h2>
<div class="article-meta">
<div class="byline">{byline}{role}</div>
<time class="publish-date" datetime="{article.published.isoformat()}">{article.date_text}</time>
<button class="bookmark" aria-label="Bookmark">Bookmark</button>
<a class="comments-count" href="#comments">Comments</a>
</div>
<figure class="hero-image">
<img src="https://static.independent.co.uk/images/{slugify(article.caption)[:40]}.jpg" \
alt="{esc(article.caption)}" />
<figcaption>{esc(article.caption)}<span class="credit"> {esc(article.credit)}</span></figcaption>
</figure>
</header>
<div id="main" class="article-body">
{chr(10).join(paragraphs)}
</div>
<div class="article-tags"><h3>More about</h3><ul>{tags}</ul></div>
</article>
{_NEWSLETTER}
{_comments(article)}
{_related(related)}"""
    return _document(
        f"{esc(article.title)} | The Independent", article.path, main, _head_meta(article)
    )


def _read_more(related: list[NewsArticle]) -> str:
    links = "".join(f'<li><a href="{r.path}">{esc(r.title)}</a></li>' for r in related[:2])
    return f'<div class="inline-read-more"><h4>Read more</h4><ul>{links}</ul></div>'


def _related(related: list[NewsArticle]) -> str:
    return (
        '<section class="related-articles"><h2>Related articles</h2>\n'
        + _teasers(related)
        + "\n</section>"
    )


def _comments(article: NewsArticle) -> str:
    lines = article.footer_lines
    forum, invite, thanks, refresh = lines[0], lines[1], lines[2], lines[3]
    first, _, second = refresh.partition("logged inPlease")
    return f"""<section id="comments" class="comments-forum">
<h2>{esc(forum)}</h2>
<p>{esc(invite)}</p>
<button class="comments-button">View comments</button>
<div class="registration-success">
<h3>{esc(thanks)}</h3>
<p><span class="refresh-page">{esc(first)}logged in</span>\
<span class="refresh-browser">Please{esc(second)}</span></p>
</div>
</section>"""


def _teasers(articles: list[NewsArticle]) -> str:
    return "\n".join(
        f"""<div class="article-teaser">
<h2 class="teaser-title"><a href="{a.path}">{esc(a.title)}</a></h2>
<p class="teaser-standfirst">{esc(a.standfirst)}</p>
<time datetime="{a.published.isoformat()}">{a.date_text}</time>
</div>"""
        for a in articles
    )


def _head_meta(article: NewsArticle) -> str:
    url = ORIGIN + article.path
    person = {
        "@type": "Person",
        "name": article.author,
        "url": f"{ORIGIN}/author/{slugify(article.author)}",
    }
    if article.author_role:
        person["jobTitle"] = article.author_role
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title,
        "description": article.standfirst,
        "datePublished": article.published.isoformat(),
        "dateModified": article.modified.isoformat(),
        "author": [person],
        "publisher": {
            "@type": "NewsMediaOrganization",
            "name": SITE,
            "url": ORIGIN + "/",
            "logo": {"@type": "ImageObject", "url": ORIGIN + "/img/logo.png"},
        },
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "articleSection": "Politics",
        "keywords": ", ".join(article.tags),
        "isAccessibleForFree": True,
    }
    tags = "".join(f'<meta property="article:tag" content="{esc(t)}" />\n' for t in article.tags)
    return f"""<meta name="description" content="{esc(article.standfirst)}" />
<meta name="keywords" content="{esc(", ".join(article.tags))}" />
<meta property="og:type" content="article" />
<meta property="og:title" content="{esc(article.title)}" />
<meta property="og:description" content="{esc(article.standfirst)}" />
<meta property="article:published_time" content="{article.published.isoformat()}" />
<meta property="article:modified_time" content="{article.modified.isoformat()}" />
<meta property="article:section" content="Politics" />
{tags}<meta name="author" content="{esc(article.author)}" />
<script type="application/ld+json">{json.dumps(data, ensure_ascii=False)}</script>
"""


def _document(title: str, path: str, content: str, meta: str) -> str:
    return f"""<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8" />
<meta name="viewport" content="width=device-width, initial-scale=1" />
<title>{title}</title>
<link rel="canonical" href="{ORIGIN}{path}" />
<meta property="og:site_name" content="{SITE}" />
<meta property="og:url" content="{ORIGIN}{path}" />
{meta}<link rel="alternate" type="application/rss+xml" title="Politics" \
href="{ORIGIN}{_SECTION}/rss" />
</head>
<body>
<header class="site-header">
<a class="logo" href="/">The Independent</a>
<nav class="main-nav"><ul><li><a href="/news">News</a></li><li><a href="/news/uk">UK</a></li><li>\
<a href="{_SECTION}">Politics</a></li></ul></nav>
<a class="login" href="/admin/">Log in</a>
</header>
<main>
{content}
</main>
<footer class="site-footer">
<p>&copy; 2020 Independent Digital News &amp; Media Ltd.</p>
</footer>
</body>
</html>
"""
