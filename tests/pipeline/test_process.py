"""The parallel runner gives what the inline one gives."""

from __future__ import annotations

import dataclasses
from datetime import date
from functools import partial

from pipeline_pages import make_raw_page

from pipeline.post_identity import collapse
from pipeline.process import date_pages, process_pages
from pipeline.records import Post, RawPage, Rejected


def test_workers_two_equals_workers_one(all_fixture_pages: list[RawPage]) -> None:
    pages = [*all_fixture_pages, make_raw_page(b"", status=404), make_raw_page(b"")] * 3
    inline = list(process_pages(iter(pages), workers=1))
    pooled = list(process_pages(iter(pages), workers=2))
    assert pooled == inline
    assert sum(isinstance(r, Rejected) for r in inline) == 6
    posts = [r for r in inline if isinstance(r, Post)]
    assert len(collapse(posts)) == 8  # 6 Weebly posts, the WordPress post, the article
    assert collapse(reversed(posts)) == collapse(posts)


def test_then_runs_on_each_post_in_the_worker(all_fixture_pages: list[RawPage]) -> None:
    then = partial(dataclasses.replace, kind="checked")
    pooled = list(process_pages(iter(all_fixture_pages * 3), workers=2, then=then))
    posts = [r for r in pooled if isinstance(r, Post)]
    assert posts and all(p.kind == "checked" for p in posts)


def test_date_pages_in_input_order(all_fixture_pages: list[RawPage]) -> None:
    pages = [*all_fixture_pages, make_raw_page(b"")] * 3
    inline = list(date_pages(iter(pages), workers=1))
    assert list(date_pages(iter(pages), workers=2)) == inline
    assert [c.date if c else None for c in inline[2:6]] == [
        date(2020, 2, 5),
        date(2017, 5, 30),
        date(2020, 1, 27),
        None,
    ]
