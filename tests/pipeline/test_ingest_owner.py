"""Who a post belongs to: an MP's own site (by member_id), a party page (by mention)."""

from __future__ import annotations

from datetime import UTC, datetime

from mpnews.config import Source
from pipeline.ingest import finalise_post
from pipeline.records import Post

TEXT = "Sir Keir Starmer visited Tooting. Sir Keir met the Tooting MP, Dr Rosena Allin-Khan."


def _post() -> Post:
    at = datetime(2025, 3, 1, tzinfo=UTC)
    url = "https://party.example/news/visit"
    return Post(url=url, source="s", title="Sir Keir Starmer visits", body=TEXT, fetched_at=at,
                page_url=url)  # fmt: skip


def _source(**fields: object) -> Source:
    base: dict[str, object] = {"name": "s", "kind": "mp_site", "start_urls": ("https://x/",)}
    return Source(**(base | fields))  # type: ignore[arg-type]


def test_own_site_owner_follows_member_id() -> None:
    post = finalise_post(_post(), _source(mp="Dr R Allin-Khan (old spelling)", member_id=4573))
    assert post.mp == "Rosena Allin-Khan"
    assert post.mps[0] == ("Rosena Allin-Khan", "author")
    assert ("Keir Starmer", "mentioned") in post.mps


def test_party_page_posts_are_linked_by_mention_not_owner() -> None:
    post = finalise_post(_post(), _source(mp="Rosena Allin-Khan", member_id=4573, site="party"))
    assert post.mp == "Keir Starmer"  # the MP the post is about, not the page's MP
    assert all(role == "mentioned" for _, role in post.mps)
    assert {mp for mp, _ in post.mps} == {"Keir Starmer", "Rosena Allin-Khan"}
