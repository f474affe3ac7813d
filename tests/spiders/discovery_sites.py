"""Two site families the bundled samples lack, in the markup their platforms really produce,
served on 127.0.0.1: a NationBuilder local-party site hosting its MP's page, and an MP's
Squarespace site. Paths map to (content type, body); ``{origin}`` is the server's origin."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HTML = "text/html; charset=utf-8"
XML = "application/xml"
RSS = "application/rss+xml"
TEXT = "text/plain"

_NB_HEAD = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title} - Testbridge Liberal Democrats</title>
<link href="https://assets.nationbuilder.com/themes/5f1a/styles.css?1700000000" rel="stylesheet">
<meta name="csrf-param" content="authenticity_token">
</head><body class="page-type-{kind}">
<div id="header"><a class="logo" href="/"><img alt="Testbridge Lib Dems" src="/logo.png"></a>
<div id="nav"><ul class="nav">
<li><a href="/">Home</a></li><li><a href="/ann_example">Ann Example MP</a></li>
<li><a href="/news">News</a></li><li><a href="/events">Events</a></li>
<li><a href="/donate">Donate</a></li><li><a href="/join">Join</a></li></ul></div></div>
<div id="content">"""
_NB_FOOT = """</div><div id="footer"><p>Promoted by J Bloggs on behalf of Testbridge Liberal
Democrats. Hosted by <a href="https://nationbuilder.com">NationBuilder</a>.</p></div>
</body></html>"""


def _nb(title: str, kind: str, content: str) -> str:
    return _NB_HEAD.format(title=title, kind=kind) + content + _NB_FOOT


def _nb_post(slug: str, title: str, day: str) -> str:
    return _nb(
        title,
        "basic",
        f"""<div class="blog-post"><h2 class="headline">{title}</h2>
<div class="byline">Posted by <a href="/ann_example">Ann Example</a> on {day}</div>
<div id="intro" class="intro"><p>Ann Example MP has written to the council about {slug}.</p></div>
<div class="body"><p>The Member of Parliament for Testbridge said residents deserve better,
and that she would keep pressing ministers until the work is done.</p></div></div>""",
    )


NATIONBUILDER: dict[str, tuple[str, str]] = {
    "/ann_example": (
        HTML,
        _nb(
            "Ann Example MP",
            "basic",
            """<div class="intro">
<h2>Ann Example, your Liberal Democrat MP for Testbridge</h2>
<p>Ann was elected in July 2024. Read her <a href="/news">latest news</a> below.</p></div>""",
        ),
    ),
    "/news": (
        HTML,
        _nb(
            "News",
            "blog",
            """
<link rel="alternate" type="application/rss+xml" title="Testbridge Lib Dems News" href="/news.rss">
<h1>News</h1>
<div class="news-item"><h2 class="headline"><a href="/bus_cuts">Ann fights bus cuts</a></h2>
<div class="byline">March 3, 2025</div></div>
<div class="news-item"><h2 class="headline"><a href="/gp_surgery">GP surgery saved</a></h2>
<div class="byline">February 10, 2025</div></div>
<div class="pagination"><span class="current">1</span>
<a rel="next" class="next_page" href="/news?page=2">Next &#8594;</a></div>""",
        ),
    ),
    "/news?page=2": (
        HTML,
        _nb(
            "News",
            "blog",
            """<h1>News</h1>
<div class="news-item"><h2 class="headline"><a href="/flood_defences">Flood defences</a></h2>
<div class="byline">January 5, 2025</div></div>""",
        ),
    ),
    "/news.rss": (
        RSS,
        """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Testbridge Lib Dems News</title><link>{origin}/news</link>
<item><title>Ann fights bus cuts</title><link>{origin}/bus_cuts</link>
<pubDate>Mon, 03 Mar 2025 10:00:00 +0000</pubDate></item>
<item><title>GP surgery saved</title><link>{origin}/gp_surgery</link>
<pubDate>Mon, 10 Feb 2025 10:00:00 +0000</pubDate></item></channel></rss>""",
    ),
    "/bus_cuts": (HTML, _nb_post("bus cuts", "Ann fights bus cuts", "March 3, 2025")),
    "/gp_surgery": (HTML, _nb_post("the GP surgery", "GP surgery saved", "February 10, 2025")),
    "/flood_defences": (HTML, _nb_post("flood defences", "Flood defences", "January 5, 2025")),
    "/robots.txt": (
        TEXT,
        "User-agent: *\nDisallow: /admin\nDisallow: /utils\nSitemap: {origin}/sitemap.xml\n",
    ),
    "/sitemap.xml": (
        XML,
        """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>{origin}/ann_example</loc></url><url><loc>{origin}/news</loc></url>
<url><loc>{origin}/bus_cuts</loc></url><url><loc>{origin}/flood_defences</loc></url>
</urlset>""",
    ),
}

