"""Markup of the throughput mirror's three site families, as the real platforms write it.

* Weebly MP blog: ``/news`` listing of excerpts (``blog-post``, ``blog-title-link``,
  ``date-text``, a "Read More" link), ``/news/previous/N.html`` pagination, category
  listings (paginated the same way), monthly archives, RSS of the ten newest at ``/1/feed``,
  permalinks ``/news/<slug>`` with the comment form; dates are day-first text only.
* WordPress MP blog: home listing of excerpts with ``/page/N/`` pagination, categories and
  monthly archives (each paginated), feed ``/feed/``, permalinks ``/YYYY/MM/DD/<slug>/``
  with ``article:published_time``, widgets, share buttons and the comment form.
* News site: sitemap index ``/sitemap.xml`` -> monthly sitemaps, section front and topic
  pages of teasers, RSS of the 50 newest, articles ``/news/uk/politics/<slug>-aNNNNNNN.html``
  with JSON-LD ``NewsArticle``.

Each ``build_*`` returns ``{relative file path: text}`` plus the paths a complete crawl of
the source fetches (listings, feeds, sitemaps, posts and robots.txt; not the home page).
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime
from html import escape

__all__ = ["MirrorPost", "SiteFiles", "build_news", "build_weebly", "build_wordpress"]

PER_PAGE = 10
_FEED_ITEMS = 10
_NEWS_FEED_ITEMS = 50
_EXCERPT_WORDS = 55


@dataclass(frozen=True, slots=True)
class MirrorPost:
    """One post of a mirror site; ``path`` is its permalink path on the site."""

    post_id: int
    slug: str
    title: str
    paragraphs: tuple[str, ...]
    published: datetime
    categories: tuple[str, ...]
    path: str
    author: str = ""


@dataclass(frozen=True, slots=True)
class SiteFiles:
    """The files of one site and the paths a complete crawl of it requests."""

    files: dict[str, str]
    crawl_paths: tuple[str, ...]


def _esc(text: str) -> str:
    return escape(text, quote=True)


def _slug(text: str) -> str:
    out = "".join(c if c.isalnum() else "-" for c in text.lower())
    return "-".join(part for part in out.split("-") if part)


def _excerpt(post: MirrorPost) -> str:
    words = " ".join(post.paragraphs).split()
    return _esc(" ".join(words[:_EXCERPT_WORDS]))


def _chunks(posts: Sequence[MirrorPost], size: int = PER_PAGE) -> list[Sequence[MirrorPost]]:
    return [posts[i : i + size] for i in range(0, len(posts), size)] or [[]]


def _months(posts: Iterable[MirrorPost]) -> list[datetime]:
    firsts = {p.published.replace(day=1, hour=0, minute=0, second=0) for p in posts}
    return sorted(firsts, reverse=True)


def _rss(title: str, link: str, items: Iterable[tuple[MirrorPost, str, str]]) -> str:
    """RSS 2.0: ``items`` are (post, absolute URL, description HTML)."""
    entries = "\n".join(
        f"<item>\n<title><![CDATA[{p.title}]]></title>\n<link>{_esc(url)}</link>\n"
        f'<guid isPermaLink="true">{_esc(url)}</guid>\n<pubDate>{format_datetime(p.published)}'
        f"</pubDate>\n"
        + "".join(f"<category><![CDATA[{c}]]></category>" for c in p.categories)
        + f"\n<description><![CDATA[{desc}]]></description>\n</item>"
        for p, url, desc in items
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/">\n<channel>\n'
        f"<title><![CDATA[{title}]]></title>\n<link>{_esc(link)}</link>\n"
        f"<description><![CDATA[{title}]]></description>\n{entries}\n</channel>\n</rss>\n"
    )


# --- Weebly -------------------------------------------------------------------------------

_WEEBLY_SCRIPT = (
    "<script>var STATIC_BASE = '//cdn1.editmysite.com/'; var ASSETS_BASE = "
    "'//cdn2.editmysite.com/'; var STYLE_PREFIX = 'wsite';</script>\n"
    '<script src="https://ajax.googleapis.com/ajax/libs/jquery/1.8.3/jquery.min.js"></script>\n'
    '<script type="text/javascript" src="//cdn2.editmysite.com/js/lang/en/stl.js?buildTime='
    '1582573912&"></script>\n<script>_W = _W || {}; _W.configDomain = "www.weebly.com"; '
    '_W.relinquish && _W.relinquish(); _W.setup_rpc({"url":"\\/ajax\\/api\\/JsonRPC\\/'
    'CustomerAccounts\\/","actions":{"CustomerAccounts":[{"name":"login","len":2},{"name":'
    '"logout","len":0},{"name":"getSessionDetails","len":0},{"name":"setCustomerLocation",'
    '"len":1}]},"namespace":"_W.CustomerAccounts.RPC"}); _W.isCheckoutReskin = false;</script>'
)
_WEEBLY_COMMENTS = """<div id="commentArea">
<a name="comments"></a>
<div class="blogCommentHeading"><h2 id="commentHeading">Leave a Reply.</h2></div>
<form id="blogCommentForm" class="blog-comment-form" action="/ajax/apps/postComment.php" \
method="post">
<div class="blogCommentFormInputWrap"><label for="commentName">Name (required)</label>\
<input id="commentName" name="name" type="text" /></div>
<div class="blogCommentFormInputWrap"><label for="commentEmail">Email (not published)</label>\
<input id="commentEmail" name="email" type="text" /></div>
<div class="blogCommentFormInputWrap"><label for="commentText">Comments</label>\
<textarea id="commentText" name="comment"></textarea></div>
<div class="blogCommentFormInputWrap"><input type="checkbox" id="commentNotify" name="notify" \
value="1" /><label for="commentNotify">Notify me of new comments to this post by email</label>\
</div>
<input type="submit" class="blog-comment-submit" value="Submit" />
</form>
</div>"""


def build_weebly(site: str, mp: str, origin: str, posts: Sequence[MirrorPost]) -> SiteFiles:
    """A Weebly MP blog under ``/news`` whose listings show excerpts."""
    cats = sorted({c for p in posts for c in p.categories})
    months = _months(posts)
    sidebar = _weebly_sidebar(origin, cats, months)
    files: dict[str, str] = {}
    crawl: list[str] = ["robots.txt"]

    def add(path: str, text: str, *, crawled: bool = True) -> None:
        files[path] = text
        if crawled:
            crawl.append(path)

    for path, text in _weebly_listings("/news", "news/index.html", posts, site, mp, sidebar):
        add(path, text)
    for cat in cats:
        members = [p for p in posts if cat in p.categories]
        base = f"/news/category/{_slug(cat)}"
        for path, text in _weebly_listings(base, base[1:] + ".html", members, site, mp, sidebar):
            add(path, text)
    for month in months:
        members = [p for p in posts if p.published.strftime("%m-%Y") == month.strftime("%m-%Y")]
        body = "\n".join(_weebly_post(origin, p, excerpt=True) for p in members)
        add(f"news/archives/{month:%m-%Y}.html", _weebly_page(site, mp, "News", body, sidebar))
    for post in posts:
        body = _weebly_post(origin, post, excerpt=False) + "\n" + _WEEBLY_COMMENTS
        add(f"news/{post.slug}.html", _weebly_page(site, mp, post.title, body, sidebar, post))
    feed = [(p, origin + p.path, _weebly_body(p)) for p in posts[:_FEED_ITEMS]]
    add("1/feed", _rss(f"{site} - News", origin + "/news", feed))
    home = f'<h2 class="wsite-content-title">Welcome</h2><div class="paragraph">Welcome to the \
website of {_esc(mp)} MP. <a href="/news">Read my latest news</a>.</div>'
    add("index.html", _weebly_page(site, mp, "Home", home, ""), crawled=False)
    add("robots.txt", "User-agent: *\nDisallow: /ajax/\nDisallow: /apps/\n", crawled=False)
    return SiteFiles(files, tuple(crawl))


def _weebly_listings(
    base: str, first_file: str, posts: Sequence[MirrorPost], site: str, mp: str, sidebar: str
) -> Iterable[tuple[str, str]]:
    pages = _chunks(posts)
    for number, chunk in enumerate(pages, start=1):
        nav = []
        if number < len(pages):
            nav.append(
                f'<div class="blog-page-nav-previous"><a href="{base}/previous/{number + 1}.html"'
                ' class="blog-link">&lt;&lt;Previous</a></div>'
            )
        if number > 1:
            newer = base if number == 2 else f"{base}/previous/{number - 1}.html"
            nav.append(
                f'<div class="blog-page-nav-next"><a href="{newer}" class="blog-link">'
                "Next&gt;&gt;</a></div>"
            )
        body = "\n".join(_weebly_post("", p, excerpt=True) for p in chunk) + "\n" + "".join(nav)
        path = first_file if number == 1 else f"{base[1:]}/previous/{number}.html"
        yield path, _weebly_page(site, mp, "News", body, sidebar)


def _weebly_body(post: MirrorPost) -> str:
    return "\n".join(f'<div class="paragraph">{_esc(t)}</div>' for t in post.paragraphs)


def _weebly_post(origin: str, post: MirrorPost, *, excerpt: bool) -> str:
    url = origin + post.path
    cats = ", ".join(
        f'<a href="/news/category/{_slug(c)}" class="blog-link">{_esc(c)}</a>'
        for c in post.categories
    )
    if excerpt:
        content = (
            f'<div class="paragraph">{_excerpt(post)}...</div>\n<div class="blog-read-more">'
            f'<a class="blog-link" href="{url}">Read More</a></div>'
        )
    else:
        content = _weebly_body(post)
    date = f"{post.published.day}/{post.published.month}/{post.published.year}"
    return f"""<div id="blog-post-{post.post_id}" class="blog-post">
