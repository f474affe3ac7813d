"""Whole-line cleanup rules and family detection."""

from __future__ import annotations

import lxml.html
import pytest
from pipeline_pages import FIXTURES

from pipeline.clean import clean_text
from pipeline.families import detect_family


@pytest.mark.parametrize(
    "line",
    [
        "Picture",
        "  Picture  ",
        "Share this:",
        "Like this:",
        "Like Loading...",
        "Leave a Reply",
        "Leave a Reply.",
        "Fill in your details below or click an icon to log in:",
        "You are commenting using your WordPress.com account. ( Log Out / Change )",
        "Connecting to %s",
        "Join our commenting forum",
        "Join thought-provoking conversations, follow other Independent readers and see their replies",  # noqa: E501
        "Thank you for registering",
        "Please refresh the page or navigate to another page on the site to be automatically logged in",  # noqa: E501
        "promoted by sean lawless, on behalf of dr rosena allin-khan, both at 89 bickersteth road, sw17 9sh.",  # noqa: E501
        "Categories",
        "Archives",
        "RSS Feed",
        "Subscribe to my Newsletter",
        "0 Comments",
    ],
)
def test_boilerplate_lines_go(line: str) -> None:
    assert clean_text(f"First paragraph.\n{line}\nLast paragraph.") == (
        "First paragraph.\n\nLast paragraph."
    )


@pytest.mark.parametrize(
    "line",
    [
        "remember the picture of Theresa May and Nicola Sturgeon on the front page",
        "Picture this: a fully funded NHS.",
        "Categories of care need review.",
        "I will leave a reply to the minister in writing.",
        "The leaflet was promoted by volunteers.",
    ],
)
def test_words_inside_sentences_stay(line: str) -> None:
    assert clean_text(line) == line


def test_repeated_caption_and_leading_title_go() -> None:
    text = "My title\nA caption here\nA caption here\nBody text."
    assert clean_text(text, title="My Title") == "A caption here\n\nBody text."


@pytest.mark.parametrize(
    ("name", "family"),
    [
        ("weebly_listing.html", "weebly"),
        ("weebly_post.html", "weebly"),
        ("wordpress_post.html", "wordpress"),
        ("independent_article.html", "news"),
    ],
)
def test_detect_family(name: str, family: str) -> None:
    tree = lxml.html.document_fromstring((FIXTURES / name).read_bytes())
    assert detect_family(tree).name == family
    assert detect_family(tree, "news").name == "news"
