"""Page chrome of the WordPress.com sample: head, masthead, widgets, share blocks, comment form."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from mpnews.samples._common import ORIGIN, Files, esc, slugify

if TYPE_CHECKING:
    from mpnews.samples._wordpress import WpPost

__all__ = ["SITE", "TAGLINE", "excerpt", "listing", "single", "static_pages"]

SITE = "SE London Women's Equality Forum"
TAGLINE = "Campaigning for equality for women in south east London"
_EXCERPT_WORDS = 55


def excerpt(text: str) -> str:
    """WordPress's automatic excerpt: the first 55 words."""
    return esc(" ".join(text.split()[:_EXCERPT_WORDS]))


def static_pages(posts: list[WpPost]) -> Files:
    """About page (a page, not a post), robots.txt, 404 and admin pages."""
    about = (
        '<article id="post-2" class="post-2 page type-page status-publish hentry">\n'
        '<header class="entry-header"><h1 class="entry-title">About</h1></header>\n'
        '<div class="entry-content">\n<p>We are a non-partisan group of women from Lewisham, '
        "Greenwich and Southwark working for equal pay, affordable childcare and an end to "
        "violence against women and girls.</p>\n<p>We do not endorse candidates or parties."
        "</p>\n</div>\n</article>"
    )
    missing = (
        '<section class="error-404 not-found"><header class="page-header"><h1 class="page-title">'
        'Oops! That page can&rsquo;t be found.</h1></header><div class="page-content"><p>It '
        "looks like nothing was found at this location. Maybe try a search?</p></div></section>"
    )
    return {
        "about/index.html": _document("About", "/about/", about, posts, "page"),
        "404.html": _document("Page not found", "/404/", missing, posts, "error404"),
        "admin/index.html": _document("Log In", "/admin/", "<p>Log in</p>", posts, "login"),
        "robots.txt": (
            f"Sitemap: {ORIGIN}/sitemap.xml\n\nUser-agent: *\nDisallow: /wp-admin/\n"
            "Allow: /wp-admin/admin-ajax.php\nDisallow: /wp-login.php\nDisallow: /admin/\n"
        ),
    }


def listing(
    chunk: list[WpPost],
    path: str,
    heading: str,
    every: list[WpPost],
    base: str,
    number: int,
    pages: int,
) -> str:
    """Home, category or monthly archive page: post excerpts plus numbered pagination."""
    header = ""
    if heading:
        label, _, name = heading.partition(": ")
        header = (
            f'<header class="page-header"><h1 class="page-title">{label}: <span>{esc(name)}'
            "</span></h1></header>\n"
        )
    articles = "\n".join(_summary(p) for p in chunk)
    title = heading.partition(": ")[2] if heading else ""
    kind = "home blog" if not heading else "archive"
    return _document(title, path, header + articles + _pagination(base, number, pages), every, kind)


def single(post: WpPost, every: list[WpPost], older: WpPost | None, newer: WpPost | None) -> str:
    """A post's permalink page with share blocks, post navigation and the comment form."""
    url = ORIGIN + post.path
    article = f"""<article id="post-{post.post_id}" class="{_classes(post)}">
<header class="entry-header">
<h1 class="entry-title">{esc(post.title)}</h1>
</header><!-- .entry-header -->
<div class="entry-content">
{post.content_html}
{_share(post, url)}
</div><!-- .entry-content -->
<footer class="entry-footer"><span class="cat-links">\
<span class="screen-reader-text">Categories </span>{_cat_links(post)}</span></footer>
</article><!-- #post-{post.post_id} -->
{_post_nav(older, newer)}
{_COMMENTS.replace("{url}", url).replace("{id}", str(post.post_id))}"""
    meta = (
        f'<meta property="og:type" content="article" />\n'
        f'<meta property="article:published_time" content="{post.published.isoformat()}" />\n'
        f'<meta property="article:modified_time" content="{post.published.isoformat()}" />\n'
        f'<meta property="og:description" content="{excerpt(post.text)[:160]}" />\n'
    )
    return _document(post.title, post.path, article, every, "single single-post", meta)


def _classes(post: WpPost) -> str:
    cats = " ".join(f"category-{slugify(c)}" for c in post.categories)
    return f"post-{post.post_id} post type-post status-publish format-standard hentry {cats}"


