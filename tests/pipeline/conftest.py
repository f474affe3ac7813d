"""Stored pages for the pipeline tests, wrapped as RawPages."""

from __future__ import annotations

import pytest
from pipeline_pages import (
    INDEPENDENT_URL,
    WEEBLY,
    WORDPRESS_URL,
    MakePage,
    fixture_page,
    make_raw_page,
)

from pipeline.records import RawPage


@pytest.fixture
def make_page() -> MakePage:
    return make_raw_page


@pytest.fixture
def weebly_listing() -> RawPage:
    return fixture_page("weebly_listing.html", f"{WEEBLY}/news", role="listing")


@pytest.fixture
def weebly_post() -> RawPage:
    slug = "rosena-allin-khan-is-a-real-campaigner-she-knows-how-to-roll-up-her-sleeves-and-get-stuck-in"  # noqa: E501
    return fixture_page("weebly_post.html", f"{WEEBLY}/news/{slug}")


@pytest.fixture
def wordpress_post() -> RawPage:
    return fixture_page("wordpress_post.html", WORDPRESS_URL)


@pytest.fixture
def independent_article() -> RawPage:
    return fixture_page("independent_article.html", INDEPENDENT_URL + "?utm_source=twitter")


@pytest.fixture
def all_fixture_pages(
    weebly_listing: RawPage,
    weebly_post: RawPage,
    wordpress_post: RawPage,
    independent_article: RawPage,
) -> list[RawPage]:
    teasers = fixture_page("weebly_listing_teasers.html", f"{WEEBLY}/news/page/2", "listing")
    return [weebly_listing, teasers, weebly_post, wordpress_post, independent_article]
