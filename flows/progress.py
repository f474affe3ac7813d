"""Progress lines for people watching a run (stderr, unbuffered), secrets masked."""

from __future__ import annotations

import sys

from mpnews.redaction import redact

__all__ = ["print_progress"]


def print_progress(message: str) -> None:
    """Print one progress line to stderr (a DuckLake password or sink token masked)."""
    print(redact(message), file=sys.stderr, flush=True)
