"""Progress lines for people watching a run (stderr, unbuffered)."""

from __future__ import annotations

import sys

__all__ = ["print_progress"]


def print_progress(message: str) -> None:
    """Print one progress line to stderr."""
    print(message, file=sys.stderr, flush=True)
