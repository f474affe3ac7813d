"""The bundled sample sites (mpnews/samples/sites): every page extracts cleanly."""

from __future__ import annotations

from pathlib import Path

import pytest
from pipeline_pages import make_raw_page
from test_extract import assert_clean

import mpnews
from pipeline.extract import extract_page
from pipeline.records import Post

SITES = Path(mpnews.__file__).parent / "samples" / "sites"
PAGES = sorted(SITES.rglob("*.html")) if SITES.is_dir() else []
FAMILIES = sorted(p.name for p in SITES.iterdir() if p.is_dir()) if SITES.is_dir() else []


def _extract(path: Path, role: str) -> list[Post]:
    url = f"http://127.0.0.1:8000/{path.relative_to(SITES).as_posix()}"
    result = extract_page(make_raw_page(path.read_bytes(), url, role=role))
    return result if isinstance(result, list) else []


def test_sample_sites_are_bundled() -> None:
    assert {"weebly", "wordpress", "news"} <= set(FAMILIES)


@pytest.mark.parametrize("family", FAMILIES)
def test_sample_family_pages_extract_clean(family: str) -> None:
    posts = [
        post
        for path in PAGES
        if path.relative_to(SITES).parts[0] == family
        for role in ("post", "listing")
        for post in _extract(path, role)
    ]
    assert posts, family
    for post in posts:
        assert_clean(post)
