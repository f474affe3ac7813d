"""Canonical URLs, ids, fingerprints and collapsing copies of one post."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pipeline_pages import FETCHED, make_raw_page

from pipeline.extract import extract_page
from pipeline.post_identity import collapse, content_hash, normalise_text, post_id
from pipeline.records import Post
from pipeline.urls import canonical_url, url_key

BASE = "https://www.example.org/news/a-post"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("HTTPS://WWW.Example.ORG/news/a-post", BASE),
        ("https://www.example.org:443/news/a-post/", f"{BASE}/"),
        ("http://www.example.org:80/news/a-post", "http://www.example.org/news/a-post"),
        ("https://www.example.org:8443/news/a-post", "https://www.example.org:8443/news/a-post"),
        (f"{BASE}#comments", BASE),
        (f"{BASE}?utm_source=twitter&utm_medium=social&fbclid=abc&gclid=1&mc_cid=x&mc_eid=y", BASE),
        (f"{BASE}/amp/", f"{BASE}/"),
        (f"{BASE}?amp=1", BASE),
        (f"{BASE}?amp", BASE),
        (f"{BASE}?outputType=amp", BASE),
        ("https://www.example.org/amp/news/a-post", BASE),
        (f"{BASE}?page=2&id=7", f"{BASE}?id=7&page=2"),
        (f"{BASE}?outputType=print", f"{BASE}?outputType=print"),
        ("https://www.example.org", "https://www.example.org/"),
        ("https://www.example.org//news//a-post", BASE),
        ("https://example.org/news/a-post", "https://example.org/news/a-post"),  # host kept
    ],
)
def test_canonical_url(url: str, expected: str) -> None:
    assert canonical_url(url) == expected


def test_post_id_stable_and_short() -> None:
    assert post_id(BASE) == post_id(canonical_url(f"{BASE}/?utm_source=x"))
    assert len(post_id(BASE)) == 16
    assert post_id(BASE) != post_id(f"{BASE}1")


def test_content_hash_ignores_case_space_punctuation() -> None:
    assert content_hash("Hello,  World!\n\nAgain.") == content_hash("hello world again")
    assert content_hash("Hello world") != content_hash("Hello world again")


@given(st.text())
def test_canonical_url_idempotent(path: str) -> None:
    once = canonical_url(f"https://example.org/{path}")
    assert canonical_url(once) == once


@given(st.text(), st.text())
def test_content_hash_stable_under_whitespace(a: str, b: str) -> None:
    assert content_hash(f"{a} {b}") == content_hash(f"  {a}\n\n{b}\t")


def _post(url: str = BASE, **kw: object) -> Post:
    fields: dict[str, object] = {
        "url": url,
        "source": "s",
        "title": "A post",
        "body": "Body text.",
        "fetched_at": FETCHED,
        "page_url": url,
    }
    fields.update(kw)
    return Post(**fields)  # type: ignore[arg-type]


def test_collapse_merges_listing_and_permalink_copies() -> None:
    listing = _post(
        body="Short listing body.",
        page_url="https://www.example.org/news",
        from_listing=True,
        categories=("Health", "NHS"),
        published_date=date(2020, 2, 5),
        date_source="listing",
        date_confidence=0.85,
    )
    permalink = _post(
        f"{BASE}/?utm_source=x",
        body="Permalink body, the full one.",
        title="A post (full)",
        author="Dr A",
        categories=("NHS", "Local"),
        published_date=date(2020, 5, 2),
        date_source="htmldate",
        date_confidence=0.3,
    )
    [merged] = collapse([listing, permalink])
    assert merged.body == "Permalink body, the full one." and merged.author == "Dr A"
    assert merged.title == "A post (full)" and not merged.from_listing
    assert merged.categories == ("NHS", "Local", "Health")
    # the permalink is the canonical copy: its date too, the listing's is a recorded conflict
    assert merged.published_date == date(2020, 5, 2) and merged.date_source == "htmldate"
    assert merged.date_conflicts == ("listing:2020-02-05",)
    assert merged.url == f"{BASE}/" and merged.content_hash == content_hash(merged.body)


def test_collapse_keeps_permalink_date_when_explicit() -> None:
    listing = _post(
        from_listing=True,
        published_date=date(2020, 2, 4),
        date_source="listing",
        date_confidence=0.85,
    )
    permalink = _post(published_date=date(2020, 2, 5), date_source="jsonld", date_confidence=0.95)
    [merged] = collapse([listing, permalink])
    assert merged.published_date == date(2020, 2, 5)


def test_collapse_drops_exact_repeats_across_urls() -> None:
    a = _post(f"{BASE}-a", body="Same words, same post.")
    b = _post(f"{BASE}-b", body="same words same post")
    assert [p.url for p in collapse([b, a])] == [f"{BASE}-a"]


def test_collapse_keeps_same_title_different_bodies() -> None:
    a = _post(f"{BASE}", body="First body.")
    b = _post(f"{BASE}1", body="Second body.")
    assert len(collapse([a, b])) == 2


def test_collapse_is_order_independent() -> None:
    posts = [
        _post(
            f"{BASE}{i % 4}",
            body=f"Body {i % 4} {'long' * (i % 3)}",
            from_listing=i % 2 == 0,
            categories=(f"C{i}",),
            published_date=date(2020, 1, 1 + i),
        )
        for i in range(12)
    ]
    expected = collapse(posts)
    for seed in range(5):
        shuffled = posts[:]
        random.Random(seed).shuffle(shuffled)
        assert collapse(shuffled) == [replace(p) for p in expected]


@pytest.mark.parametrize(
    "spelling",
    [
        "http://example.org/news/a-post",  # scheme
        "https://www.example.org/news/a-post/",  # www. and trailing slash
        "https://WWW.EXAMPLE.ORG/news/a-post#respond",  # case and fragment
        "https://www.example.org/news/a-post?utm_campaign=x&fbclid=1&gclid=2",  # tracking
        "https://www.example.org/news/a-post/amp/",  # AMP path
        "https://amp.example.org/news/a-post",  # AMP host
        "https://www.example.org/news/a-post.amp",  # AMP suffix
    ],
)
def test_every_spelling_of_a_page_has_one_id(spelling: str) -> None:
    assert url_key(spelling) == "//example.org/news/a-post"
    assert post_id(spelling) == post_id(BASE)


def test_amp_suffix_keeps_the_html_extension() -> None:
    assert canonical_url(f"{BASE}.amp.html") == f"{BASE}.html"
    assert url_key("https://www.example.org/news/a-post-amp") != url_key(BASE)  # a real slug


def test_amp_page_is_stored_under_its_rel_canonical() -> None:
    html = (
        '<html><head><link rel="canonical" href="https://example.org/news/a-post/">'
        "<title>A post</title></head><body><article><h1>A post</h1>"
        + "".join(f"<p>Paragraph {i} of a post that is long enough to keep.</p>" for i in range(8))
        + "</article></body></html>"
    )
    page = make_raw_page(html, "https://www.example.org/news/a-post/amp/?utm_source=x")
    posts = extract_page(page)
    assert isinstance(posts, list) and posts
    assert posts[0].url == "https://example.org/news/a-post/"
    assert post_id(posts[0].url) == post_id(BASE)


def test_normalise_text_is_what_the_hash_sees() -> None:
    assert normalise_text("  Hello,\n\nWORLD!  ") == "hello world"
    assert content_hash("Hello, World!") == content_hash(normalise_text("Hello, World!"))