<div class="blog-header">
<h2 class="blog-title"><a class="blog-title-link blog-link" href="{url}">{_esc(post.title)}</a></h2>
<p class="blog-date"><span class="date-text">{date}</span></p>
<p class="blog-comments"><a class="blog-link" href="{url}#comments">0 Comments</a></p>
</div>
<div class="blog-separator">&nbsp;</div>
<div class="blog-content">
{content}
</div>
<p class="blog-category-list"><span class="categories">Categories: </span>{cats}</p>
<div class="blog-social"><div class="blog-social-item blog-fb-like"><a \
href="https://www.facebook.com/sharer/sharer.php?u={url}" class="blog-link" rel="nofollow">\
Share</a></div></div>
</div>
<div class="blog-post-separator"></div>"""


def _weebly_sidebar(origin: str, cats: Sequence[str], months: Sequence[datetime]) -> str:
    links = "".join(
        f'<a href="/news/category/{_slug(c)}" class="blog-link">{_esc(c)}</a><br />' for c in cats
    )
    archive = "".join(
        f'<a href="/news/archives/{m:%m-%Y}" class="blog-link">{m:%B %Y}</a><br />' for m in months
    )
    return f"""<td class="blog-sidebar" valign="top"><div class="column-blog">
<h2 class="wsite-content-title">Categories</h2>
<p class="blog-category-list">{links}</p>
<h2 class="wsite-content-title">Archives</h2>
<p class="blog-archive-list">{archive}</p>
<div class="blog-feed-link"><a href="{origin}/1/feed" class="blog-link">RSS Feed</a></div>
</div></td>"""


def _weebly_page(
    site: str, mp: str, title: str, main: str, sidebar: str, post: MirrorPost | None = None
) -> str:
    head, mega, footer = _WEEBLY_WEIGHT
    meta = ""
    if post is not None:
        meta = (
            f'<meta property="og:title" content="{_esc(post.title)}" />\n'
            f'<meta property="og:description" content="{_esc(post.paragraphs[0][:150])}" />\n'
        )
    menu = "".join(
        f'<li class="wsite-menu-item-wrap"><a href="{href}" class="wsite-menu-item">{label}</a>'
        "</li>"
        for label, href in (
            ("Home", "/"),
            ("About", "/about.html"),
            ("News", "/news"),
            ("Surgeries", "/surgeries.html"),
            ("Contact", "/contact.html"),
        )
    )
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<title>{_esc(title)} - {_esc(site)}</title>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />
<meta property="og:site_name" content="{_esc(site)}" />
{meta}<link id="wsite-base-style" rel="stylesheet" type="text/css" \
href="//cdn2.editmysite.com/css/sites.css?buildTime=1582573912" />
<link rel="alternate" type="application/rss+xml" title="RSS" href="/1/feed" />
{_WEEBLY_SCRIPT}
{head}</head>
<body class="no-header-page wsite-page-news wsite-theme-light">
<div class="wrapper">
<div class="dusk-header"><div class="nav-wrap"><div class="container">
<div class="logo"><span class="wsite-logo"><a href="/"><span id="wsite-title">{_esc(mp)} MP</span>\
</a></span></div>
<div class="nav desktop-nav"><ul class="wsite-menu-default">{menu}</ul></div>
{mega}
</div></div></div>
<div class="main-wrap"><div id="wsite-content" class="wsite-elements wsite-not-footer">
<div id="blogTable" class="blog-table"><table><tr>
<td class="blog-main" valign="top">
{main}
</td>
{sidebar}
</tr></table></div>
</div></div>
<div class="footer-wrap"><div class="container"><div class="footer">
<div class="wsite-elements wsite-footer"><div class="paragraph">Promoted by the office of \
{_esc(mp)} MP. <a href="/privacy.html">Privacy Policy</a></div></div>
{footer}
</div></div></div>
</div>
</body>
</html>
"""


