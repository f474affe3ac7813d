"""Weebly blogs: `/news`, `/news/previous/N`, `/news/category/x`, `/news/archives/MM-YYYY`."""

from __future__ import annotations

import re

from lxml.etree import XPath

from spiders.families._family import Family

__all__ = ["WEEBLY"]

WEEBLY = Family(
    name="weebly",
    post_links=(
        XPath(
            "//a[contains(concat(' ', normalize-space(@class), ' '), ' blog-title-link ')]/@href"
        ),
        XPath("//*[contains(@class, 'blog-read-more')]//a/@href"),
    ),
    listing_links=(
        XPath("//*[contains(@class, 'blog-page-nav-previous')]//a/@href"),
        XPath("//*[contains(@class, 'blog-page-nav-next')]//a/@href"),
        XPath("//*[contains(@class, 'blog-category-list')]//a/@href"),
        XPath("//*[contains(@class, 'blog-archive-list')]//a/@href"),
    ),
    listing_urls=(
        re.compile(r"^/[^?]*/previous/\d+(\.html)?/?$"),
        re.compile(r"^/[^?]*/category/[^/?]+/?$"),
        re.compile(r"^/[^?]*/archives/\d{2}-\d{4}(\.html)?/?$"),
    ),
    feed_urls=(re.compile(r"^/\d+/feed/?$"),),
    markers=(
        re.compile(rb"weebly", re.I),
        re.compile(rb"\bwsite-"),
        # The blog partials themselves, for copies that lost Weebly's scripts and classes.
        re.compile(rb"class=[\"'][^\"']*\bblog-title-link\b"),
        re.compile(rb"class=[\"'][^\"']*\bblog-page-nav-(previous|next)\b"),
    ),
)
