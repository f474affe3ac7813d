"""Encoding: bytes that are strict UTF-8 are read as UTF-8 whatever the label says; bytes
that are not keep the label's (or the sniffer's) reading."""

from __future__ import annotations

import pytest
from pipeline_pages import MakePage

from pipeline.extract import decode_body, extract_page
from pipeline.records import Post

CJK = {
    "gb2312": ("议员今天在议会发表讲话", "政府宣布将为本地学校提供新的资金支持，议员表示欢迎。"),
    "shift_jis": ("議員が議会で演説", "政府は地元の学校に新たな資金を提供すると発表しました。"),
    "euc-kr": ("의원 의회 연설", "정부는 지역 학교에 새로운 자금을 지원한다고 발표했습니다."),
}


def _page(title: str, text: str, charset: str) -> str:
    return (
        f'<html><head><meta charset="{charset}"><title>{title}</title></head><body>'
        f"<article><h1>{title}</h1>" + f"<p>{text}</p>" * 6 + "</article></body></html>"
    )


@pytest.mark.parametrize("charset", sorted(CJK))
@pytest.mark.parametrize("where", ["http", "meta"])
def test_utf8_bytes_under_a_multibyte_label_are_utf8(
    make_page: MakePage, charset: str, where: str
) -> None:
    title, text = CJK[charset]
    html = _page(title, text, charset if where == "meta" else "utf-8")
    content_type = f"text/html; charset={charset}" if where == "http" else "text/html"
    [post] = extract_page(make_page(html.encode("utf-8"), content_type=content_type))
    assert isinstance(post, Post)
    assert post.title == title
    assert text in post.body


@pytest.mark.parametrize("charset", sorted(CJK))
def test_real_legacy_bytes_keep_their_label(charset: str) -> None:
    title, text = CJK[charset]
    body = _page(title, text, charset).encode(charset)
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    decoded = decode_body(body, f"text/html; charset={charset}")
    assert title in decoded and text in decoded


def test_utf8_bom_is_dropped_and_utf16_still_read() -> None:
    html = "<html><body><p>caf\u00e9 \u2013 ok</p></body></html>"
    assert decode_body(b"\xef\xbb\xbf" + html.encode(), "text/html").startswith("<html>")
    assert "caf\u00e9 \u2013 ok" in decode_body(html.encode("utf-16"), "text/html")


def test_cp1252_label_on_utf8_curly_quotes(make_page: MakePage) -> None:
    text = "The MP\u2019s \u201cplan\u201d \u2013 funded in full. " * 8
    html = _page("Plan", text, "windows-1252").encode("utf-8")
    [post] = extract_page(make_page(html, content_type="text/html; charset=windows-1252"))
    assert isinstance(post, Post)
    assert "The MP\u2019s \u201cplan\u201d \u2013 funded" in post.body
