"""Big static sites for discovery tests, built in memory and served on 127.0.0.1.

* ``weebly_excerpts``: a Weebly blog copied as static files (``/news/previous/N.html``,
  ``/news/category/x.html``, permalinks ``/news/<slug>.html``) whose listings show
  EXCERPTS with "Read More" links, and whose copy lost Weebly's scripts and ``wsite-``
  classes: only the blog partials (``blog-post``, ``blog-title-link``, ...) say "Weebly".
  Its RSS feed lists the ten newest posts only.
* ``wordpress_deep``: a WordPress blog with hundreds of ``/page/N/`` listing pages of
  excerpts, category and monthly archive listings, and ``?p=N`` short links.
* ``news_sitemaps``: a news site whose sitemap index lists monthly sitemaps with thousands
  of articles in all.

Each builder returns ``(files, post_paths)``: request path -> (content type, bytes), and the
paths of every post page.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

__all__ = ["news_sitemaps", "serve", "weebly_excerpts", "wordpress_deep"]

Files = dict[str, tuple[str, bytes]]
_HTML = "text/html; charset=utf-8"
_XML = "application/xml"
_ROBOTS = ("text/plain", b"User-agent: *\nDisallow: /admin/\n")
_WORDS = (
    "council",
    "housing",
    "budget",
    "hospital",
    "school",
    "transport",
    "police",
    "parliament",
    "constituency",
    "residents",
    "campaign",
    "funding",
    "community",
    "local",
    "government",
    "minister",
    "debate",
    "vote",
    "surgery",
    "energy",
    "bills",
    "railway",
    "station",
    "library",
    "park",
    "volunteers",
    "charity",
    "families",
)


def _text(seed: int, sentences: int) -> list[str]:
    """Deterministic filler sentences, different for each ``seed``."""
    out = []
    for s in range(sentences):
        words = [_WORDS[(seed * 7 + s * 13 + i * 5) % len(_WORDS)] for i in range(14)]
        out.append(f"Post {seed} says: " + " ".join(words).capitalize() + ".")
    return out


def _page(title: str, main: str, head: str = "", *, footer: bool = True) -> bytes:
    links = "<a href='/admin/'>Log in</a> <a href='/contact.html'>Contact</a>" if footer else ""
    return (
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{escape(title)}"
        f"</title>{head}</head><body><div class='main'>{main}</div>"
        f"<div class='footer'>{links}</div></body></html>"
    ).encode()


def weebly_excerpts(posts: int = 70, per_page: int = 10) -> tuple[Files, set[str]]:
    """The Weebly excerpt blog (see the module docstring)."""
    items = [
        (n, f"/news/update-number-{n}-from-the-constituency.html") for n in range(posts, 0, -1)
    ]
    categories = {"housing": [], "transport": [], "nhs": []}
    for n, path in items:
        categories[("housing", "transport", "nhs")[n % 3]].append((n, path))
    files: Files = {"/robots.txt": _ROBOTS}
    sidebar = (
        "<div class='blog-sidebar'><h2>Categories</h2><div class='blog-category-list'>"
        "<a href='/news/category/all.html'>All</a><br />"
        + "".join(f"<a href='/news/category/{c}.html'>{c.title()}</a><br />" for c in categories)
        + "</div><h2>Archives</h2><div class='blog-archive-list'>"
        "<a href='/news/archives/02-2020.html'>February 2020</a></div>"
        "<a href='/1/feed'>RSS Feed</a></div>"
    )
    pages = [items[i : i + per_page] for i in range(0, len(items), per_page)]
    for number, chunk in enumerate(pages, start=1):
        path = "/news" if number == 1 else f"/news/previous/{number}.html"
        older = f"/news/previous/{number + 1}.html" if number < len(pages) else None
        files[path] = (_HTML, _weebly_listing(chunk, older, sidebar))
    for name, members in (("all", items), *categories.items()):
        files[f"/news/category/{name}.html"] = (_HTML, _weebly_listing(members, None, sidebar))
    files["/news/archives/02-2020.html"] = (_HTML, _weebly_listing(items[:5], None, sidebar))
    for n, path in items:
        post = _weebly_block(n, path, whole=True)
        files[path] = (_HTML, _page(f"Update number {n}", post + sidebar))
    feed = "".join(
        f"<item><title>Update number {n}</title><link>http://mirror.invalid{path}</link></item>"
        for n, path in items[:10]
    )
    files["/1/feed"] = (
        "application/rss+xml",
        f"<?xml version='1.0'?><rss version='2.0'><channel>{feed}</channel></rss>".encode(),
    )
    return files, {path for _, path in items}


def _weebly_listing(chunk: list[tuple[int, str]], older: str | None, sidebar: str) -> bytes:
    blocks = "".join(_weebly_block(n, path, whole=False) for n, path in chunk)
    nav = (
        f"<div class='blog-page-nav-previous'><a href='{older}' class='blog-link'>"
        "&lt;&lt;Previous</a></div>"
        if older
        else ""
    )
    return _page("News", f"<div id='blogTable' class='blog-table'>{blocks}{nav}</div>{sidebar}")


def _weebly_block(n: int, path: str, *, whole: bool) -> str:
    lines = _text(n, 6 if whole else 1)
    body = "".join(f"<div class='paragraph'>{escape(line)}</div>" for line in lines)
    more = (
        ""
        if whole
        else f"<div class='blog-read-more'><a class='blog-link' href='{path}'>Read More</a></div>"
    )
    return (
        f"<div id='blog-post-{n}' class='blog-post'><div class='blog-header'>"
        f"<h2 class='blog-title'><a class='blog-title-link blog-link' href='{path}'>"
        f"Update number {n} from the constituency</a></h2>"
        f"<p class='blog-date'><span class='date-text'>{n % 28 + 1}/2/2020</span></p></div>"
        f"<div class='blog-content'>{body}</div>{more}</div>"
    )


def wordpress_deep(pages: int = 120, per_page: int = 5) -> tuple[Files, set[str]]:
    """A WordPress blog with ``pages`` listing pages (see the module docstring)."""
    total = pages * per_page
    items = [(n, f"/20{10 + n % 10}/{n % 12 + 1:02d}/{n:04d}-a-post-about-things/") for n in
             range(total, 0, -1)]  # fmt: skip
    head = "<meta name='generator' content='WordPress 6.4' />"
    files: Files = {"/robots.txt": _ROBOTS}
    chunks = [items[i : i + per_page] for i in range(0, total, per_page)]
    months = sorted({path[:9] for _, path in items})
    widgets = (
        "<aside class='widget widget_categories'><ul>"
        "<li><a href='/category/local/'>Local</a></li>"
        "<li><a href='/category/westminster/'>Westminster</a></li></ul></aside>"
        "<aside class='widget widget_archive'><ul>"
        + "".join(f"<li><a href='{m}'>{m}</a></li>" for m in months)
        + "</ul></aside>"
    )
    for number, chunk in enumerate(chunks, start=1):
        path = "/" if number == 1 else f"/page/{number}/"
        files[path] = (_HTML, _wp_listing(chunk, number, len(chunks), widgets, head))
    for name in ("local", "westminster"):
        members = [it for it in items if (it[0] % 2 == 0) == (name == "local")][:per_page]
        files[f"/category/{name}/"] = (_HTML, _wp_listing(members, 1, 1, widgets, head))
    for month in months:
        members = [it for it in items if it[1].startswith(month)][:per_page]
        files[month] = (_HTML, _wp_listing(members, 1, 1, widgets, head))
    for n, path in items:
        body = "".join(f"<p>{escape(line)}</p>" for line in _text(n, 6))
        article = (
            f"<article class='post'><h1 class='entry-title'>A post about things {n}</h1>"
            f"<div class='entry-content'>{body}</div></article>"
        )
        files[path] = (_HTML, _page(f"A post about things {n}", article + widgets, head))
    return files, {path for _, path in items}


def _wp_listing(
    chunk: list[tuple[int, str]], number: int, last: int, widgets: str, head: str
) -> bytes:
    articles = "".join(
        f"<article class='post'><h2 class='entry-title'><a href='{path}' rel='bookmark'>"
        f"A post about things {n}</a></h2><div class='entry-summary'><p>"
        f"{escape(_text(n, 1)[0])}</p><a class='more-link' href='{path}'>Continue reading"
        "</a></div></article>"
        for n, path in chunk
    )
    near = [p for p in (1, number - 1, number + 1, last) if 1 <= p <= last and p != number]
    numbers = "".join(
        f"<a class='page-numbers' href='{'/' if p == 1 else f'/page/{p}/'}'>{p}</a>"
        for p in dict.fromkeys(near)
    )
    return _page("Blog", f"{articles}<nav class='pagination'>{numbers}</nav>{widgets}", head)


def news_sitemaps(months: int = 5, per_month: int = 600) -> tuple[Files, set[str]]:
    """A news site whose sitemap index lists ``months`` sitemaps of ``per_month`` articles."""
    files: Files = {
        "/robots.txt": (
            "text/plain",
            b"User-agent: *\nSitemap: http://mirror.invalid/sitemap.xml\n",
        )
    }
    posts: set[str] = set()
    index = []
    for m in range(1, months + 1):
        sitemap = f"/sitemaps/2020-{m:02d}.xml"
        index.append(f"<sitemap><loc>http://mirror.invalid{sitemap}</loc></sitemap>")
        urls = []
        for i in range(per_month):
            article = 9_000_000 + m * 1000 + i
            path = f"/news/uk/politics/story-{m}-{i}-about-westminster-a{article}.html"
            posts.add(path)
            urls.append(f"<url><loc>http://mirror.invalid{path}</loc></url>")
        files[sitemap] = (_XML, _urlset(urls))
    files["/sitemap.xml"] = (
        _XML,
        (
            "<?xml version='1.0'?><sitemapindex xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
            + "".join(index)
            + "</sitemapindex>"
        ).encode(),
    )
    files["/news/uk/politics"] = (_HTML, _page("Politics", "<h1>Politics</h1>", footer=False))
    for path in posts:
        body = "".join(f"<p>{escape(line)}</p>" for line in _text(len(path), 5))
        files[path] = (_HTML, _page(path, f"<article><h1>{path}</h1>{body}</article>"))
    return files, posts


def _urlset(urls: list[str]) -> bytes:
    return (
        "<?xml version='1.0'?><urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
        + "".join(urls)
        + "</urlset>"
    ).encode()


@contextmanager
def serve(files: Files, requests: list[str] | None = None) -> Iterator[str]:
    """Serve ``files`` on 127.0.0.1 (``http://mirror.invalid`` in bodies becomes the real
    origin); yields the origin. Unknown paths are 404. ``files`` is read on every request,
    so a test may change the site between crawls; each requested path is appended to
    ``requests`` when given."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    origin = f"http://127.0.0.1:{server.server_address[1]}"
    server.files = files  # type: ignore[attr-defined]
    server.origin = origin.encode()  # type: ignore[attr-defined]
    server.requests = requests if requests is not None else []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield origin
    finally:
        server.shutdown()
        server.server_close()


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        server = self.server
        server.requests.append(self.path)  # type: ignore[attr-defined]
        found = server.files.get(self.path)  # type: ignore[attr-defined]
        kind, body, status = (*found, 200) if found else (_HTML, b"<h1>Not found</h1>", 404)
        body = body.replace(b"http://mirror.invalid", server.origin)  # type: ignore[attr-defined]
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        return
