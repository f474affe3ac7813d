"""Bundled sample sites (Weebly MP blog, WordPress.com hustings blog, national news site).

The demo and the end-to-end tests crawl these on 127.0.0.1 instead of the internet:
``serve_samples()`` starts them; ``expected_posts.json`` is what the pipeline must store.
``SampleServer``/``serve_samples`` are imported lazily so ``python -m mpnews.samples.server``
runs without a double import.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mpnews.samples.server import SampleServer, serve_samples

__all__ = ["EXPECTED_POSTS_PATH", "SITES_DIR", "SampleServer", "expected_posts", "serve_samples"]

SITES_DIR = Path(__file__).parent / "sites"
EXPECTED_POSTS_PATH = Path(__file__).parent / "expected_posts.json"


def expected_posts() -> list[dict[str, Any]]:
    """The golden posts: one dict per post the pipeline must store from the samples."""
    rows: list[dict[str, Any]] = json.loads(EXPECTED_POSTS_PATH.read_text(encoding="utf-8"))
    return rows


def __getattr__(name: str) -> Any:
    if name in ("SampleServer", "serve_samples"):
        from mpnews.samples import server

        return getattr(server, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
