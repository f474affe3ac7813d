from __future__ import annotations

from spiders.urls import DomainPolicy, absolute_http_url
from spiders.xmlfeeds import robots_sitemaps


def test_absolute_http_url_refuses_other_schemes():
    base = "https://a.org/news"
    assert absolute_http_url("/news/p", base) == "https://a.org/news/p"
    assert absolute_http_url("/news/p?utm_source=t&id=3#c", base) == "https://a.org/news/p?id=3"
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