def _cat_links(post: WpPost) -> str:
    return ", ".join(
        f'<a href="{ORIGIN}/category/{slugify(c)}/" rel="category tag">{esc(c)}</a>'
        for c in post.categories
    )


def _summary(post: WpPost) -> str:
    url = ORIGIN + post.path
    return f"""<article id="post-{post.post_id}" class="{_classes(post)}">
<header class="entry-header">
<h2 class="entry-title"><a href="{url}" rel="bookmark">{esc(post.title)}</a></h2>
</header>
<div class="entry-summary">
<p>{excerpt(post.text)} &hellip; <a href="{url}" class="more-link">Continue reading<span \
class="screen-reader-text"> &#8220;{esc(post.title)}&#8221;</span>\
</a></p>
</div>
<footer class="entry-footer">\
<span class="cat-links">Posted in {_cat_links(post)}</span> <span class="comments-link">\
<a href="{url}#respond">Leave a comment</a></span></footer>
</article>"""


def _pagination(base: str, number: int, pages: int) -> str:
    if pages == 1:
        return ""

    def href(n: int) -> str:
        return f"{ORIGIN}/{base}" if n == 1 else f"{ORIGIN}/{base}page/{n}/"

    links = []
    if number > 1:
        links.append(f'<a class="prev page-numbers" href="{href(number - 1)}">Previous page</a>')
    for n in range(1, pages + 1):
        if n == number:
            links.append(f'<span aria-current="page" class="page-numbers current">{n}</span>')
        else:
            links.append(f'<a class="page-numbers" href="{href(n)}">{n}</a>')
    if number < pages:
        links.append(f'<a class="next page-numbers" href="{href(number + 1)}">Next page</a>')
    return (
        '\n<nav class="navigation pagination" role="navigation" aria-label="Posts">\n'
        '<h2 class="screen-reader-text">Posts navigation</h2>\n'
        f'<div class="nav-links">{"".join(links)}</div>\n</nav>'
    )


def _post_nav(older: WpPost | None, newer: WpPost | None) -> str:
    parts = []
    if older:
        parts.append(
            f'<div class="nav-previous"><a href="{ORIGIN}{older.path}" rel="prev"><span class='
            f'"meta-nav">Previous post</span> <span class="post-title">{esc(older.title)}'
            "</span></a></div>"
        )
    if newer:
        parts.append(
            f'<div class="nav-next"><a href="{ORIGIN}{newer.path}" rel="next"><span class='
            f'"meta-nav">Next post</span> <span class="post-title">{esc(newer.title)}'
            "</span></a></div>"
        )
    return (
        '<nav class="navigation post-navigation" role="navigation" aria-label="Posts">'
        '<h2 class="screen-reader-text">Post navigation</h2><div class="nav-links">'
        + "".join(parts)
        + "</div></nav>"
    )


def _share(post: WpPost, url: str) -> str:
    services = (("twitter", "Twitter"), ("facebook", "Facebook"), ("email", "Email"))
    buttons = "".join(
        f'<li class="share-{key}"><a rel="nofollow noopener noreferrer" data-shared="sharing-'
        f'{key}-{post.post_id}" class="share-{key} sd-button share-icon" href="{url}?share='
        f'{key}&amp;nb=1" target="_blank" title="Click to share on {label}"><span>{label}'
        "</span></a></li>"
        for key, label in services
    )
    return f"""<div id="jp-post-flair" class="sharedaddy sd-like-enabled sd-sharing-enabled">\
<div class="sharedaddy sd-sharing-enabled">\
<div class="robots-nocontent sd-block sd-social sd-social-icon-text sd-sharing">\
<h3 class="sd-title">Share this:</h3><div class="sd-content"><ul>{buttons}<li class="share-end">\
</li></ul></div></div></div>\
<div class='sharedaddy sd-block sd-like jetpack-likes-widget-wrapper \
jetpack-likes-widget-unloaded' id='like-post-wrapper-130117384-{post.post_id}-5931' \
data-name='like-post-frame-130117384-{post.post_id}-5931'>\
<h3 class="sd-title">Like this:</h3>\
<div class='likes-widget-placeholder post-likes-widget-placeholder' style='height: 55px;'>\
<span class='button'><span>Like</span></span> <span class="loading">Loading...</span></div>\
<span class='sd-text-color'></span><a class='sd-link-color'></a></div></div>"""


