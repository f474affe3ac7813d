"""Dates on realistic pages: figure and caption dates, one element voting once, a rejected
page still dated, and the calendar day of a timestamp near midnight."""

from __future__ import annotations

from datetime import date

from pipeline_pages import MakePage

from pipeline.extract import extract_page
from pipeline.records import Post, Rejected

NEWS_URL = "https://www.localpaper.co.uk/news/politics/mp-opens-library"
BODY = (
    "<p>The MP for the constituency opened the refurbished central library on Friday, "
    "praising volunteers who kept it running during two years of building work.</p>"
    "<p>Council leaders said the library would now open six days a week, with a new "
    "children's corner, a study room for students and free computer classes.</p>"
    "<p>Residents queued from early morning to see the new reading room and the restored "
    "Victorian ceiling, which had been hidden behind panels since the 1970s.</p>"
)


def _news(head: str, article: str) -> bytes:
    return (
        f"<!DOCTYPE html><html lang='en-GB'><head><title>MP opens library | Local Paper</title>"
        f"{head}</head><body><header class='site-header'><a href='/'>Local Paper</a></header>"
        f"<main><article>{article}</article></main>"
        "<footer class='site-footer'><p>© Local Paper Ltd</p></footer></body></html>"
    ).encode()


def _post(make_page: MakePage, html: bytes, url: str = NEWS_URL) -> Post:
    result = extract_page(make_page(html, url))
    assert isinstance(result, list) and len(result) == 1, result
    return result[0]


def test_caption_date_is_not_the_publication_date(make_page: MakePage) -> None:
    article = (
        "<h1>MP opens library</h1>"
        "<figure><img src='/library.jpg' alt=''><figcaption>The library reading room, "
        "photographed on 3 March 2019 before the works</figcaption></figure>"
        "<p class='byline'>By Sam Reporter, <span class='date'>5 February 2020</span></p>" + BODY
    )
    assert _post(make_page, _news("", article)).published_date == date(2020, 2, 5)


def test_time_inside_a_figure_is_not_the_publication_date(make_page: MakePage) -> None:
    article = (
        "<h1>MP opens library</h1>"
        "<figure class='wp-caption'><img src='/a.jpg' alt=''><figcaption>Photo: "
        "<time datetime='2018-06-01'>1 June 2018</time></figcaption></figure>"
        "<div class='meta'><time datetime='2020-02-05T09:30:00+00:00'>5 Feb 2020</time></div>"
        + BODY
    )
    assert _post(make_page, _news("", article)).published_date == date(2020, 2, 5)


def test_an_updated_time_does_not_outvote_jsonld_date_published(make_page: MakePage) -> None:
    head = (
        '<script type="application/ld+json">{"@context": "https://schema.org", '
        '"@type": "NewsArticle", "headline": "MP opens library", '
        '"datePublished": "2020-02-05T10:00:00+00:00"}</script>'
    )
    article = (
        "<h1>MP opens library</h1>"
        "<p class='dateline'>Updated <time datetime='2020-03-01T09:00:00+00:00'>"
        "1 March 2020</time></p>" + BODY
    )
    post = _post(make_page, _news(head, article))
    assert post.published_date == date(2020, 2, 5)
    assert post.updated_at == date(2020, 3, 1)


def test_a_page_without_text_still_reports_its_date(make_page: MakePage) -> None:
    head = (
        '<script type="application/ld+json">{"@type": "NewsArticle", '
        '"datePublished": "2020-02-05T10:00:00+00:00"}</script>'
    )
    html = (
        f"<html><head><title>MP opens library</title>{head}</head><body><article>"
        "<h1>MP opens library</h1><iframe src='https://video.example.org/embed/42'></iframe>"
        "</article></body></html>"
    )
    result = extract_page(make_page(html, NEWS_URL))
    assert isinstance(result, Rejected)
    assert result.reason == "no main text"
    assert result.published_date == date(2020, 2, 5)
    assert result.date_source == "jsonld"


def test_a_timestamp_near_midnight_gives_the_publishers_local_day(make_page: MakePage) -> None:
    head = (
        '<script type="application/ld+json">{"@type": "NewsArticle", '
        '"datePublished": "2020-06-30T23:30:00Z", "dateModified": "2020-07-10T23:45:00Z"}'
        "</script>"
    )
    post = _post(make_page, _news(head, "<h1>MP opens library</h1>" + BODY))
    assert post.published_date == date(2020, 7, 1)  # 00:30 in London (BST)
    assert post.updated_at == date(2020, 7, 11)  # the same rule for the update


def test_a_winter_timestamp_near_midnight_stays_on_its_day(make_page: MakePage) -> None:
    head = (
        '<script type="application/ld+json">{"@type": "NewsArticle", '
        '"datePublished": "2020-01-30T23:30:00Z"}</script>'
    )
    post = _post(make_page, _news(head, "<h1>MP opens library</h1>" + BODY))
    assert post.published_date == date(2020, 1, 30)  # London is on UTC in winter
