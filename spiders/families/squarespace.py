"""Squarespace sites: a blog page (``/blog``, ``/news``) paged with ``?offset=``, RSS at
``?format=rss``."""

from __future__ import annotations

import re

from lxml.etree import XPath

from spiders.families._family import Family

__all__ = ["SQUARESPACE"]

SQUARESPACE = Family(
    name="squarespace",
    post_links=(
        XPath("//article//*[contains(@class, 'blog-title')]//a/@href"),
        XPath("//*[contains(@class, 'blog-item')]//a[contains(@class, 'title')]/@href"),
        XPath("//*[contains(@class, 'BlogList-item-title')]/@href"),
    ),
    listing_links=(
        XPath("//*[contains(@class, 'blog-list-pagination')]//a/@href"),
        XPath("//*[contains(@class, 'BlogList-pagination')]//a/@href"),
    ),
    post_urls=(
        re.compile(r"^/[a-z0-9-]*(?:blog|news|updates)[a-z0-9-]*/(?!tag/|category/)[^/?]+/?$"),
    ),
    listing_urls=(re.compile(r"[?&]offset=\d+"), re.compile(r"/(?:tag|category)/[^/]+/?$")),
    feed_urls=(re.compile(r"[?&]format=rss"),),
    markers=(re.compile(rb"static1\.squarespace\.com|<!-- This is Squarespace\. -->", re.I),),
)