_COMMENTS = """<div id="comments" class="comments-area">
<div id="respond" class="comment-respond">
<h3 id="reply-title" class="comment-reply-title">Leave a Reply <small>\
<a rel="nofollow" id="cancel-comment-reply-link" href="{url}#respond" \
style="display:none;">Cancel reply</a>\
</small></h3>
<form action="https://public-api.wordpress.com/wp-comments-post.php" method="post" \
id="commentform" class="comment-form">
<div class="comment-form-field comment-textarea">\
<label for="comment">Enter your comment here...</label><div id="comment-form-comment">\
<textarea id="comment" name="comment" title="Enter your comment here..."></textarea></div></div>
<div id="comment-form-identity">
<div id="comment-form-nascar"><p>Fill in your details below or click an icon to log in:</p>
<ul><li class="selected" style="display:none;">\
<a href="#comment-form-guest" id="postas-guest" class="nascar-signin-link" title="Login via Guest">\
</a></li><li>\
<a href="#comment-form-load-service:WordPress.com" id="postas-wordpress" \
class="nascar-signin-link" title="Login via WordPress.com">\
</a></li><li>\
<a href="#comment-form-load-service:Facebook" id="postas-facebook" class="nascar-signin-link" \
title="Login via Facebook">\
</a></li></ul></div>
<div id="comment-form-guest" class="comment-form-service selected">
<div class="comment-form-padder"><div class="comment-form-fields">
<div class="comment-form-field comment-form-email">\
<label for="email">Email <span class="required">(required)</span> <span \
class="nopublish">(Address never made public)</span>\
</label><div class="comment-form-input"><input id="email" name="email" type="email" value="" />\
</div></div>
<div class="comment-form-field comment-form-author">\
<label for="author">Name <span class="required">(required)</span></label>\
<div class="comment-form-input"><input id="author" name="author" type="text" value="" /></div>\
</div>
<div class="comment-form-field comment-form-url"><label for="url">Website</label>\
<div class="comment-form-input"><input id="url" name="url" type="url" value="" /></div></div>
</div></div></div>
<div id="comment-form-wordpress" class="comment-form-service">
<div class="comment-form-padder"><div class="comment-form-avatar">\
<a href="https://gravatar.com/site/signup/" target="_blank">\
<img \
src="https://1.gravatar.com/avatar/ad516503a11cd5ca435acc9bb6523536?s=25&amp;d=identicon" \
alt="WordPress.com Logo" width="25" class="no-grav" />\
</a></div>
<div class="comment-form-fields">\
<input type="hidden" name="wp_avatar" id="wordpress-avatar" class="comment-meta-wordpress" \
value="" />\
<div class="comment-form-input"><p><strong>\
</strong> You are commenting using your WordPress.com account. <span \
class="comment-form-service-change">(&nbsp;<a \
href="javascript:HighlanderComments.doExternalLogout( 'wordpress' \
);">Log&nbsp;Out</a>&nbsp;/&nbsp; <a href="#" \
onclick="javascript:HighlanderComments.switchAccount();return false;">Change</a>&nbsp;)</span>\
</p></div></div></div></div>
<div id="comment-form-facebook" class="comment-form-service">
<div class="comment-form-padder"><div class="comment-form-avatar">\
<img src="" alt="Facebook photo" width="25" class="no-grav" /></div>
<div class="comment-form-fields"><div class="comment-form-input"><p><strong>\
</strong> You are commenting using your Facebook account. <span \
class="comment-form-service-change">(&nbsp;<a \
href="javascript:HighlanderComments.doExternalLogout( 'facebook' \
);">Log&nbsp;Out</a>&nbsp;/&nbsp; <a href="#" \
onclick="javascript:HighlanderComments.switchAccount();return false;">Change</a>&nbsp;)</span>\
</p></div></div></div></div>
<div id="comment-form-load-service" class="comment-form-service">\
<div class="comment-form-posting-as-cancel">\
<a href="javascript:HighlanderComments.cancelExternalWindow();">Cancel</a></div>\
<p>Connecting to %s</p></div>
</div>
<div id="comment-form-subscribe"><p class="comment-subscription-form">\
<input type="checkbox" name="subscribe" id="subscribe" value="subscribe" /> <label \
class="subscribe-label" id="subscribe-label" for="subscribe">Notify me of new comments via \
email.</label>\
</p></div>
<p class="form-submit wp-block-button">\
<input name="submit" type="submit" id="comment-submit" class="submit wp-block-button__link" \
value="Post Comment" /> <input type="hidden" name="comment_post_ID" value="{id}" \
id="comment_post_ID" />\
</p>
</form>
</div><!-- #respond -->
</div><!-- #comments -->"""


