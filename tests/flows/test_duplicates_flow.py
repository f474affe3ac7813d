"""Across sources and runs: a news article re-posted on an MP's site is ONE post, two sightings.

The sample news article and a copy of it dressed in the sample Weebly site's furniture (an
intro line, share links, comment form, sidebar) are archived as WARCs, extracted with
``extract_run`` and loaded with ``load_run`` exactly as the crawl flow does.
"""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb
import pytest

from mpnews.config import Source
from pipeline.ingest import extract_run
from pipeline.records import RawPage
from pipeline.warc import write_pages
from warehouse.load import load_run
from warehouse.rows import RunRecord

NEWS_HOST = "https://www.independent-sample.test"
MP_HOST = "https://rosena-sample.test"
ARTICLE = (
    "news/uk/politics/"
    "rosena-allin-khan-labour-deputy-leader-sexual-harassment-nhs-doctor-a9303421.html"
)
TEMPLATE = "news/advice-surgeries-in-january-and-february.html"
MP_SLUG = "news/my-interview-with-the-independent"
NEWS = Source(name="independent-politics", kind="news_site", start_urls=(f"{NEWS_HOST}/",))
MP = Source(
    name="rosena-allin-khan",
    kind="mp_site",
    start_urls=(f"{MP_HOST}/news",),
    mp="Rosena Allin-Khan",
    family="weebly",
)
PARAGRAPH = re.compile(r"^<p>(.*)</p>$", re.M)
CONTENT = re.compile(
    r'(<div class="blog-content">).*?(</div>\n<p class="blog-category-list">)', re.S
)
T0 = datetime(2020, 1, 28, 9, 0, tzinfo=UTC)


def _site_file(site: str, path: str) -> str:
    root = resources.files("mpnews.samples").joinpath("sites", site)
    return root.joinpath(*path.split("/")).read_text(encoding="utf-8")


def _news_page() -> str:
    return _site_file("news", ARTICLE).replace("http://sample.invalid", NEWS_HOST)


def _mp_page() -> str:
    """The article's paragraphs in the MP site's post furniture, with her own intro line."""
    paragraphs = PARAGRAPH.findall(_site_file("news", ARTICLE))
    intro = "I spoke to The Independent about my experience. You can read the interview below."
    body = "".join(f'<div class="paragraph">{p}</div>\n' for p in [intro, *paragraphs])
    page = _site_file("weebly", TEMPLATE)
    page = CONTENT.sub(lambda m: f"{m.group(1)}\n{body}{m.group(2)}", page)
    title = "My interview with The Independent"
    page = page.replace("Advice surgeries in January and February", html.escape(title))
    page = page.replace("10/1/2020", "27/1/2020")
    page = page.replace("advice-surgeries-in-january-and-february", MP_SLUG.split("/")[-1])
    return page.replace("http://sample.invalid", MP_HOST)


def _archive(tmp: Path, source: Source, url: str, text: str, run_id: str, at: datetime) -> Path:
    page = RawPage(
        url=url,
        final_url=url,
        status=200,
        headers=(("Content-Type", "text/html; charset=utf-8"),),
        body=text.encode("utf-8"),
        fetched_at=at,
        source=source.name,
        run_id=run_id,
        role="post",
    )
    return write_pages(tmp / f"{run_id}-{source.name}.warc.gz", [page])


def _crawl(tmp: Path, warehouse: Path, source: Source, run_id: str, at: datetime) -> None:
    url, text = (
        (f"{NEWS_HOST}/{ARTICLE}", _news_page())
        if source is NEWS
        else (f"{MP_HOST}/{MP_SLUG}", _mp_page())
    )
    extracted = extract_run(
        [_archive(tmp, source, url, text, run_id, at)], source=source, workers=1
    )
    assert len(extracted.posts) == 1, extracted.rejections
    run = RunRecord(run_id, source.name, source.kind, at, at, "succeeded", 1, 1)
    load_run(
        warehouse,
        run=run,
        posts=extracted.posts,
        pages=list(extracted.pages),
        rejections=extracted.rejections,
    )


def _query(warehouse: Path, sql: str) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql).fetchall()


def _one_post_two_sightings(warehouse: Path) -> None:
    posts = _query(warehouse, "SELECT post_id, url, source, kind, title FROM posts")
    assert len(posts) == 1
    post_id, url, source, kind, title = posts[0]
    assert (url, source, kind) == (f"{NEWS_HOST}/{ARTICLE}", NEWS.name, "news_site")
    assert title.startswith("Rosena Allin-Khan: Labour deputy candidate")
    sightings = _query(warehouse, "SELECT post_id, url, source FROM post_sightings ORDER BY source")
    assert sightings == [
        (post_id, f"{NEWS_HOST}/{ARTICLE}", NEWS.name),
        (post_id, f"{MP_HOST}/{MP_SLUG}", MP.name),
    ]
    mps = _query(warehouse, "SELECT mp, role FROM post_mps")
    assert ("Rosena Allin-Khan", "author") not in mps  # the newspaper's article, not hers


@pytest.mark.parametrize("first", [NEWS, MP], ids=["news-first", "mp-site-first"])
def test_cross_post_is_one_post_across_sources_and_runs(tmp_path: Path, first: Source) -> None:
    warehouse = tmp_path / "wh" / "mpnews.duckdb"
    second = MP if first is NEWS else NEWS
    _crawl(tmp_path, warehouse, first, "run-1", T0)
    _crawl(tmp_path, warehouse, second, "run-2", T0 + timedelta(days=1))
    _one_post_two_sightings(warehouse)
    for source in (NEWS, MP):  # a later run of both sources changes nothing
        _crawl(tmp_path, warehouse, source, "run-3", T0 + timedelta(days=2))
    _one_post_two_sightings(warehouse)
    (copies,) = _query(warehouse, "SELECT count(*) FROM post_copies")[0]
    assert copies == 1


def test_same_run_both_sources(tmp_path: Path) -> None:
    warehouse = tmp_path / "wh" / "mpnews.duckdb"
    _crawl(tmp_path, warehouse, MP, "run-1", T0)
    _crawl(tmp_path, warehouse, NEWS, "run-1", T0)
    _one_post_two_sightings(warehouse)
    first_seen = _query(warehouse, "SELECT first_seen_at FROM posts")
    assert first_seen == [(T0,)]
