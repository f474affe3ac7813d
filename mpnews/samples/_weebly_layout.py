"""Page chrome of the Weebly sample: head, menu, blog sidebar, comment form, footer, plain pages."""

from __future__ import annotations

from mpnews.samples._common import ORIGIN, Files, esc, page_paragraphs, slugify

__all__ = ["COMMENT_FORM", "blog_page", "category_slugs", "static_pages"]

SITE = "Dr Rosena Allin-Khan MP"
_MENU = (
    ("Home", "/", ()),
    ("About Me", "/about-me.html", ()),
    (
        "In Your Area",
        "/in-your-area.html",
        (
            ("Balham", "/balham.html"),
            ("Earlsfield", "/earlsfield.html"),
            ("Furzedown", "/furzedown.html"),
            ("Tooting", "/tooting.html"),
        ),
    ),
    ("News", "/news", (("Subscribe to my Newsletter", "/subscribe-to-my-newsletter.html"),)),
    ("How can I help?", "/how-can-i-help.html", (("Get In Touch >", "/get-in-touch.html"),)),
)
_PAGES = {
    "index.html": (
        "Home",
        [
            "Welcome to the website of Dr Rosena Allin-Khan, Labour MP for Tooting.",
            "Here you can read my latest news, find out about my work in Parliament and get in "
            "touch about local issues.",
        ],
    ),
    "about-me.html": (
        "About Me",
        [
            "I was elected as the Member of Parliament for Tooting in June 2016.",
            "Before entering Parliament I worked as an A&E doctor and in humanitarian aid.",
        ],
    ),
    "in-your-area.html": (
        "In Your Area",
        ["News and information for Balham, Earlsfield, Furzedown and Tooting."],
    ),
    "balham.html": ("Balham", ["Local news and campaigns in Balham."]),
    "earlsfield.html": ("Earlsfield", ["Local news and campaigns in Earlsfield."]),
    "furzedown.html": ("Furzedown", ["Local news and campaigns in Furzedown."]),
    "tooting.html": ("Tooting", ["Local news and campaigns in Tooting."]),
    "subscribe-to-my-newsletter.html": (
        "Subscribe to my Newsletter",
        ["Sign up to receive my regular e-newsletter about my work in Tooting and in Parliament."],
    ),
    "how-can-i-help.html": (
        "How can I help?",
        [
            "My office can help with problems involving government departments, such as the "
            "Home Office, the DWP or HMRC."
        ],
    ),
    "get-in-touch.html": (
        "Get In Touch",
        [
            "If you live in the Tooting constituency, please include your full address when you "
            "contact me."
        ],
    ),
    "email.html": (
        "Email",
        ["Please email my office and a member of my team will reply as soon as possible."],
    ),
    "privacy-policy.html": (
        "Privacy Policy",
        ["This policy explains how my office handles the personal information you share with us."],
    ),
}
COMMENT_FORM = """<div id="commentArea">
<a name="comments"></a>
<div class="blogCommentHeading"><h2 id="commentHeading">Leave a Reply.</h2></div>
<form id="blogCommentForm" class="blog-comment-form" action="/ajax/apps/postComment.php" \
method="post">
<input type="hidden" name="blog_post_id" value="" />
<div class="blogCommentFormInputWrap"><label for="commentName">Name (required)</label>\
<input id="commentName" name="name" type="text" /></div>
<div class="blogCommentFormInputWrap"><label for="commentEmail">Email (not published)</label>\
<input id="commentEmail" name="email" type="text" /></div>
<div class="blogCommentFormInputWrap"><label for="commentWebsite">Website</label>\
<input id="commentWebsite" name="website" type="text" /></div>
<div class="blogCommentFormInputWrap"><label for="commentText">Comments</label>\
<textarea id="commentText" name="comment"></textarea></div>
<div class="blogCommentFormInputWrap">\
<input type="checkbox" id="commentNotify" name="notify" value="1" />\
<label for="commentNotify">Notify me of new comments to this post by email</label></div>
<input type="submit" class="blog-comment-submit" value="Submit" />
</form>
</div>"""
_FOOTER_TEXT = (
    "promoted by sean lawless, on behalf of dr rosena allin-khan, both at 89 bickersteth road, "
    "sw17 9sh."
)


def category_slugs(names: list[str]) -> dict[str, str]:
    """Category name -> URL slug; a clashing slug gets a number, as Weebly does."""
    slugs: dict[str, str] = {}
    used: dict[str, int] = {}
    for name in names:
        base = slugify(name)
        count = used.get(base, 0)
        used[base] = count + 1
        slugs[name] = base if count == 0 else f"{base}{count}"
    return slugs


