"""Stored pages for the pipeline tests (constants and helpers shared by test modules)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from pipeline.records import RawPage

FIXTURES = Path(__file__).parent / "fixtures"
WEEBLY = "https://www.rosena4tooting.com"
WORDPRESS_URL = "https://welewisham.wordpress.com/heidi-alexander-virtual-hustings/"
INDEPENDENT_URL = (
    "https://www.independent.co.uk/news/uk/politics/"
    "rosena-allin-khan-labour-deputy-leadership-sexual-harassment-doctor-a9302796.html"
)
FETCHED = datetime(2025, 5, 1, 12, 0, tzinfo=UTC)

MakePage = Callable[..., RawPage]


def make_raw_page(
    body: bytes | str,
    url: str = f"{WEEBLY}/news",
    *,
    role: str = "post",
    status: int = 200,
    content_type: str = "text/html; charset=utf-8",
    headers: tuple[tuple[str, str], ...] = (),
    source: str = "test-source",
) -> RawPage:
    data = body.encode("utf-8") if isinstance(body, str) else body
    return RawPage(
        url=url,
        final_url=url,
        status=status,
        headers=(("Content-Type", content_type), *headers),
        body=data,
        fetched_at=FETCHED,
        source=source,
        run_id="run-1",
        role=role,
    )


def fixture_page(name: str, url: str, role: str = "post") -> RawPage:
    return make_raw_page((FIXTURES / name).read_bytes(), url, role=role)
