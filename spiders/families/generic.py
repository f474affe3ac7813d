"""Any other site: HTML5 ``article`` markup and rel=next/prev pagination."""

from __future__ import annotations

import re

from lxml.etree import XPath

from spiders.families._family import Family

__all__ = ["GENERIC"]

GENERIC = Family(
    name="generic",
    post_links=(
        XPath(
            "//article//a[contains(concat(' ', normalize-space(@rel), ' '), ' bookmark ')]/@href"
        ),
        XPath("//article//h2//a/@href | //article//h3//a/@href"),
        XPath("//*[contains(@class, 'entry-title') or contains(@class, 'post-title')]//a/@href"),
    ),
    listing_links=(XPath("//a[@rel='next' or @rel='prev' or @rel='previous']/@href"),),
    post_urls=(re.compile(r"^/\d{4}/\d{2}/(\d{2}/)?[^/?]+/?$"),),
    listing_urls=(re.compile(r"^(/[^?]*)?/category/[^?]+$"), re.compile(r"^/\d{4}/\d{2}/?$")),
    feed_urls=(re.compile(r"^(/[^?]*)?/feed/?$"), re.compile(r"\.(rss|atom)$")),
)