# --- WordPress ----------------------------------------------------------------------------


def build_wordpress(site: str, mp: str, origin: str, posts: Sequence[MirrorPost]) -> SiteFiles:
    """A self-hosted WordPress MP blog whose home, categories and archives show excerpts."""
    cats = sorted({c for p in posts for c in p.categories})
    months = _months(posts)
    widgets = _wp_widgets(origin, posts[:5], cats, months)
    files: dict[str, str] = {}
    crawl: list[str] = ["robots.txt"]

    def listing(base: str, heading: str, members: Sequence[MirrorPost]) -> None:
        pages = _chunks(members)
        for number, chunk in enumerate(pages, start=1):
            body = "\n".join(_wp_summary(origin, p) for p in chunk) + _wp_pagination(
                origin, base, number, len(pages)
            )
            if heading:
                body = f'<header class="page-header"><h1 class="page-title">{heading}</h1>\
</header>\n{body}'
            path = f"{base}index.html" if number == 1 else f"{base}page/{number}/index.html"
            files[path.lstrip("/")] = _wp_page(site, mp, origin, heading or site, body, widgets)
            crawl.append(path.lstrip("/"))

    listing("/", "", posts)
    for cat in cats:
        members = [p for p in posts if cat in p.categories]
        listing(f"/category/{_slug(cat)}/", f"Category: <span>{_esc(cat)}</span>", members)
    for month in months:
        members = [p for p in posts if p.published.strftime("%Y%m") == month.strftime("%Y%m")]
        listing(f"/{month:%Y/%m}/", f"Month: <span>{month:%B %Y}</span>", members)
    for older, post, newer in zip([*posts[1:], None], posts, [None, *posts[:-1]], strict=True):
        body = _wp_single(origin, post, older, newer)
        path = post.path.strip("/") + "/index.html"
        files[path] = _wp_page(site, mp, origin, post.title, body, widgets, post)
        crawl.append(path)
    feed = [
        (p, origin + p.path, "".join(f"<p>{_esc(t)}</p>" for t in p.paragraphs))
        for p in posts[:_FEED_ITEMS]
    ]
    files["feed/index.xml"] = _rss(site, origin + "/", feed)
    crawl.append("feed/index.xml")
    files["robots.txt"] = "User-agent: *\nDisallow: /wp-admin/\nAllow: /wp-admin/admin-ajax.php\n"
    return SiteFiles(files, tuple(crawl))


