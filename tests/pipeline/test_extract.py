"""extract_page on stored pages of each site family, and every kind of rejection."""

from __future__ import annotations

import re
from datetime import date

import pytest
from pipeline_pages import INDEPENDENT_URL, WEEBLY, WORDPRESS_URL, MakePage

from mpnews.pipeline.extract import decode_body, extract_page
from mpnews.pipeline.records import Post, RawPage, Rejected

BOILERPLATE = (
    "Leave a Reply",
    "Join our commenting forum",
    "Join thought-provoking",
    "Categories",
    "Archives",
    "RSS Feed",
    "promoted by",
    "Subscribe to my Newsletter",
    "Fill in your details below",
    "You are commenting using",
    "Share this:",
    "Like this:",
    "Loading...",
    "Thank you for registering",
    "Please refresh",
    "Connecting to %s",
)
PICTURE_LINE = re.compile(r"^\s*Picture\s*$", re.M)


def _posts(page: RawPage) -> list[Post]:
    result = extract_page(page)
    assert isinstance(result, list), result
    return result


def assert_clean(post: Post) -> None:
    for snippet in BOILERPLATE:
        assert snippet.casefold() not in post.body.casefold(), (snippet, post.url)
    assert not PICTURE_LINE.search(post.body)


def test_weebly_permalink(weebly_post: RawPage) -> None:
    [post] = _posts(weebly_post)
    assert_clean(post)
    assert post.title.startswith("Rosena Allin-Khan is a real campaigner")
    assert post.published_date == date(2020, 2, 5)  # 5/2/2020, day first
    assert post.categories == ("Deputy Leadership Campaign",)
    assert post.url == weebly_post.final_url
    assert not post.from_listing
    assert "It was an horrific experience to watch the door close" in post.body
    assert post.body.endswith("Fleur Anderson is Labour MP for Putney.")
    assert "\n\n" in post.body


def test_wordpress_post_date_from_metadata_only(wordpress_post: RawPage) -> None:
    [post] = _posts(wordpress_post)
    assert_clean(post)
    assert post.title == "Heidi Alexander – virtual hustings"
    assert post.published_date == date(2017, 5, 30)
    assert post.date_source == "meta"
    assert post.updated_at == date(2017, 5, 31)
    assert post.categories == ("Hustings", "General Election 2017")
    assert post.url == WORDPRESS_URL
    assert "Heidi Alexander has responded to our virtual hustings." in post.body
    assert "the picture of Theresa May and Nicola Sturgeon" in post.body
    assert post.body.rstrip().endswith("gives the trolls the attention they crave.")


def test_independent_article(independent_article: RawPage) -> None:
    [post] = _posts(independent_article)
    assert_clean(post)
    assert post.url == INDEPENDENT_URL  # canonical link, tracking dropped
    assert post.published_date == date(2020, 1, 27)
    assert post.author == "Lizzy Buchan"
    assert post.categories == (
        "Politics",
        "Labour deputy leadership",
        "Rosena Allin-Khan",
        "Sexual harassment",
    )
    assert post.body.count("she had felt her career would be over if she spoke out") == 1
    assert "(PA)" not in post.body
    assert "Labour deputy leadership hopeful Rosena Allin-Khan has vowed" in post.body
    assert post.body.endswith("will be announced on 4 April.")


def test_content_hash_is_set(weebly_post: RawPage) -> None:
    [post] = _posts(weebly_post)
    assert len(post.content_hash) == 32


def test_feed_sitemap_robots_give_nothing(make_page: MakePage) -> None:
    for role in ("feed", "sitemap", "robots"):
        assert extract_page(make_page(b"<rss/>", role=role)) == []


@pytest.mark.parametrize(
    ("kwargs", "reason"),
    [
        ({"status": 404}, "status 404"),
        ({"status": 500}, "status 500"),
        ({"body": b""}, "empty body"),
        ({"body": b"   \n"}, "empty body"),
        ({"content_type": "application/rss+xml"}, "not html: application/rss+xml"),
        (
            {"content_type": "application/pdf", "body": b"%PDF-1.4\x00\x01"},
            "not html: application/pdf",
        ),
        ({"content_type": "", "body": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"}, "binary body"),
        (
            {
                "body": b"<html><head><title>x</title></head><body><div class='nav'></div></body></html>"  # noqa: E501
            },
            "no main text",
        ),
    ],
)
def test_rejections(make_page: MakePage, kwargs: dict, reason: str) -> None:
    kwargs = {"body": b"<html><body><p>Hello there.</p></body></html>", **kwargs}
    result = extract_page(make_page(kwargs.pop("body"), **kwargs))
    assert isinstance(result, Rejected)
    assert result.reason == reason
    assert result.source == "test-source" and result.run_id == "run-1"


def test_truncated_body_is_rejected(make_page: MakePage, weebly_post: RawPage) -> None:
    cut = weebly_post.body[: len(weebly_post.body) // 3]
    page = make_page(cut, headers=(("Content-Length", str(len(weebly_post.body))),))
    result = extract_page(page)
    assert isinstance(result, Rejected)
    assert result.reason.startswith("truncated body:")


def test_truncated_html_without_length_gives_no_main_text(make_page: MakePage) -> None:
    result = extract_page(make_page(b"<!DOCTYPE html><html><head><title>News</title><scr"))
    assert isinstance(result, Rejected)
    assert result.reason == "no main text"


def test_cp1252_labelled_utf8_is_read(make_page: MakePage) -> None:
    text = "Labour\u2019s candidate said \u201cwe won\u201d \u2013 a fine day. " * 8
    html = f"<html><body><article><h1>Result</h1><p>{text}</p></article></body></html>"
    [post] = _posts(make_page(html.encode("cp1252"), content_type="text/html; charset=utf-8"))
    assert "Labour\u2019s candidate said \u201cwe won\u201d \u2013" in post.body
    assert "\ufffd" not in post.body


@pytest.mark.parametrize(
    ("content_type", "html"),
    [
        ("text/html", "<meta charset='windows-1252'><p>caf\u00e9 \u2019</p>"),
        ("text/html; charset=iso-8859-1", "<p>caf\u00e9</p>"),
        (
            "",
            "<meta http-equiv='Content-Type' content='text/html; charset=windows-1252'><p>caf\u00e9</p>",  # noqa: E501
        ),
    ],
)
def test_decode_body_charsets(content_type: str, html: str) -> None:
    assert "caf\u00e9" in decode_body(html.encode("cp1252"), content_type or None)


def test_unexpected_errors_become_rejections(make_page: MakePage) -> None:
    page = make_page(b"<html><body><p>x</p></body></html>")
    broken = RawPage(**{**{f: getattr(page, f) for f in RawPage.__slots__}, "headers": None})  # type: ignore[arg-type]
    result = extract_page(broken)
    assert isinstance(result, Rejected)
    assert result.reason.startswith("extraction error: TypeError")


def test_weebly_listing_urls_are_on_site(weebly_listing: RawPage) -> None:
    assert all(p.url.startswith(f"{WEEBLY}/news/") for p in _posts(weebly_listing))


def test_absurd_date_costs_the_date_not_the_post(make_page: MakePage) -> None:
    text = "The council confirmed the new library opening hours today. " * 6
    html = (
        '<html><head><script type="application/ld+json">{"@type": "NewsArticle", '
        '"datePublished": "0001-01-01T00:00:00Z"}</script></head>'
        f"<body><article><h1>Library hours</h1><p>{text}</p></article></body></html>"
    )
    [post] = _posts(make_page(html))
    assert post.body.startswith("The council confirmed")
    assert post.published_date is None or post.published_date.year > 1990
