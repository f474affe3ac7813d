"""Listing pages: whole posts split and matched to permalinks; teasers give no posts."""

from __future__ import annotations

from datetime import date

import lxml.html
from pipeline_pages import FIXTURES, WEEBLY, fixture_page
from test_extract import assert_clean

from pipeline.extract import extract_page
from pipeline.families import detect_family
from pipeline.listing import whole_posts
from pipeline.post_identity import collapse
from pipeline.records import RawPage

SAME_TITLE = "Labour needs to become a party of progressive internationalism once again"


def _listing_posts(page: RawPage) -> list:
    result = extract_page(page)
    assert isinstance(result, list), result
    return result


def test_weebly_listing_splits_into_whole_posts(weebly_listing: RawPage) -> None:
    posts = _listing_posts(weebly_listing)
    assert [p.published_date for p in posts] == [
        date(2020, 2, 25),
        date(2020, 2, 18),
        date(2020, 2, 18),
        date(2020, 2, 14),
        date(2020, 2, 5),
        date(2020, 2, 4),
    ]
    assert all(p.from_listing and p.page_url == weebly_listing.final_url for p in posts)
    assert all(p.date_source == "listing" for p in posts)
    for post in posts:
        assert_clean(post)


def test_listing_posts_matched_to_their_title_links(weebly_listing: RawPage) -> None:
    posts = _listing_posts(weebly_listing)
    by_url = {p.url: p for p in posts}
    slug = f"{WEEBLY}/news/musicians-union-nominates-allin-khan"
    assert by_url[slug].title == "Musicians’ Union nominates Allin-Khan"
    assert by_url[slug].categories == ("Deputy Leadership Campaign", "Trade Unions")
    assert "fourth trade union to back Starmer" in by_url[slug].body
    assert "Rohingya" not in by_url[slug].body


def test_two_posts_with_one_title_on_one_day_stay_two(weebly_listing: RawPage) -> None:
    same = [p for p in collapse(_listing_posts(weebly_listing)) if p.title == SAME_TITLE]
    assert len(same) == 2
    assert len({p.url for p in same}) == 2 and len({p.content_hash for p in same}) == 2
    bodies = sorted(p.body[:40] for p in same)
    assert bodies[0].startswith("Labour needs to become") and bodies[1].startswith("Rosena")


def test_teaser_listing_gives_no_posts_and_no_rejection() -> None:
    page = fixture_page("weebly_listing_teasers.html", f"{WEEBLY}/news", role="listing")
    assert extract_page(page) == []


def test_whole_posts_skips_teasers_and_resolves_links() -> None:
    tree = lxml.html.document_fromstring((FIXTURES / "weebly_listing.html").read_bytes())
    blocks = whole_posts(tree, detect_family(tree), f"{WEEBLY}/news/page/1")
    assert len(blocks) == 6
    assert blocks[2].href == f"{WEEBLY}/news/{SAME_TITLE.lower().replace(' ', '-')}1"
    assert blocks[0].date_text == "25/2/2020"


def test_listing_copy_and_permalink_copy_collapse(
    weebly_listing: RawPage, weebly_post: RawPage
) -> None:
    listing = _listing_posts(weebly_listing)
    permalink = _listing_posts(weebly_post)
    merged = collapse([*listing, *permalink])
    assert len(merged) == 6
    [post] = [p for p in merged if p.url == weebly_post.final_url]
    assert post.page_url == weebly_post.final_url  # the permalink copy wins
    assert post.published_date == date(2020, 2, 5)
    assert not post.from_listing