def _wp_classes(post: MirrorPost) -> str:
    cats = " ".join(f"category-{_slug(c)}" for c in post.categories)
    return f"post-{post.post_id} post type-post status-publish format-standard hentry {cats}"


def _wp_cat_links(origin: str, post: MirrorPost) -> str:
    return ", ".join(
        f'<a href="{origin}/category/{_slug(c)}/" rel="category tag">{_esc(c)}</a>'
        for c in post.categories
    )


def _wp_summary(origin: str, post: MirrorPost) -> str:
    url = origin + post.path
    return f"""<article id="post-{post.post_id}" class="{_wp_classes(post)}">
<header class="entry-header">
<h2 class="entry-title"><a href="{url}" rel="bookmark">{_esc(post.title)}</a></h2>
<div class="entry-meta"><span class="posted-on"><a href="{url}" rel="bookmark"><time \
class="entry-date published" datetime="{post.published.isoformat()}">{post.published:%d %B %Y}\
</time></a></span></div>
</header>
<div class="entry-summary"><p>{_excerpt(post)} &hellip; <a href="{url}" class="more-link">\
Continue reading<span class="screen-reader-text"> &#8220;{_esc(post.title)}&#8221;</span></a></p>
</div>
<footer class="entry-footer"><span class="cat-links">Posted in {_wp_cat_links(origin, post)}\
</span></footer>
</article>"""


def _wp_pagination(origin: str, base: str, number: int, pages: int) -> str:
    if pages == 1:
        return ""

    def href(n: int) -> str:
        return f"{origin}{base}" if n == 1 else f"{origin}{base}page/{n}/"

    shown = sorted({1, number - 1, number, number + 1, pages} & set(range(1, pages + 1)))
    links = []
    if number > 1:
        links.append(f'<a class="prev page-numbers" href="{href(number - 1)}">Newer posts</a>')
    for n in shown:
        if n == number:
            links.append(f'<span aria-current="page" class="page-numbers current">{n}</span>')
        else:
            links.append(f'<a class="page-numbers" href="{href(n)}">{n}</a>')
    if number < pages:
        links.append(f'<a class="next page-numbers" href="{href(number + 1)}">Older posts</a>')
    return (
        '\n<nav class="navigation pagination" aria-label="Posts"><h2 class="screen-reader-text">'
        f'Posts navigation</h2><div class="nav-links">{"".join(links)}</div></nav>'
    )


