"""Listing pages: find the posts a listing shows WHOLE (a Weebly blog page), each with its
permalink. Teasers and excerpts are not posts — their permalink pages carry the posts."""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import urljoin

from lxml.html import HtmlElement, tostring

from pipeline.families import Family, PostBlock

__all__ = ["block_document", "whole_posts"]


def whole_posts(tree: HtmlElement, family: Family, base_url: str) -> list[PostBlock]:
    """The blocks of ``tree`` that hold a whole post, hrefs made absolute, in page order."""
    blocks = [b for b in family.blocks(tree) if not b.teaser]
    return [_absolute(b, base_url) for b in blocks]


def block_document(block: PostBlock) -> str:
    """A standalone HTML document holding one block's title and content, for extraction."""
    content = tostring(block.content, encoding="unicode", method="html")
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'></head><body><article>"
        f"{content}</article></body></html>"
    )


def _absolute(block: PostBlock, base_url: str) -> PostBlock:
    return replace(block, href=urljoin(base_url, block.href))
