"""Disagreeing dates are recorded: a Weebly listing row's date against the permalink's
metadata ends in ``posts.date_conflicts``, through extraction, collapse and a load."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
from pipeline_pages import FETCHED, WEEBLY, fixture_page, make_raw_page

from mpnews.config import Source
from pipeline.extract import extract_page
from pipeline.ingest import finalise_post
from pipeline.post_identity import collapse
from pipeline.records import Post, Rejected
from warehouse.load import load_run
from warehouse.rows import RunRecord

SLUG = (
    "rosena-allin-khan-is-a-real-campaigner-she-knows-how-to-roll-up-her-sleeves-and-get-stuck-in"
)
SOURCE = Source(
    name="test-source",
    kind="mp_site",
    start_urls=(f"{WEEBLY}/news",),
    mp="Rosena Allin-Khan",
    family="weebly",
)
META = '<meta property="article:published_time" content="2020-02-06T10:00:00+00:00"/>'


def _permalink_says_6_february() -> bytes:
    """The stored permalink, its metadata and visible date moved to 6 February 2020."""
    html = fixture_page("weebly_post.html", f"{WEEBLY}/news/{SLUG}").body.decode("utf-8")
    html = html.replace("<head>", f"<head>{META}", 1).replace(">5/2/2020<", ">6/2/2020<")
    return html.encode("utf-8")


def _posts() -> list[Post]:
    listing = fixture_page("weebly_listing.html", f"{WEEBLY}/news", role="listing")
    permalink = make_raw_page(_permalink_says_6_february(), f"{WEEBLY}/news/{SLUG}")
    found: list[Post] = []
    for page in (listing, permalink):
        result = extract_page(page, family="weebly")
        assert isinstance(result, list), result
        found += result
    return [p for p in found if SLUG in p.url]


def test_listing_and_permalink_copies_disagree() -> None:
    listing_copy, permalink_copy = _posts()
    assert listing_copy.from_listing and listing_copy.published_date == date(2020, 2, 5)
    assert permalink_copy.published_date == date(2020, 2, 6)
    [merged] = collapse([listing_copy, permalink_copy])
    assert merged.published_date == date(2020, 2, 6)
    assert "listing:2020-02-05" in merged.date_conflicts
    assert all(not c.endswith("2020-02-06") for c in merged.date_conflicts)
    assert list(merged.date_conflicts) == sorted(set(merged.date_conflicts))


def test_date_conflicts_reach_the_warehouse(tmp_path: Path) -> None:
    posts = [finalise_post(p, SOURCE) for p in collapse(_posts())]
    run = RunRecord("run-1", SOURCE.name, SOURCE.kind, FETCHED, FETCHED, "succeeded", 2, 1)
    warehouse = tmp_path / "w.duckdb"
    load_run(warehouse, run=run, posts=posts)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        [(published, conflicts)] = con.execute(
            "SELECT published_date, date_conflicts FROM posts"
        ).fetchall()
    assert published == date(2020, 2, 6)
    assert "listing:2020-02-05" in conflicts


def test_agreeing_copies_record_no_conflict() -> None:
    at = datetime(2025, 5, 1, tzinfo=UTC)
    common = {"url": f"{WEEBLY}/news/a", "source": "s", "title": "A", "fetched_at": at}
    listing = Post(
        **common,  # type: ignore[arg-type]
        body="Short.",
        page_url=f"{WEEBLY}/news",
        from_listing=True,
        published_date=date(2020, 2, 5),
        date_source="listing",
    )
    permalink = Post(
        **common,  # type: ignore[arg-type]
        body="The full body.",
        page_url=f"{WEEBLY}/news/a",
        published_date=date(2020, 2, 5),
        date_source="meta",
        date_conflicts=("url:2020-02-01", "htmldate:2020-02-05"),
    )
    [merged] = collapse([listing, permalink])
    assert merged.date_conflicts == ("url:2020-02-01",)


def test_an_impossible_date_leaves_a_null_date_and_its_reason_in_the_warehouse(
    tmp_path: Path,
) -> None:
    html = _permalink_says_6_february().decode("utf-8").replace(META, "")
    html = html.replace(">6/2/2020<", ">32/13/2020<")
    page = make_raw_page(html, f"{WEEBLY}/news/{SLUG}")
    [post] = extract_page(page, family="weebly")  # type: ignore[misc]
    run = RunRecord("run-1", SOURCE.name, SOURCE.kind, FETCHED, FETCHED, "succeeded", 1, 1)
    warehouse = tmp_path / "w.duckdb"
    load_run(warehouse, run=run, posts=[finalise_post(post, SOURCE)])
    with duckdb.connect(str(warehouse), read_only=True) as con:
        [row] = con.execute("SELECT published_date, date_source, date_error FROM posts").fetchall()
    assert row == (None, None, "no valid date: 32/13/2020")


def test_a_rejected_page_keeps_its_date_in_the_warehouse(tmp_path: Path) -> None:
    html = (
        "<html><head><title>Video: the MP at the hustings</title>"
        '<meta property="article:published_time" content="2020-02-05T18:00:00+00:00">'
        "</head><body><h1>Video: the MP at the hustings</h1>"
        "<iframe src='https://video.example.org/embed/7'></iframe></body></html>"
    )
    rejected = extract_page(make_raw_page(html, f"{WEEBLY}/news/{SLUG}"))
    assert isinstance(rejected, Rejected)
    run = RunRecord("run-1", SOURCE.name, SOURCE.kind, FETCHED, FETCHED, "succeeded", 1, 0)
    warehouse = tmp_path / "w.duckdb"
    load_run(warehouse, run=run, rejections=[rejected])
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute("SELECT reason, published_date, date_source FROM rejections").fetchall()
    assert rows == [("no main text", date(2020, 2, 5), "meta")]