def _wp_single(
    origin: str, post: MirrorPost, older: MirrorPost | None, newer: MirrorPost | None
) -> str:
    body = "\n".join(f"<p>{_esc(t)}</p>" for t in post.paragraphs)
    nav = ""
    if older:
        nav += (
            f'<div class="nav-previous"><a href="{origin}{older.path}" rel="prev"><span '
            f'class="meta-nav">Previous post</span> {_esc(older.title)}</a></div>'
        )
    if newer:
        nav += (
            f'<div class="nav-next"><a href="{origin}{newer.path}" rel="next"><span '
            f'class="meta-nav">Next post</span> {_esc(newer.title)}</a></div>'
        )
    url = origin + post.path
    return f"""<article id="post-{post.post_id}" class="{_wp_classes(post)}">
<header class="entry-header"><h1 class="entry-title">{_esc(post.title)}</h1></header>
<div class="entry-content">
{body}
<div class="sharedaddy sd-sharing-enabled"><div class="robots-nocontent sd-block sd-social">\
<h3 class="sd-title">Share this:</h3><div class="sd-content"><ul>\
<li class="share-twitter"><a class="share-twitter sd-button" href="{url}?share=twitter" \
rel="nofollow">Twitter</a></li><li class="share-facebook"><a class="share-facebook sd-button" \
href="{url}?share=facebook" rel="nofollow">Facebook</a></li></ul></div></div></div>
</div>
<footer class="entry-footer"><span class="cat-links">Posted in {_wp_cat_links(origin, post)}\
</span></footer>
</article>
<nav class="navigation post-navigation" aria-label="Posts"><div class="nav-links">{nav}</div></nav>
<div id="comments" class="comments-area"><div id="respond" class="comment-respond">
<h3 id="reply-title" class="comment-reply-title">Leave a Reply</h3>
<form action="{origin}/wp-comments-post.php" method="post" id="commentform" class="comment-form">
<p class="comment-notes">Your email address will not be published. Required fields are marked \
<span class="required">*</span></p>
<p class="comment-form-comment"><label for="comment">Comment</label><textarea id="comment" \
name="comment"></textarea></p>
<p class="comment-form-author"><label for="author">Name</label><input id="author" name="author" \
type="text" /></p>
<p class="comment-form-email"><label for="email">Email</label><input id="email" name="email" \
type="email" /></p>
<p class="form-submit"><input name="submit" type="submit" id="submit" class="submit" \
value="Post Comment" /></p>
</form></div></div>"""


def _wp_widgets(
    origin: str, recent: Sequence[MirrorPost], cats: Sequence[str], months: Sequence[datetime]
) -> str:
    items = "".join(f'<li><a href="{origin}{p.path}">{_esc(p.title)}</a></li>' for p in recent)
    archive = "".join(f'<li><a href="{origin}/{m:%Y/%m}/">{m:%B %Y}</a></li>' for m in months)
    links = "".join(
        f'<li class="cat-item"><a href="{origin}/category/{_slug(c)}/">{_esc(c)}</a></li>'
        for c in cats
    )
    return f"""<aside id="secondary" class="widget-area">
<section class="widget widget_search"><form role="search" method="get" class="search-form" \
action="{origin}/"><input type="search" class="search-field" name="s" /></form></section>
<section class="widget widget_recent_entries"><h2 class="widget-title">Recent Posts</h2>\
<ul>{items}</ul></section>
<section class="widget widget_archive"><h2 class="widget-title">Archives</h2><ul>{archive}</ul>\
</section>
<section class="widget widget_categories"><h2 class="widget-title">Categories</h2><ul>{links}\
</ul></section>
</aside>"""


def _wp_page(
    site: str,
    mp: str,
    origin: str,
    title: str,
    content: str,
    widgets: str,
    post: MirrorPost | None = None,
) -> str:
    head, mega, footer = _WP_WEIGHT
    meta = ""
    body_class = "home blog"
    if post is not None:
        body_class = "post-template-default single single-post"
        meta = (
            f'<link rel="canonical" href="{origin}{post.path}" />\n'
            '<meta property="og:type" content="article" />\n'
            f'<meta property="og:title" content="{_esc(post.title)}" />\n'
            f'<meta property="article:published_time" content="{post.published.isoformat()}" />\n'
        )
    return f"""<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_esc(title)} &#8211; {_esc(site)}</title>
<meta name="generator" content="WordPress 6.4.3" />
{meta}<link rel="alternate" type="application/rss+xml" title="{_esc(site)} &raquo; Feed" \
href="{origin}/feed/" />
<link rel="alternate" type="application/rss+xml" title="{_esc(site)} &raquo; Comments Feed" \
href="{origin}/comments/feed/" />
<link rel='stylesheet' id='twentytwenty-style-css' \
href='{origin}/wp-content/themes/twentytwenty/style.css?ver=2.4' media='all' />
<script src="{origin}/wp-includes/js/jquery/jquery.min.js?ver=3.7.1" id="jquery-core-js"></script>
{head}</head>
<body class="{body_class}">
<div id="page" class="site">
<a class="skip-link screen-reader-text" href="#content">Skip to content</a>
<header id="masthead" class="site-header">
<div class="site-branding"><p class="site-title"><a href="{origin}/" rel="home">{_esc(site)}</a>\
</p><p class="site-description">Working hard for you in Parliament and at home</p></div>
<nav id="site-navigation" class="main-navigation"><ul id="primary-menu" class="menu">\
<li class="menu-item"><a href="{origin}/">News</a></li><li class="menu-item">\
<a href="{origin}/about/">About {_esc(mp)}</a></li><li class="menu-item">\
<a href="{origin}/contact/">Contact</a></li></ul>{mega}</nav>
</header>
<div id="content" class="site-content">
<div id="primary" class="content-area"><main id="main" class="site-main">
{content}
</main></div>
{widgets}
</div>
<footer id="colophon" class="site-footer"><div class="site-info">Promoted by the office of \
{_esc(mp)}. <a href="https://wordpress.org/">Proudly powered by WordPress</a></div>{footer}\
</footer>
</div>
</body>
</html>
"""


