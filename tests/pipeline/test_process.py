"""The parallel runner gives what the inline one gives."""

from __future__ import annotations

from pipeline_pages import make_raw_page

from mpnews.pipeline.dedupe import collapse
from mpnews.pipeline.process import process_pages
from mpnews.pipeline.records import Post, RawPage, Rejected


def test_workers_two_equals_workers_one(all_fixture_pages: list[RawPage]) -> None:
    pages = [*all_fixture_pages, make_raw_page(b"", status=404), make_raw_page(b"")] * 3
    inline = list(process_pages(iter(pages), workers=1))
    pooled = list(process_pages(iter(pages), workers=2))
    assert pooled == inline
    assert sum(isinstance(r, Rejected) for r in inline) == 6
    posts = [r for r in inline if isinstance(r, Post)]
    assert len(collapse(posts)) == 8  # 6 Weebly posts, the WordPress post, the article
    assert collapse(reversed(posts)) == collapse(posts)