def _widgets(every: list[WpPost]) -> str:
    recent = "".join(f'<li><a href="{ORIGIN}{p.path}">{esc(p.title)}</a></li>' for p in every)
    months = sorted({p.published.strftime("%Y/%m") for p in every}, reverse=True)
    archive = "".join(f'<li><a href="{ORIGIN}/{m}/">{_month_label(m)}</a></li>' for m in months)
    names = sorted({c for p in every for c in p.categories})
    cats = "".join(
        f'<li class="cat-item"><a href="{ORIGIN}/category/{slugify(c)}/">{esc(c)}</a></li>'
        for c in names
    )
    return f"""<aside id="secondary" class="sidebar widget-area" role="complementary">
<section id="search-2" class="widget widget_search">\
<form role="search" method="get" class="search-form" action="{ORIGIN}/"><label>\
<span class="screen-reader-text">Search for:</span>\
<input type="search" class="search-field" placeholder="Search &hellip;" value="" name="s" />\
</label><button type="submit" class="search-submit">Search</button></form></section>
<section id="recent-posts-2" class="widget widget_recent_entries">\
<h2 class="widget-title">Recent Posts</h2><ul>{recent}</ul></section>
<section id="archives-2" class="widget widget_archive"><h2 class="widget-title">Archives</h2>\
<ul>{archive}</ul></section>
<section id="categories-2" class="widget widget_categories">\
<h2 class="widget-title">Categories</h2><ul>{cats}</ul></section>
</aside>"""


def _month_label(month: str) -> str:
    return datetime.strptime(month, "%Y/%m").strftime("%B %Y")


def _document(
    title: str, path: str, content: str, every: list[WpPost], body_class: str, meta: str = ""
) -> str:
    full = f"{esc(title)} &#8211; {esc(SITE)}" if title else f"{esc(SITE)} &#8211; {TAGLINE}"
    return f"""<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{full}</title>
<link rel="canonical" href="{ORIGIN}{path}" />
<link rel="alternate" type="application/rss+xml" title="{esc(SITE)} &raquo; Feed" \
href="{ORIGIN}/feed/" />
<meta property="og:site_name" content="{esc(SITE)}" />
<meta property="og:title" content="{esc(title or SITE)}" />
<meta property="og:url" content="{ORIGIN}{path}" />
{meta}<link rel='stylesheet' id='all-css-0' \
href='https://s0.wp.com/_static/??-eJx9jEEOwjAMBD9EiCqBTgu2kJewyqhiyi5O4Ne2oBI0oHlDOj3f3k9Y' \
type='text/css' media='all' />
</head>
<body class="{body_class} wp-custom-logo highlander-enabled highlander-light">
<div id="page" class="site">
<a class="skip-link screen-reader-text" href="#content">Skip to content</a>
<header id="masthead" class="site-header" role="banner">
<div class="site-branding">
<p class="site-title"><a href="{ORIGIN}/" rel="home">{esc(SITE)}</a></p>
<p class="site-description">{TAGLINE}</p>
</div>
<nav id="site-navigation" class="main-navigation" role="navigation">\
<div class="menu-primary-container"><ul id="menu-primary" class="primary-menu">\
<li class="menu-item"><a href="{ORIGIN}/">Home</a></li><li class="menu-item">\
<a href="{ORIGIN}/about/">About</a></li><li class="menu-item">\
<a href="{ORIGIN}/category/hustings/">Hustings</a></li></ul></div></nav>
</header>
<div id="content" class="site-content">
<div id="primary" class="content-area">
<main id="main" class="site-main" role="main">
{content}
</main>
</div>
{_widgets(every)}
</div>
<footer id="colophon" class="site-footer" role="contentinfo">
<div class="site-info">\
<a href="https://wordpress.com/?ref=footer_blog" rel="nofollow">Blog at WordPress.com.</a> <a \
href="/admin/">Log in</a>\
</div>
</footer>
</div>
</body>
</html>
"""