# --- News ---------------------------------------------------------------------------------

_SECTION = "/news/uk/politics"


def build_news(site: str, origin: str, posts: Sequence[MirrorPost]) -> SiteFiles:
    """A national news site: sitemap index of monthly sitemaps, section front, topics, RSS."""
    files: dict[str, str] = {}
    crawl: list[str] = ["robots.txt"]
    topics = sorted({c for p in posts for c in p.categories})
    months = _months(posts)
    files["news/uk/politics/index.html"] = _news_page(
        site, origin, "Politics", _SECTION, _news_front(posts[:30], topics), None
    )
    crawl.append("news/uk/politics/index.html")
    for topic in topics:
        members = [p for p in posts if topic in p.categories][:20]
        path = f"/topic/{_slug(topic)}"
        content = f'<h1 class="section-title">{_esc(topic)}</h1>\n' + _news_teasers(members)
        files[f"topic/{_slug(topic)}.html"] = _news_page(site, origin, topic, path, content, None)
        crawl.append(f"topic/{_slug(topic)}.html")
    for n, post in enumerate(posts):
        related = [posts[(n + k) % len(posts)] for k in (1, 2, 3)]
        main = _news_article(post, related)
        files[post.path.lstrip("/")] = _news_page(site, origin, post.title, post.path, main, post)
        crawl.append(post.path.lstrip("/"))
    index = []
    for month in months:
        members = [p for p in posts if p.published.strftime("%Y%m") == month.strftime("%Y%m")]
        urls = "\n".join(
            f"<url><loc>{origin}{p.path}</loc><lastmod>{p.published.isoformat()}</lastmod></url>"
            for p in members
        )
        files[f"sitemaps/{month:%Y-%m}.xml"] = (
            '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/'
            f'schemas/sitemap/0.9">\n{urls}\n</urlset>\n'
        )
        crawl.append(f"sitemaps/{month:%Y-%m}.xml")
        index.append(f"<sitemap><loc>{origin}/sitemaps/{month:%Y-%m}.xml</loc></sitemap>")
    files["sitemap.xml"] = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/'
        f'schemas/sitemap/0.9">\n{chr(10).join(index)}\n</sitemapindex>\n'
    )
    crawl.append("sitemap.xml")
    feed = [(p, origin + p.path, _esc(p.paragraphs[0])) for p in posts[:_NEWS_FEED_ITEMS]]
    files["news/uk/politics/rss"] = _rss(f"{site} - Politics", origin + _SECTION, feed)
    crawl.append("news/uk/politics/rss")
    files["robots.txt"] = (
        f"User-agent: *\nDisallow: /admin/\nDisallow: /search\n\nSitemap: {origin}/sitemap.xml\n"
    )
    return SiteFiles(files, tuple(crawl))


def _news_front(posts: Sequence[MirrorPost], topics: Sequence[str]) -> str:
    links = "".join(f'<li><a href="/topic/{_slug(t)}">{_esc(t)}</a></li>' for t in topics)
    return (
        '<h1 class="section-title">Politics</h1>\n'
        f'<nav class="topic-nav"><ul>{links}</ul></nav>\n' + _news_teasers(posts)
    )


def _news_teasers(posts: Iterable[MirrorPost]) -> str:
    return "\n".join(
        f"""<div class="article-teaser">
<h2 class="teaser-title"><a href="{p.path}">{_esc(p.title)}</a></h2>
<p class="teaser-standfirst">{_esc(" ".join(p.paragraphs[0].split()[:30]))}</p>
<time datetime="{p.published.isoformat()}">{p.published:%A %d %B %Y %H:%M}</time>
</div>"""
        for p in posts
    )


