"""extract_page on stored pages of each site family, and every kind of rejection."""

from __future__ import annotations

import re
from datetime import date

import pytest
from pipeline_pages import INDEPENDENT_URL, WEEBLY, WORDPRESS_URL, MakePage

from pipeline.extract import date_page, decode_body, extract_page
from pipeline.records import Post, RawPage, Rejected

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


def test_a_failed_feed_or_sitemap_is_a_rejection_a_missing_robots_is_not(
    make_page: MakePage,
) -> None:
    for role in ("feed", "sitemap", "other"):
        found = extract_page(make_page(b"<h1>Not found</h1>", role=role, status=404))
        assert isinstance(found, Rejected) and found.reason == f"{role} status 404"
    assert extract_page(make_page(b"<h1>Not found</h1>", role="robots", status=404)) == []


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


def _article(text: str, head: str = "", before: str = "") -> bytes:
    body = f"<article><h1>Library hours</h1><p>{text}</p></article>"
    return f"{before}<html><head>{head}</head><body>{body}</body></html>".encode()


def test_mixed_utf8_and_cp1252_bytes_labelled_utf8(make_page: MakePage) -> None:
    text = ("Caf\u00e9 opening \u2013 " * 3 + "the council said. ") * 4
    html = _article(text).replace("\u2013".encode(), "\u2013".encode("cp1252"))
    [post] = _posts(make_page(html, content_type="text/html; charset=utf-8"))
    assert "Caf\u00e9 opening \u2013 Caf\u00e9" in post.body
    assert "\ufffd" not in post.body and "\u00c3" not in post.body


def test_utf8_page_labelled_latin1_is_read_as_utf8(make_page: MakePage) -> None:
    text = "M\u00e4scot: Schaf, Standardausf\u00fchrung, wei\u00df. " * 8
    [post] = _posts(make_page(_article(text), content_type="text/html; charset=iso-8859-1"))
    assert "Standardausf\u00fchrung, wei\u00df" in post.body


def test_no_charset_anywhere_is_sniffed(make_page: MakePage) -> None:
    text = "Labour\u2019s candidate said the caf\u00e9 will reopen. " * 8
    [post] = _posts(make_page(_article(text), content_type="text/html"))
    assert "Labour\u2019s candidate said the caf\u00e9" in post.body


def test_markup_before_html_still_gives_the_post(make_page: MakePage) -> None:
    warning = "<br />\n<b>Warning</b>:  mysql_connect(): Access denied in <b>db.php</b><br />\n"
    text = "The council confirmed the new library opening hours today. " * 6
    [post] = _posts(make_page(_article(text, before=warning)))
    assert post.body.startswith("The council confirmed")


def test_impossible_visible_date_costs_the_date_only(make_page: MakePage) -> None:
    text = "The council confirmed the new library opening hours today. " * 6
    html = _article(text).replace(b"<h1>", b'<time class="entry-date">32/13/2020</time><h1>')
    [post] = _posts(make_page(html))
    assert post.body.startswith("The council confirmed")
    # no valid date anywhere: no guess either (htmldate's bare "2020" is not 1 January)
    assert post.published_date is None and post.date_source is None
    assert ("date_error", "no valid date: 32/13/2020") in post.extras


def test_conflicting_metadata_dates_are_recorded(make_page: MakePage) -> None:
    text = "The council confirmed the new library opening hours today. " * 6
    jsonld = '{"@type": "NewsArticle", "datePublished": "2020-02-05"}'
    head = (
        f'<script type="application/ld+json">{jsonld}</script>'
        '<meta name="date" content="2020-02-08"/>'
    )
    [post] = _posts(make_page(_article(text, head=head)))
    assert post.published_date == date(2020, 2, 5) and post.date_source == "jsonld"
    assert post.date_conflicts == ("meta:2020-02-08",)


@pytest.mark.parametrize(
    "body", [b"", b"\x89PNG\r\n\x1a\n\x00\x00", b"<html><head><title>x</title><scr"]
)
def test_date_page_on_bad_input_is_none(make_page: MakePage, body: bytes) -> None:
    assert date_page(make_page(body, content_type="")) is None
