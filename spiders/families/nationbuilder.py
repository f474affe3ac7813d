"""NationBuilder sites: a blog page with will_paginate pagination (``?page=N``)."""

from __future__ import annotations

import re

from lxml.etree import XPath

from spiders.families._family import Family

__all__ = ["NATIONBUILDER"]

NATIONBUILDER = Family(
    name="nationbuilder",
    post_links=(
        XPath("//*[contains(@class, 'news-item') or contains(@class, 'blog-item')]//h2//a/@href"),
        XPath("//*[contains(@class, 'news-item') or contains(@class, 'blog-item')]//h3//a/@href"),
        XPath("//*[contains(@class, 'headline')]//a/@href"),
        XPath(
            "//*[contains(@class, 'read-more')]//a/@href | //a[contains(@class, 'read-more')]/@href"
        ),
    ),
    listing_links=(
        XPath("//*[contains(@class, 'pagination')]//a/@href"),
        XPath("//a[contains(@class, 'next_page') or contains(@class, 'previous_page')]/@href"),
    ),
    feed_urls=(re.compile(r"^/[^/?]+\.rss$"),),
    markers=(re.compile(rb"nationbuilder", re.I),),
)