def _news_article(post: MirrorPost, related: Sequence[MirrorPost]) -> str:
    paragraphs = [f"<p>{_esc(t)}</p>" for t in post.paragraphs]
    tags = "".join(f'<li><a href="/topic/{_slug(t)}">{_esc(t)}</a></li>' for t in post.categories)
    return f"""<article class="article">
<header class="article-header">
<nav class="breadcrumbs"><a href="{_SECTION}">Politics</a></nav>
<h1 id="articleHeader" class="headline">{_esc(post.title)}</h1>
<div class="article-meta">
<div class="byline"><a href="/author/{_slug(post.author)}" rel="author">{_esc(post.author)}</a>\
</div>
<time class="publish-date" datetime="{post.published.isoformat()}">\
{post.published:%A %d %B %Y %H:%M}</time>
</div>
</header>
<div id="main" class="article-body">
{chr(10).join(paragraphs)}
</div>
<div class="article-tags"><h3>More about</h3><ul>{tags}</ul></div>
</article>
<div class="newsletter-signup"><h3>Sign up for the View from Westminster email</h3>\
<form action="/newsletters/signup" method="post"><input type="email" name="email" />\
<button type="submit">Sign up</button></form></div>
<section id="comments" class="comments-forum"><h2>Join our commenting forum</h2>\
<p>Join thought-provoking conversations, follow other readers and see their replies</p></section>
<section class="related-articles"><h2>Related articles</h2>
{_news_teasers(related)}
</section>"""


def _news_page(
    site: str, origin: str, title: str, path: str, content: str, post: MirrorPost | None
) -> str:
    head, mega, footer = _NEWS_WEIGHT
    meta = ""
    if post is not None:
        data = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": post.title,
            "datePublished": post.published.isoformat(),
            "dateModified": post.published.isoformat(),
            "author": [{"@type": "Person", "name": post.author}],
            "publisher": {"@type": "NewsMediaOrganization", "name": site},
            "mainEntityOfPage": {"@type": "WebPage", "@id": origin + post.path},
            "articleSection": "Politics",
            "keywords": ", ".join(post.categories),
        }
        meta = (
            '<meta property="og:type" content="article" />\n'
            f'<meta property="og:title" content="{_esc(post.title)}" />\n'
            f'<meta property="article:published_time" content="{post.published.isoformat()}" />\n'
            f'<meta name="author" content="{_esc(post.author)}" />\n'
            f'<script type="application/ld+json">{json.dumps(data, ensure_ascii=False)}</script>\n'
        )
    return f"""<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8" />
<title>{_esc(title)} | {_esc(site)}</title>
<link rel="canonical" href="{origin}{path}" />
<meta property="og:site_name" content="{_esc(site)}" />
{meta}<link rel="alternate" type="application/rss+xml" title="Politics" \
href="{origin}{_SECTION}/rss" />
{head}</head>
<body>
<header class="site-header"><a class="logo" href="/">{_esc(site)}</a>
<nav class="main-nav"><ul><li><a href="{_SECTION}">Politics</a></li></ul></nav>{mega}</header>
<main>
{content}
</main>
<footer class="site-footer">{footer}<p>&copy; 2024 {_esc(site)}</p></footer>
</body>
</html>
"""


# --- page weight: what real themes put around the content ---------------------------------

_PLACES = (
    "Abbey",
    "Bankside",
    "Bridge",
    "Castle",
    "Chapel",
    "Church End",
    "Cliftonville",
    "Common",
    "Court",
    "Crossways",
    "Eastfield",
    "Fairfield",
    "Furzedown",
    "Grange",
    "Green Lanes",
    "Hamlet",
    "Harbour",
    "Heath",
    "Highfield",
    "Hill Top",
    "Kingsway",
    "Lakeside",
    "Manor",
    "Market",
    "Meadows",
    "Millbrook",
    "Newtown",
    "Northgate",
    "Oakwood",
    "Old Town",
    "Park",
    "Priory",
    "Riverside",
    "St Mary's",
    "Southfields",
    "Station",
    "Town Centre",
    "Valley",
    "Westfield",
    "Woodside",
)
_CAMPAIGNS = (
    "Save our hospital",
    "Fair funding for schools",
    "Stop the bus cuts",
    "Clean rivers",
    "Affordable homes",
    "Safer streets",
    "Fix our roads",
    "Post office closures",
    "Broadband for all",
    "Cost of living support",
    "Protect the green belt",
    "Youth services",
)
_HELP = (
    "Contact me",
    "Surgeries",
    "Immigration",
    "Benefits",
    "Housing",
    "Child maintenance",
    "Passports",
    "Visiting Parliament",
    "School visits",
    "Work experience",
)
_ICON = (
    '<svg class="icon" viewBox="0 0 24 24" width="24" height="24" aria-hidden="true">'
    '<path d="M12 2C6.5 2 2 6.5 2 12c0 5 3.7 9.1 8.4 9.9v-7H7.9V12h2.5V9.8c0-2.5 1.5-3.9 3.8-3.9'
    " 1.1 0 2.2.2 2.2.2v2.5h-1.3c-1.2 0-1.6.8-1.6 1.6V12h2.8l-.4 2.9h-2.3v7C18.3 21.1 22 17 22 "
    '12c0-5.5-4.5-10-10-10z"></path></svg>'
)


