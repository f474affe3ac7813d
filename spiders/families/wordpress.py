"""WordPress (self-hosted and WordPress.com) blogs and news pages."""

from __future__ import annotations

import re

from lxml.etree import XPath

from spiders.families._family import Family

__all__ = ["WORDPRESS"]

WORDPRESS = Family(
    name="wordpress",
    post_links=(
        XPath("//*[contains(concat(' ', normalize-space(@class), ' '), ' entry-title ')]//a/@href"),
        XPath("//*[contains(concat(' ', normalize-space(@class), ' '), ' post-title ')]//a/@href"),
        XPath(
            "//article//a[contains(concat(' ', normalize-space(@rel), ' '), ' bookmark ')]/@href"
        ),
        XPath("//a[contains(@class, 'more-link')]/@href"),
    ),
    listing_links=(
        XPath("//a[contains(concat(' ', normalize-space(@class), ' '), ' page-numbers ')]/@href"),
        XPath("//*[contains(@class, 'nav-previous') or contains(@class, 'nav-next')]//a/@href"),
        XPath("//a[@rel='next' or @rel='prev']/@href"),
        XPath("//*[contains(@class, 'widget_categories')]//a/@href"),
        XPath("//*[contains(@class, 'widget_archive')]//a/@href"),
    ),
    post_urls=(
        re.compile(r"^/\d{4}/\d{2}/(\d{2}/)?[^/?]+/?$"),
        re.compile(r"^/?\?p=\d+$"),
    ),
    listing_urls=(
        re.compile(r"^(/[^?]*)?/category/[^?]+$"),
        re.compile(r"^/\d{4}(/\d{2}(/\d{2})?)?/?$"),
        re.compile(r"^/?\?(cat=\d+|m=\d{4,8})$"),
    ),
    feed_urls=(re.compile(r"^(/[^?]*)?/feed(/(rss2?|atom))?/?$"),),
    markers=(
        re.compile(rb"<meta[^>]+content=[\"']WordPress", re.I),
        re.compile(rb"/wp-content/|/wp-includes/"),
        re.compile(rb"//s[0-9]\.wp\.com/|wordpress\.com/\?ref=footer"),  # WordPress.com
    ),
)
