"""Main text on realistic news and MP pages: the headline's leading copy goes (site suffix,
kicker, other quotes), a visible standfirst stays, a body split by ad rows is kept whole,
and what is not the article (next story, teasers, consent placeholders, donation and
newsletter boxes, trailing link lines) is left out."""

from __future__ import annotations

import pytest
from pipeline_pages import MakePage

from pipeline.clean import PageCues, clean_text
from pipeline.extract import extract_page
from pipeline.records import Post

URL = "https://www.localpaper.co.uk/news/politics/mp-opens-library"
PARAS = (
    "The MP for the constituency opened the refurbished central library on Friday, praising "
    "the volunteers who kept it running during two years of building work.",
    "Council leaders said the library would now open six days a week, with a new children's "
    "corner, a study room for students and free computer classes for older residents.",
    "Residents queued from early morning to see the new reading room and the restored "
    "Victorian ceiling, which had been hidden behind panels since the 1970s.",
    "The MP said the reopening showed what the town could do when the council, the library "
    "staff and local people worked together, and promised to keep pressing for funding.",
)


def _page(article: str, head: str = "", after: str = "", title: str = "MP opens library") -> str:
    return (
        f"<!DOCTYPE html><html lang='en-GB'><head><title>{title} | Local Paper</title>"
        f"<meta property='og:title' content='{title}'>{head}</head><body>"
        "<header class='masthead'><a href='/'>Local Paper</a><nav><a href='/news'>News</a> "
        "<a href='/sport'>Sport</a></nav></header>"
        f"<main>{article}{after}</main>"
        "<footer class='site-footer'><p>© 2020 Local Paper Ltd. All rights reserved.</p>"
        "</footer></body></html>"
    )


def _paras(items: tuple[str, ...] = PARAS) -> str:
    return "".join(f"<p>{p}</p>" for p in items)


def _body(make_page: MakePage, html: str) -> str:
    result = extract_page(make_page(html, URL))
    assert isinstance(result, list) and len(result) == 1, result
    post = result[0]
    assert isinstance(post, Post)
    return post.body


# -- headline and standfirst -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "title"),
    [
        ("MP opens library | Local Paper", "MP opens library"),
        ("MP opens library – Local Paper – 5 February 2020", "MP opens library"),
        ("MP opens library", "MP opens library – Local Paper"),
        ("Exclusive: MP opens town’s “new” library", 'MP opens town\'s "new" library'),
        ("MP opens town’s ‘new’ library", "MP opens town's 'new' library"),
    ],
)
def test_leading_copy_of_the_headline_goes(line: str, title: str) -> None:
    text = "\n".join((line, *PARAS))
    body = clean_text(text, title=title, cues=PageCues(titles=(title,)))
    assert body.startswith(PARAS[0])


def test_a_sentence_that_starts_like_the_headline_stays() -> None:
    line = "MP opens library doors to refugees every Tuesday, the council confirmed last week."
    body = clean_text("\n".join((line, *PARAS)), title="MP opens library")
    assert body.startswith(line)


def test_headline_with_site_suffix_on_a_page(make_page: MakePage) -> None:
    article = (
        "<article><div class='article-body'><p class='headline-copy'>MP opens library | "
        f"Local Paper</p>{_paras()}</div></article>"
    )
    body = _body(make_page, _page(article))
    assert body.startswith(PARAS[0])


def test_visible_standfirst_outside_the_body_is_kept(make_page: MakePage) -> None:
    standfirst = "Two years and £3m later, the town's Victorian library is open again."
    head = f"<meta name='description' content=\"{standfirst}\">"
    article = (
        "<article><header><h1>MP opens library</h1>"
        f"<p class='intro'>{standfirst}</p></header>"
        f"<div class='article-body'>{_paras()}</div></article>"
    )
    body = _body(make_page, _page(article, head))
    assert body.startswith(standfirst)
    assert body.count(standfirst) == 1


def test_a_teaser_that_is_not_the_description_is_not_added(make_page: MakePage) -> None:
    head = "<meta name='description' content='Local news, sport and what is on in the town.'>"
    article = (
        "<article><header><h1>MP opens library</h1><p class='intro'>Read our coverage of "
        "the library campaign from the very beginning.</p></header>"
        f"<div class='article-body'>{_paras()}</div></article>"
    )
    assert _body(make_page, _page(article, head)).startswith(PARAS[0])


# -- body split across sibling blocks ----------------------------------------------------------