def weight_mp(prefix: str) -> tuple[str, str, str]:
    """(head extras, mega menu, footer) of an MP site's theme: CSS, JS, menus, icons."""
    rules = "\n".join(
        f".{prefix}-menu-item-{i},.{prefix}-block-{i}>a{{color:#2b2b2b;padding:{i % 7}px "
        f"{8 + i % 5}px;margin:0 0 {i % 3}px;font:{13 + i % 4}px/1.5 'Open Sans',sans-serif;"
        f"border-bottom:1px solid rgba(0,0,0,.{i % 9 + 1})}}"
        for i in range(90)
    )
    config = json.dumps(
        {
            "site": prefix,
            "analytics": {"id": f"UA-{zlib.crc32(prefix.encode()) % 10**8:08d}-1", "anonymize": 1},
            "breakpoints": {"mobile": 480, "tablet": 768, "desktop": 1024},
            "menus": [{"id": i, "label": p, "depth": i % 3} for i, p in enumerate(_PLACES)],
        }
    )
    head = f"<style>\n{rules}\n</style>\n<script>window.siteConfig = {config};</script>\n"
    areas = "".join(f'<li><a href="/area/{_slug(p)}.html">{_esc(p)}</a></li>' for p in _PLACES)
    campaigns = "".join(
        f'<li><a href="/campaigns/{_slug(c)}.html">{_esc(c)}</a></li>' for c in _CAMPAIGNS
    )
    helps = "".join(f'<li><a href="/help/{_slug(h)}.html">{_esc(h)}</a></li>' for h in _HELP)
    menu = (
        f'<nav class="{prefix}-mega-menu" aria-label="Main"><ul>'
        f'<li class="has-children"><a href="/area.html">In your area</a><ul>{areas}</ul></li>'
        f'<li class="has-children"><a href="/campaigns.html">Campaigns</a><ul>{campaigns}</ul>'
        f'</li><li class="has-children"><a href="/help.html">How I can help</a><ul>{helps}</ul>'
        "</li></ul></nav>"
    )
    social = "".join(
        f'<li><a href="https://{s}.com/" rel="noopener" aria-label="{s}">{_ICON}</a></li>'
        for s in ("facebook", "twitter", "instagram", "youtube", "linkedin")
    )
    footer = (
        f'<div class="{prefix}-site-footer"><ul class="social">{social}</ul><ul class="links">'
        + helps
        + "</ul><p>This website does not use cookies beyond those needed to run it. "
        '<a href="/cookies.html">Cookie policy</a> <a href="/accessibility.html">'
        "Accessibility</a></p></div>"
    )
    return head, menu, footer


def weight_news() -> tuple[str, str, str]:
    """(head extras, section navigation, footer) of a national news site."""
    sections = [
        f"{area} {kind}"
        for area in ("UK", "World", "US", "Europe", "Scotland", "Wales", "Northern Ireland")
        for kind in ("News", "Politics", "Business", "Opinion", "Sport", "Culture")
    ]
    ads = json.dumps(
        {
            "slots": [
                {"id": f"ad-slot-{i}", "sizes": [[300, 250], [728, 90]], "lazy": i > 2}
                for i in range(24)
            ],
            "targeting": {"section": "politics", "tags": list(_NEWS_TOPICS_WEIGHT)},
        }
    )
    head = (
        "<style>\n"
        + "\n".join(
            f".nav-{i}{{display:inline-block;padding:0 {6 + i % 4}px;color:#{i * 9 % 999:03d}}}"
            for i in range(120)
        )
        + f"\n</style>\n<script>window.adConfig = {ads};</script>\n"
    )
    nav = (
        '<nav class="mega-nav"><ul>'
        + "".join(f'<li><a href="/{_slug(s)}">{_esc(s)}</a></li>' for s in sections)
        + "</ul></nav>"
    )
    footer = (
        '<div class="footer-links"><ul>'
        + "".join(f'<li><a href="/{_slug(s)}">{_esc(s)}</a></li>' for s in sections)
        + "</ul>"
        + "".join(f'<div id="ad-slot-{i}" class="ad-slot"></div>' for i in range(12))
        + "</div>"
    )
    return head, nav, footer


_NEWS_TOPICS_WEIGHT = ("politics", "westminster", "parliament", "government", "elections")


_WEEBLY_WEIGHT = weight_mp("wsite")
_WP_WEIGHT = weight_mp("wp-block")
_NEWS_WEIGHT = weight_news()
