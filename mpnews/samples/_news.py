"""The national-newspaper sample ("The Independent" clone): articles, section front, topics,
feed and sitemaps. One article is reachable ONLY through the monthly sitemap.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from mpnews.samples import _news_layout as layout
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
from mpnews.samples._seeds import news_seed_article

__all__ = ["SOURCE", "NewsArticle", "build_news"]

SOURCE = "independent-politics"
SECTION = "/news/uk/politics"
SECTION_NAME = "Politics"  # the section (breadcrumb, article:section) counts as a category
PER_PAGE = 2
_SEED_SLUG = "rosena-allin-khan-labour-deputy-leader-sexual-harassment-nhs-doctor-a9303421"
_SEED_TAGS = (
    "Labour Party",
    "Labour deputy leadership",
    "NHS",
    "Rosena Allin-Khan",
    "Sexual harassment",
)


@dataclass(frozen=True, slots=True)
class NewsArticle:
    """One article of the news sample."""

    path: str
    title: str
    standfirst: str
    author: str
    author_role: str
    published: datetime
    modified: datetime
    tags: tuple[str, ...]
    paragraphs: tuple[str, ...]
    caption: str
    credit: str
    mp: str | None
    linked: bool
    footer_lines: tuple[str, ...]

    @property
    def date_text(self) -> str:
        """As the page shows it: ``Monday 27 January 2020 08:46 GMT``."""
        when = self.published
        return f"{when:%A} {when.day} {when:%B %Y %H:%M} GMT"


def build_news() -> tuple[Files, list[ExpectedPost]]:
    """Every file of the news site, and its golden posts."""
    articles = _articles()
    linked = [a for a in articles if a.linked]
    files: Files = dict(layout.static_pages(linked))
    pages = [linked[i : i + PER_PAGE] for i in range(0, len(linked), PER_PAGE)]
    for number, chunk in enumerate(pages, start=1):
        name = "index.html" if number == 1 else f"index__page-{number}.html"
        files[f"news/uk/politics/{name}"] = layout.section_front(chunk, number, len(pages))
    for tag in sorted({t for a in articles for t in a.tags}):
        members = [a for a in articles if tag in a.tags]
        files[f"topic/{slugify(tag)}.html"] = layout.listing_page(
            tag, f"/topic/{slugify(tag)}", members
        )
    for author in sorted({a.author for a in linked}):
        members = [a for a in linked if a.author == author]
        files[f"author/{slugify(author)}.html"] = layout.listing_page(
            author, f"/author/{slugify(author)}", members
        )
    for article in articles:
        related = [a for a in linked if a is not article]
        files[article.path.lstrip("/")] = layout.article_page(article, related)
    files["news/uk/politics/rss"] = _feed(linked)
    files.update(_sitemaps(articles, linked))
    return files, [_expected(a) for a in articles]


def _articles() -> list[NewsArticle]:
    seed = news_seed_article()
    published = datetime.fromisoformat("2020-01-27T08:46:00+00:00")
    articles = [
        NewsArticle(
            path=f"{SECTION}/{_SEED_SLUG}.html",
            title=seed.headline,
            standfirst=seed.standfirst,
            author=seed.author,
            author_role=seed.author_role,
            published=published,
            modified=datetime.fromisoformat("2020-01-28T09:31:00+00:00"),
            tags=_SEED_TAGS,
            paragraphs=seed.paragraphs,
            caption=seed.caption,
            credit=seed.credit,
            mp="Rosena Allin-Khan",
            linked=True,
            footer_lines=seed.footer_lines,
        )
    ]
    footer = seed.footer_lines
    for extra in extra_posts("news"):
        folder = f"{SECTION}/{extra['path_date']}" if "path_date" in extra else SECTION
        when = datetime.fromisoformat(extra["published"])
        articles.append(
            NewsArticle(
                path=f"{folder}/{extra['slug']}.html",
                title=extra["title"],
                standfirst=extra["standfirst"],
                author="Political Staff",
                author_role="",
                published=when,
                modified=when,
                tags=tuple(extra["tags"]),
                paragraphs=tuple(extra["paragraphs"]),
                caption="The Houses of Parliament in Westminster",
                credit="(Getty)",
                mp=extra.get("mp"),
                linked=extra["linked"],
                footer_lines=footer,
            )
        )
    return sorted(articles, key=lambda a: a.published, reverse=True)


def _feed(linked: list[NewsArticle]) -> str:
    items = "\n".join(
        f"<item><title><![CDATA[{a.title}]]></title>"
        f"<description><![CDATA[{a.standfirst}]]></description>"
        f'<link>{ORIGIN}{a.path}</link><guid isPermaLink="true">{ORIGIN}{a.path}</guid>'
        f"<pubDate>{rfc822(a.published)}</pubDate>"
        f"<dc:creator>{esc(a.author)}</dc:creator></item>"
        for a in linked
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom">
<channel>
<title>The Independent - Politics</title>
<link>{ORIGIN}{SECTION}</link>
<description>Politics news, analysis and comment from The Independent</description>
<atom:link href="{ORIGIN}{SECTION}/rss" rel="self" type="application/rss+xml"/>
<language>en-gb</language>
<lastBuildDate>{rfc822(linked[0].published)}</lastBuildDate>
{items}
</channel>
</rss>
"""


def _sitemaps(articles: list[NewsArticle], linked: list[NewsArticle]) -> Files:
    months = sorted({a.published.strftime("%Y-%m") for a in articles})
    index_rows = [f"{ORIGIN}/sitemaps/news.xml"] + [f"{ORIGIN}/sitemaps/{m}.xml" for m in months]
    index = "\n".join(f"<sitemap><loc>{loc}</loc></sitemap>" for loc in index_rows)
    files: Files = {
        "sitemap.xml": '<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns='
        f'"http://www.sitemaps.org/schemas/sitemap/0.9">\n{index}\n</sitemapindex>\n',
        "sitemaps/news.xml": _news_sitemap(linked),
    }
    for month in months:
        rows = "\n".join(
            f"<url><loc>{ORIGIN}{a.path}</loc><lastmod>{a.modified.isoformat()}</lastmod></url>"
            for a in articles
            if a.published.strftime("%Y-%m") == month
        )
        files[f"sitemaps/{month}.xml"] = (
            '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns='
            f'"http://www.sitemaps.org/schemas/sitemap/0.9">\n{rows}\n</urlset>\n'
        )
    return files


def _news_sitemap(linked: list[NewsArticle]) -> str:
    rows = "\n".join(
        f"<url><loc>{ORIGIN}{a.path}</loc><news:news><news:publication>"
        "<news:name>The Independent</news:name><news:language>en</news:language>"
        f"</news:publication><news:publication_date>{a.published.isoformat()}"
        f"</news:publication_date><news:title>{esc(a.title)}</news:title>"
        f"<news:keywords>{esc(', '.join(a.tags))}</news:keywords></news:news></url>"
        for a in linked
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/'
        'sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">\n'
        f"{rows}\n</urlset>\n"
    )


def _expected(article: NewsArticle) -> ExpectedPost:
    text = " ".join((article.standfirst, *article.paragraphs))  # the visible standfirst is kept
    return ExpectedPost(
        source=SOURCE,
        path=article.path,
        title=article.title,
        published_date=article.published.date().isoformat(),
        categories=(SECTION_NAME, *article.tags),
        mp=article.mp,
        body_starts=snippet_start(text),
        body_ends=snippet_end(text),
    )
