"""One coherent row per story: a story published by a newspaper and on the MP's own site is
one post whose url, title, body, published_date and author all come from the copy chosen as
canonical, whichever copy arrives first and whichever is chosen."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pytest

from mpnews.config import Source
from pipeline.ingest import finalise_post
from pipeline.post_identity import collapse
from pipeline.records import Post
from warehouse.load import load_run
from warehouse.rows import RunRecord

TEXT = (
    "Fleur Anderson has called on the government to make every railway station in Putney "
    "step-free within five years, saying disabled passengers, older people and parents with "
    "buggies are being left behind by stations that can only be reached by stairs. In a letter "
    "to the transport secretary she asked for the Access for All fund to prioritise the "
    "busiest stations in her constituency, and for a timetable the public can hold ministers "
    "to. Campaigners welcomed the call and said the stations had waited long enough."
)
NEWS = Source(
    name="local-paper", kind="news_site", start_urls=("https://www.localpaper.co.uk/news",)
)
MP_SITE = Source(
    name="fleur-anderson",
    kind="mp_site",
    start_urls=("https://www.fleuranderson.co.uk/news",),
    mp="Fleur Anderson",
)


def _copy(
    source: Source, url: str, title: str, author: str, day: date, body: str, run_id: str = ""
) -> Post:
    seen = datetime(2020, 2, 10, 9, tzinfo=UTC)
    post = Post(
        url=url,
        source=source.name,
        title=title,
        body=body,
        fetched_at=seen,
        page_url=url,
        author=author,
        published_date=day,
        date_source="jsonld",
        date_confidence=0.95,
        run_id=run_id,
    )
    return finalise_post(post, source)


NEWS_COPY = (
    NEWS,
    "https://www.localpaper.co.uk/news/putney-mp-step-free-stations",
    "Putney MP calls for step-free stations",
    "Sam Reporter",
)
MP_COPY = (
    MP_SITE,
    "https://www.fleuranderson.co.uk/news/step-free-stations-for-putney",
    "Step-free stations for Putney now",
    "Fleur Anderson",
)


def _load(warehouse: Path, post: Post, source: Source, run: int) -> None:
    started = datetime(2020, 2, 10 + run, 9, tzinfo=UTC)
    record = RunRecord(
        f"2020021{run}T090000Z-{source.name}",
        source.name,
        source.kind,
        started,
        started,
        "succeeded",
        1,
        1,
    )
    load_run(warehouse, run=record, posts=[post])


def _run_id(source: Source, run: int) -> str:
    return f"2020021{run}T090000Z-{source.name}"


def _rows(warehouse: Path) -> list[tuple[object, ...]]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(
            "SELECT url, title, body, published_date, author FROM posts ORDER BY post_id"
        ).fetchall()


@pytest.mark.parametrize("mp_first", [True, False])
@pytest.mark.parametrize(
    ("news_day", "mp_day"),
    [(date(2020, 2, 5), date(2020, 2, 4)), (date(2020, 2, 4), date(2020, 2, 5))],
)
def test_story_from_a_newspaper_and_the_mp_site_is_one_coherent_row(
    tmp_path: Path, mp_first: bool, news_day: date, mp_day: date
) -> None:
    other = TEXT.replace("Campaigners welcomed", "Local campaigners welcomed")
    news = _copy(*NEWS_COPY, news_day, TEXT, _run_id(NEWS, 2 if mp_first else 1))
    mp = _copy(*MP_COPY, mp_day, other, _run_id(MP_SITE, 1 if mp_first else 2))
    order = [(mp, MP_SITE), (news, NEWS)] if mp_first else [(news, NEWS), (mp, MP_SITE)]
    warehouse = tmp_path / "w.duckdb"
    for run, (post, source) in enumerate(order, 1):
        _load(warehouse, post, source, run)
    [row] = _rows(warehouse)
    canonical = mp if mp_day < news_day else news
    assert row == (
        canonical.url,
        canonical.title,
        canonical.body,
        canonical.published_date,
        canonical.author,
    )


def test_copies_of_one_page_keep_one_copys_fields() -> None:
    """A listing copy and the permalink of one page: the row is the permalink's, whole."""
    url = "https://www.fleuranderson.co.uk/news/step-free-stations-for-putney"
    permalink = _copy(MP_SITE, url, "Step-free stations for Putney now", "", date(2020, 2, 5), TEXT)
    permalink = Post(**{**_fields(permalink), "author": None})
    listing = Post(
        **{
            **_fields(permalink),
            "from_listing": True,
            "page_url": "https://www.fleuranderson.co.uk/news",
            "author": "Office of Fleur Anderson",
            "published_date": date(2020, 2, 4),
            "date_source": "listing",
            "date_confidence": 0.99,
            "body": TEXT[:200],
        }
    )
    [merged] = collapse([listing, permalink])
    assert (merged.title, merged.body, merged.published_date, merged.author) == (
        permalink.title,
        permalink.body,
        permalink.published_date,
        permalink.author,
    )
    assert "listing:2020-02-04" in merged.date_conflicts


def _fields(post: Post) -> dict[str, object]:
    return {name: getattr(post, name) for name in Post.__slots__}
