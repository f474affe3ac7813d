"""Clean text on the bundled sample sites: every expected post's page, extracted as a post
page, must contain its own opening and closing words and none of the seed pages' traps
(Weebly "Picture" placeholders and imprint, WordPress share/like and comment form, the news
CMS's commenting-forum and registration prompts)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pipeline_pages import make_raw_page
from test_extract import BOILERPLATE, assert_clean

import mpnews
from pipeline.extract import extract_page
from pipeline.records import Post

SAMPLES = Path(mpnews.__file__).parent / "samples"
EXPECTED = json.loads((SAMPLES / "expected_posts.json").read_text(encoding="utf-8"))
FAMILY = {"rosena-allin-khan": "weebly", "hustings-blog": "wordpress"}
FAMILY |= {"independent-politics": "news"}
SEED_TRAPS = (
    "Picture",  # Weebly image placeholder, as its own line
    "on behalf of dr rosena allin-khan",  # Weebly imprint line
    "Leave a Reply",
    "Like this:",
    "Join our commenting forum",
    "Thank you for registering",
)


def _page(expected: dict) -> Path:
    base = SAMPLES / "sites" / FAMILY[expected["source"]] / expected["path"].strip("/")
    options = (base, base / "index.html", base.with_name(base.name + ".html"))
    found = next((p for p in options if p.is_file()), None)
    assert found is not None, f"no sample page for {expected['path']}"
    return found


def _post(expected: dict) -> Post:
    url = f"http://127.0.0.1:8000{expected['path']}"
    result = extract_page(make_raw_page(_page(expected).read_bytes(), url))
    assert isinstance(result, list) and len(result) == 1, result
    return result[0]


def test_every_family_has_expected_posts() -> None:
    assert {FAMILY[e["source"]] for e in EXPECTED} == {"weebly", "wordpress", "news"}


def test_seed_traps_are_in_the_boilerplate_list() -> None:
    listed = {snippet.casefold() for snippet in BOILERPLATE}
    assert {t.casefold() for t in SEED_TRAPS if t != "Picture"} - listed <= {
        "on behalf of dr rosena allin-khan"
    }


@pytest.mark.parametrize("expected", EXPECTED, ids=[e["path"] for e in EXPECTED])
def test_sample_post_body_is_the_post_and_nothing_else(expected: dict) -> None:
    post = _post(expected)
    assert_clean(post)
    flat = " ".join(post.body.split())
    assert flat.startswith(" ".join(expected["body_starts"].split())), flat[:120]
    assert flat.endswith(" ".join(expected["body_ends"].split())), flat[-120:]
    lines = {line.strip().casefold() for line in post.body.splitlines()}
    assert "picture" not in lines
    for trap in SEED_TRAPS[1:]:
        assert trap.casefold() not in post.body.casefold(), trap
    assert post.title == expected["title"]
