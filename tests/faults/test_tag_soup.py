"""A post served as tag soup with NUL and other control bytes in its head, title and text, and
a control byte in the listing's link to it, in a real crawl (``trap_crawl``): the post is stored
with its title, date and whole body."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from trap_crawl import SOUP_PATH, TrapRun, trap_run


@pytest.fixture(scope="module")
def soup(tmp_path_factory: pytest.TempPathFactory, prefect_harness: None) -> Iterator[TrapRun]:
    yield trap_run(tmp_path_factory)


def test_tag_soup_with_nul_bytes_is_stored_whole(soup: TrapRun) -> None:
    assert soup.asked["tag-soup"].count(SOUP_PATH) == 1
    rows = soup.query(
        "SELECT url, title, published_date, body FROM posts WHERE source = 'tag-soup'"
    )
    [(url, title, published, body)] = rows
    assert url.endswith(SOUP_PATH)
    assert title == "Flood defences funded for Riverside"
    assert published == date(2024, 3, 14)
    paragraphs = body.split("\n\n")
    assert len(paragraphs) == 3
    assert paragraphs[0].startswith("The Environment Agency has confirmed")
    assert paragraphs[1].startswith("Residents who signed the petition")
    assert paragraphs[2].endswith("The final words of this post are here.")
    assert "\x00" not in body + title
    assert soup.run_row("tag-soup")["status"] == "succeeded"
    assert soup.query("SELECT count(*) FROM rejections WHERE source = 'tag-soup'") == [(0,)]
    assert soup.alerts_for("tag-soup") == []