def static_pages() -> Files:
    """The site's ordinary pages (not posts), robots.txt, the 404 page and an admin page."""
    files: Files = {}
    for name, (title, texts) in _PAGES.items():
        path = "/" if name == "index.html" else "/" + name
        content = f'<h2 class="wsite-content-title">{esc(title)}</h2>\n' + page_paragraphs(
            texts, "paragraph"
        )
        files[name] = _document(title, path, content, "")
    files["404.html"] = _document(
        "Page Not Found",
        "/404.html",
        '<h2 class="wsite-content-title">Page Not Found</h2>\n'
        '<div class="paragraph">Sorry, the page you were looking for could not be found.</div>',
        "",
    )
    files["admin/index.html"] = _document("Login", "/admin/", "<p>Site login</p>", "")
    files["robots.txt"] = (
        "User-agent: NerdyBot\nDisallow: /\n\nUser-agent: *\nDisallow: /ajax/\n"
        "Disallow: /apps/\nDisallow: /admin/\n"
    )
    return files


def blog_page(
    title: str,
    path: str,
    main: str,
    slugs: dict[str, str],
    archives: list[tuple[str, str]],
    description: str = "",
) -> str:
    """A blog page: listing or permalink (``main``) plus the categories/archives sidebar."""
    cats = "".join(
        f'<a href="/news/category/{slug}" class="blog-link">{esc(name)}</a><br />'
        for name, slug in slugs.items()
    )
    months = "".join(
        f'<a href="/news/archives/{key}" class="blog-link">{label}</a><br />'
        for key, label in archives
    )
    blog = f"""<div class="container">
<h2 class="wsite-content-title">News</h2>
</div>
<div id="blogTable" class="blog-table">
<table><tr>
<td class="blog-main" valign="top">
{main}
</td>
<td class="blog-sidebar" valign="top">
<div class="column-blog">
<h2 class="wsite-content-title">Categories</h2>
<p class="blog-category-list"><a href="/news/category/all" class="blog-link">All</a><br />{cats}</p>
<h2 class="wsite-content-title">Archives</h2>
<p class="blog-archive-list">{months}</p>
<div class="blog-feed-link"><a href="{ORIGIN}/1/feed" class="blog-link">\
<img src="//www.weebly.com/weebly/images/rss.png" alt="" />RSS Feed</a></div>
</div>
</td>
</tr></table>
</div>"""
    return _document(title, path, blog, description)


def _menu(css: str) -> str:
    items = []
    for label, href, children in _MENU:
        sub = "".join(
            f'<li class="wsite-menu-subitem-wrap"><a href="{c_href}" class="wsite-menu-subitem">'
            f'<span class="wsite-menu-title">{esc(c_label)}</span></a>'
            + (_EMAIL_SUBMENU if c_label.startswith("Get In Touch") else "")
            + "</li>"
            for c_label, c_href in children
        )
        wrap = (
            f'<div class="wsite-menu-wrap"><ul class="wsite-menu">{sub}</ul></div>' if sub else ""
        )
        items.append(
            f'<li class="wsite-menu-item-wrap"><a href="{href}" class="wsite-menu-item">'
            f"{esc(label)}</a>{wrap}</li>"
        )
    return f'<ul class="{css}">' + "".join(items) + "</ul>"


_EMAIL_SUBMENU = (
    '<div class="wsite-menu-wrap"><ul class="wsite-menu"><li class="wsite-menu-subitem-wrap">'
    '<a href="/email.html" class="wsite-menu-subitem"><span class="wsite-menu-title">Email</span>'
    "</a></li></ul></div>"
)


def _document(title: str, path: str, content: str, description: str) -> str:
    page = "News" if path.startswith("/news") else title
    full = f"{esc(title)} - {SITE}" if path != "/" else SITE
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<title>{full}</title>
<meta property="og:site_name" content="{SITE}" />
<meta property="og:title" content="{esc(title)}" />
<meta property="og:description" content="{esc(description or page)}" />
<meta property="og:url" content="{ORIGIN}{path}" />
<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />
<meta name="viewport" content="width=device-width, initial-scale=1.0" />
<link id="wsite-base-style" rel="stylesheet" type="text/css" \
href="//cdn2.editmysite.com/css/sites.css?buildTime=1582573912" />
<link rel="stylesheet" type="text/css" href="/files/main_style.css?1582627715" \
title="wsite-theme-css" />
<link rel="alternate" type="application/rss+xml" title="RSS" href="{ORIGIN}/1/feed" />
</head>
<body class="no-header-page wsite-page-{slugify(page)} wsite-theme-light">
<div class="wrapper">
<div class="dusk-header">
<div class="nav-wrap"><div class="container">
<div class="logo"><span class="wsite-logo"><a href="/"><span id="wsite-title">{SITE}</span></a>\
</span></div>
<div class="nav desktop-nav">{_menu("wsite-menu-default")}</div>
</div></div>
</div>
<div class="main-wrap">
<div id="wsite-content" class="wsite-elements wsite-not-footer">
{content}
</div>
</div>
<div class="footer-wrap"><div class="container"><div class="footer">
<div class="wsite-elements wsite-footer"><div class="paragraph" style="text-align:left;">\
<font \
size="1">{_FOOTER_TEXT}&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;<a \
href="/privacy-policy.html">Privacy Policy</a> <a href="/admin/">Log in</a>\
</font></div></div>
</div></div></div>
</div>
<div id="navMobile" class="nav mobile-nav">{_menu("wsite-menu-default")}</div>
</body>
</html>
"""