def test_body_split_by_an_ad_row_is_kept_whole_and_in_order(make_page: MakePage) -> None:
    article = (
        "<article><h1>MP opens library</h1>"
        f"<div class='article-body'>{_paras(PARAS[:2])}</div>"
        "<div class='ad-slot'><span>Advertisement</span></div>"
        f"<div class='article-body'>{_paras(PARAS[2:])}</div></article>"
    )
    body = _body(make_page, _page(article))
    positions = [body.find(p) for p in PARAS]
    assert -1 not in positions, body
    assert positions == sorted(positions)
    assert "Advertisement" not in body


def test_teaser_cards_are_not_joined_into_a_body(make_page: MakePage) -> None:
    cards = "".join(
        f"<div class='teaser-card'><p>Other story number {n} about the town's bus routes and "
        "the new timetable that starts next month in every ward.</p></div>"
        for n in range(4)
    )
    article = (
        f"<article><h1>MP opens library</h1><div class='article-body'>{_paras()}</div></article>"
    )
    body = _body(make_page, _page(article, after=f"<section class='more'>{cards}</section>"))
    assert "Other story number" not in body


# -- not the article ---------------------------------------------------------------------------


def test_an_appended_next_article_is_cut(make_page: MakePage) -> None:
    nxt = (
        "<div class='next-story'><article><h2>Bus routes to change in the new year, council "
        "says</h2><p>The county council has confirmed that six bus routes will change from "
        "January, with fewer evening services and a new hourly link to the hospital.</p>"
        "<p>Passenger groups said they had not been consulted about the changes and asked "
        "for a public meeting before the new timetable starts.</p></article></div>"
    )
    article = (
        f"<article><h1>MP opens library</h1><div class='story-body'>{_paras()}{nxt}</div></article>"
    )
    body = _body(make_page, _page(article))
    assert body.endswith(PARAS[-1])
    assert "bus routes" not in body.casefold()


def test_sections_of_one_story_in_articles_are_kept(make_page: MakePage) -> None:
    sections = "".join(
        f"<article><h2>Part {n}: the library through the years</h2>{_paras(PARAS[n : n + 1])}"
        "</article>"
        for n in range(3)
    )
    body = _body(make_page, _page(f"<h1>MP opens library</h1><div>{sections}</div>"))
    assert all(p in body for p in PARAS[:3])


def test_related_teasers_after_a_heading_are_cut(make_page: MakePage) -> None:
    related = (
        "<h3>Related articles</h3><ul>"
        "<li><a href='/news/1'>Council approves budget for town centre</a></li>"
        "<li><a href='/news/2'>New bus timetable starts next week</a></li></ul>"
    )
    article = f"<article><h1>MP opens library</h1>{_paras()}{related}</article>"
    body = _body(make_page, _page(article))
    assert body.endswith(PARAS[-1])


def test_trailing_link_only_paragraphs_go(make_page: MakePage) -> None:
    links = (
        "<p><a href='/news/budget'>Council approves budget for the town centre</a></p>"
        "<p><a href='/news/buses'>New bus timetable starts next week</a></p>"
    )
    article = f"<article><h1>MP opens library</h1>{_paras()}{links}</article>"
    body = _body(make_page, _page(article))
    assert body.endswith(PARAS[-1])


def test_a_paragraph_with_a_link_inside_a_sentence_stays(make_page: MakePage) -> None:
    last = (
        "<p>The full timetable is on <a href='/library'>the library's website</a>, and "
        "volunteers are still wanted for the Saturday reading club.</p>"
    )
    article = f"<article><h1>MP opens library</h1>{_paras()}{last}</article>"
    body = _body(make_page, _page(article))
    assert body.endswith("volunteers are still wanted for the Saturday reading club.")


@pytest.mark.parametrize(
    "box",
    [
        "<p>We need your consent to load this YouTube content.</p>",
        "<p>Please accept marketing cookies to watch this video.</p>",
        "<p>This content is blocked. Accept cookies to view it.</p>",
        "<p>View this post on Instagram</p>",
        "<p>Sign up to our daily newsletter for the latest politics news.</p>",
        "<p>Thank you for subscribing!</p>",
        "<p>Please consider donating to keep local journalism free.</p>",
        "<p>Support our journalism</p>",
    ],
)
def test_consent_newsletter_and_donation_lines_go(make_page: MakePage, box: str) -> None:
    article = (
        f"<article><h1>MP opens library</h1>{_paras(PARAS[:2])}{box}{_paras(PARAS[2:])}</article>"
    )
    body = _body(make_page, _page(article))
    assert body == "\n\n".join(PARAS)