_SQ_HEAD = """<!doctype html>
<html xmlns:og="http://opengraphprotocol.org/schema/" lang="en-GB"><head>
<meta charset="utf-8"><title>{title} &mdash; Jo Example MP</title>
<!-- This is Squarespace. --><!-- jo-example-mp -->
<link rel="stylesheet" type="text/css" href="https://static1.squarespace.com/static/versioned-site-css/64ab/5/site.css"/>
{extra}</head><body id="collection-64ab" class="header-overlay-alignment-center">
<header class="header"><div class="header-display-desktop"><div class="header-title-text">
<a href="/">Jo Example MP</a></div><nav class="header-nav-list">
<div class="header-nav-item header-nav-item--collection"><a href="/about">About Jo</a></div>
<div class="header-nav-item header-nav-item--collection">
<a href="/latest-news">Latest News</a></div>
<div class="header-nav-item header-nav-item--collection"><a href="/contact">Contact</a></div>
</nav></div></header><main id="page" class="container" role="main">"""
_SQ_FOOT = """</main><footer class="sections" id="footer-sections"><p>Jo Example, MP for
Sampletown. House of Commons, London SW1A 0AA</p></footer></body></html>"""
_SQ_FEED = (
    '<link rel="alternate" type="application/rss+xml" title="Latest News - Jo Example MP" '
    'href="{origin}/latest-news?format=rss"/>'
)


_SQ_GRID = '<section class="blog-basic-grid collection-content-wrapper">'


def _sq(title: str, content: str, extra: str = "") -> str:
    return _SQ_HEAD.format(title=title, extra=extra) + content + _SQ_FOOT


def _sq_item(slug: str, title: str) -> str:
    return f"""<article class="blog-basic-grid--container entry blog-item is-loaded">
<div class="blog-basic-grid--text"><h1 class="blog-title"><a href="/latest-news/{slug}"
 data-no-animation>{title}</a></h1><div class="blog-excerpt"><p>{title}.</p></div>
<a class="blog-more-link" href="/latest-news/{slug}">Read More</a></div></article>"""


def _sq_post(title: str, day: str) -> str:
    return _sq(
        title,
        f"""<article class="entry h-entry"><div class="blog-item-top-wrapper">
<h1 class="entry-title entry-title--large p-name" data-content-field="title">{title}</h1>
<time class="dt-published date-highlight" datetime="{day}">{day}</time></div>
<div class="blog-item-content e-content"><div class="sqs-html-content">
<p>Jo Example, MP for Sampletown, spoke about {title.lower()} in Parliament this week and
promised to report back to constituents at her next surgery.</p></div></div></article>""",
    )


SQUARESPACE: dict[str, tuple[str, str]] = {
    "/": (
        HTML,
        _sq(
            "Home",
            """<section class="page-section"><div class="sqs-html-content">
<h1>Working hard for Sampletown</h1><p>Jo Example is the Member of Parliament for
Sampletown.</p></div></section>""",
        ),
    ),
    "/latest-news": (
        HTML,
        _sq(
            "Latest News",
            _SQ_GRID
            + _sq_item("new-station", "A new station for Sampletown")
            + _sq_item("school-funding", "School funding")
            + """</section>
<nav class="blog-list-pagination"><div class="older"><a href="/latest-news?offset=1700000000000"
 rel="next"><span class="older-label">Older Posts</span></a></div></nav>""",
            _SQ_FEED,
        ),
    ),
    "/latest-news?offset=1700000000000": (
        HTML,
        _sq(
            "Latest News",
            "<section>" + _sq_item("hospital-visit", "Hospital visit") + "</section>",
            _SQ_FEED,
        ),
    ),
    "/latest-news?format=rss": (
        RSS,
        """<?xml version="1.0" encoding="UTF-8"?>
<!--Generated by Squarespace Site Server v5.13 (http://www.squarespace.com)-->
<rss xmlns:dc="http://purl.org/dc/elements/1.1/" version="2.0"><channel>
<title>Latest News - Jo Example MP</title><link>{origin}/latest-news/</link>
<item><title>A new station for Sampletown</title><link>{origin}/latest-news/new-station</link>
<pubDate>Fri, 04 Apr 2025 09:00:00 +0000</pubDate></item></channel></rss>""",
    ),
    "/latest-news/new-station": (HTML, _sq_post("A new station for Sampletown", "2025-04-04")),
    "/latest-news/school-funding": (HTML, _sq_post("School funding", "2025-03-14")),
    "/latest-news/hospital-visit": (HTML, _sq_post("Hospital visit", "2024-11-02")),
    "/robots.txt": (
        TEXT,
        "User-agent: *\nDisallow: /config\nDisallow: /search\nSitemap: {origin}/sitemap.xml\n",
    ),
    "/sitemap.xml": (
        XML,
        """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>{origin}/</loc></url><url><loc>{origin}/latest-news</loc></url>
<url><loc>{origin}/latest-news/new-station</loc></url>
<url><loc>{origin}/latest-news/hospital-visit</loc></url></urlset>""",
    ),
}


@contextmanager
def serve(site: dict[str, tuple[str, str]]) -> Iterator[str]:
    """Serve ``site`` on 127.0.0.1; yields the origin (``http://127.0.0.1:PORT``)."""
    origin: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            found = site.get(self.path)
            status = 200 if found else 404
            ctype, text = found or (HTML, "<html><body><h1>Page not found</h1></body></html>")
            body = text.replace("{origin}", origin[0]).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            del format, args

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    origin.append(f"http://127.0.0.1:{server.server_address[1]}")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield origin[0]
    finally:
        server.shutdown()
        server.server_close()
