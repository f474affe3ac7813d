"""Small read helpers for the CLI. They read the published snapshot, never the loader's file."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from warehouse.snapshot import reader

__all__ = ["EXAMPLE_QUERY", "count_posts", "run_query", "run_summary"]

EXAMPLE_QUERY = """
SELECT mp, month, posts FROM posts_per_mp_month ORDER BY month DESC, posts DESC, mp LIMIT 10
"""

_RUN_SUMMARY = """
SELECT source, kind, status, pages_fetched, posts_found, posts_new, rejections, error
FROM crawl_runs WHERE run_id = ? ORDER BY source
"""


def run_summary(path: str | Path, run_id: str) -> list[dict[str, Any]]:
    """One dict per source of run ``run_id``: source, kind, status, pages_fetched,
    posts_found, posts_new, rejections, error (empty list for an unknown run)."""
    con = reader(path)
    try:
        cursor = con.execute(_RUN_SUMMARY, [run_id])
        names = [column[0] for column in cursor.description or ()]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    finally:
        con.close()


def count_posts(path: str | Path) -> int:
    """How many distinct posts the warehouse holds."""
    con = reader(path)
    try:
        row = con.execute("SELECT count(*) FROM posts").fetchone()
        return int(row[0]) if row else 0
    finally:
        con.close()


def run_query(
    path: str | Path, sql: str, params: Sequence[Any] = ()
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Column names and rows of a read-only query on the published warehouse."""
    con = reader(path)
    try:
        cursor = con.execute(sql, list(params))
        return [column[0] for column in cursor.description or ()], cursor.fetchall()
    finally:
        con.close()
