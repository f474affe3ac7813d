"""Shared helpers for spider tests: stored pages and responses tied to a request."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from scrapy.http import HtmlResponse, Request, Response, XmlResponse

PAGES = Path(__file__).parent / "fixtures" / "pages"


@pytest.fixture
def respond() -> Callable[..., Response]:
    """Build a response for ``url`` from a stored fixture, tied to a request with ``meta``."""

    def build(url: str, fixture: str, **meta: object) -> Response:
        cls = XmlResponse if fixture.endswith((".xml", ".rss")) else HtmlResponse
        return cls(url=url, body=(PAGES / fixture).read_bytes(), request=Request(url, meta=meta))

    return build
