"""Tag soup with control bytes (a stored page): unclosed and misnested tags, unquoted
attributes, no ``</body>``, and NUL and other C0 bytes in its head, title and text. The post
survives whole; a real binary blob is still refused as one."""

from __future__ import annotations

import random
import re
from datetime import date

import pytest
from pipeline_pages import FIXTURES, make_raw_page

from pipeline.decode import decode_body, looks_binary, strip_controls
from pipeline.extract import extract_page
from pipeline.records import Post, Rejected

URL = "https://www.jobloggs.example/2024/03/14/flood-defences"
SOUP = (FIXTURES / "tag_soup_post.html").read_bytes()
TITLE = "Flood defences funded for Riverside"
PARAGRAPHS = (
    "The Environment Agency has confirmed that the Riverside flood defences will be funded in "
    "full, after three winters in which the river broke its banks and more than forty homes on "
    "Mill Lane were flooded.",
    "Residents who signed the petition met the minister in March; the works start in the "
    "summer and the new walls, pumps and gates should be ready before the autumn rains.",
    "I want to thank everyone who wrote, marched and waited: this is your win, and I will keep "
    "pressing until the last gate is fitted and every home on the lane is insured again. The "
    "final words of this post are here.",
)
CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _post(body: bytes, content_type: str = "text/html") -> Post:
    result = extract_page(make_raw_page(body, URL, content_type=content_type))
    assert isinstance(result, list), result
    [post] = result
    return post


def test_the_stored_page_really_is_soup_with_control_bytes() -> None:
    head, _, text = SOUP.partition(b"<body")
    assert b"\x00" in head and b"\x00" in text and b"\x07" in SOUP and b"\x0b" in SOUP
    assert b"</body>" not in SOUP and b"</p>" not in SOUP and b'="' not in SOUP


def test_tag_soup_with_nul_bytes_keeps_title_date_and_whole_body() -> None:
    post = _post(SOUP)
    assert post.title == TITLE
    assert post.published_date == date(2024, 3, 14)
    assert post.body.split("\n\n") == list(PARAGRAPHS)
    assert not CONTROLS.search(post.title + post.body)


@pytest.mark.parametrize("charset", ["utf-8", "windows-1252", "iso-8859-1"])
def test_control_bytes_cost_nothing_whatever_the_declared_charset(charset: str) -> None:
    soup = SOUP.replace(b"Riverside</h1>", b"Riverside caf\xe9</h1>")
    post = _post(soup, f"text/html; charset={charset}")
    assert post.title == f"{TITLE} caf\u00e9"
    assert post.body.endswith(PARAGRAPHS[-1])


def test_decode_keeps_the_text_around_control_characters() -> None:
    assert decode_body(b"<p>a\x00b\tc\r\nd\x1fe\x7ff</p>", "text/html") == "<p>ab\tc\r\nde\x7ff</p>"
    assert strip_controls("Envi\x00ronment\x0b \x0cAgency\n") == "Environment Agency\n"


@pytest.mark.parametrize(
    "blob",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200),
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj",
        b"PK\x03\x04\x14\x00\x06\x00" + bytes(100),
        random.Random(11).randbytes(4096),
    ],
    ids=["png", "pdf", "zip", "noise"],
)
def test_a_real_binary_blob_is_still_refused(blob: bytes) -> None:
    assert looks_binary(blob)
    result = extract_page(make_raw_page(blob, URL, content_type=""))
    assert isinstance(result, Rejected) and result.reason == "binary body"


def test_a_page_with_a_few_control_bytes_is_not_binary() -> None:
    assert not looks_binary(SOUP)
    assert not looks_binary(b"\xef\xbb\xbf<html>\x00\x00\x00\x00")
    assert not looks_binary("<html><body>caf\u00e9</body></html>".encode("utf-16"))
