from __future__ import annotations

from spiders.urls import DomainPolicy, absolute_http_url, canonical_key, clean_url
from spiders.xmlfeeds import robots_sitemaps


def test_clean_url_drops_fragment_and_tracking():
    url = "https://a.org/x?utm_source=t&id=3&fbclid=z&gclid=q#comments"
    assert clean_url(url) == "https://a.org/x?id=3"


def test_canonical_key_sorts_query():
    assert canonical_key("https://a.org/x?b=1&a=2#f") == canonical_key("https://a.org/x?a=2&b=1")


def test_absolute_http_url_refuses_other_schemes():
    base = "https://a.org/news"
    assert absolute_http_url("/news/p", base) == "https://a.org/news/p"
    for href in ("mailto:x@a.org", "javascript:void(0)", "tel:+44", "ftp://a.org/f", "data:,x", ""):
        assert absolute_http_url(href, base) is None


def test_domain_policy_hosts_subdomains_and_ports():
    policy = DomainPolicy(["example.org", "127.0.0.1:8000"])
    assert policy.allows("https://example.org/a")
    assert policy.allows("http://www.example.org/a")
    assert not policy.allows("https://badexample.org/a")
    assert not policy.allows("https://example.org:8443/a")
    assert policy.allows("http://127.0.0.1:8000/x")
    assert not policy.allows("http://127.0.0.1:8001/x")
    assert not policy.allows("mailto:someone@example.org")


def test_robots_sitemap_lines():
    body = b"User-agent: *\nDisallow: /private/\nSitemap: https://a.org/sitemap.xml\nsitemap:/rel.xml\n"
    assert robots_sitemaps(body) == ["https://a.org/sitemap.xml"]
