"""Rows to Arrow tables with fixed schemas: how data reaches DuckDB in bulk.

Timestamps are stored as UTC; naive datetimes are taken to be UTC already.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pyarrow as pa

from mpnews.exceptions import WarehouseError
from pipeline.records import PageSeen, Rejected
from warehouse.rows import PostRow, RunRecord

__all__ = [
    "PAGES_SCHEMA",
    "POSTS_SCHEMA",
    "REJECTIONS_SCHEMA",
    "pages_table",
    "posts_table",
    "rejections_table",
]

_TEXT = pa.string()
_TIME = pa.timestamp("us", tz="UTC")

POSTS_SCHEMA = pa.schema(
    [
        ("post_id", _TEXT),
        ("url", _TEXT),
        ("source", _TEXT),
        ("kind", _TEXT),
        ("title", _TEXT),
        ("author", _TEXT),
        ("published_date", pa.date32()),
        ("date_source", _TEXT),
        ("updated_at", _TIME),
        ("body", _TEXT),
        ("categories", pa.list_(_TEXT)),
        ("mp", _TEXT),
        ("content_hash", _TEXT),
        ("page_url", _TEXT),
        ("seen_at", _TIME),
        ("run_id", _TEXT),
        ("topics", pa.list_(_TEXT)),
        ("date_confidence", pa.float64()),
        ("mps", pa.list_(pa.struct([("mp", _TEXT), ("role", _TEXT)]))),
        ("date_conflicts", pa.list_(_TEXT)),
        ("date_error", _TEXT),
        ("ordinal", pa.int64()),
    ]
)
PAGES_SCHEMA = pa.schema(
    [
        ("run_id", _TEXT),
        ("source", _TEXT),
        ("url", _TEXT),
        ("final_url", _TEXT),
        ("status", pa.int32()),
        ("role", _TEXT),
        ("content_type", _TEXT),
        ("fetched_at", _TIME),
        ("warc_file", _TEXT),
    ]
)
REJECTIONS_SCHEMA = pa.schema(
    [
        ("run_id", _TEXT),
        ("source", _TEXT),
        ("url", _TEXT),
        ("stage", _TEXT),
        ("reason", _TEXT),
        ("fetched_at", _TIME),
        ("published_date", pa.date32()),
        ("date_source", _TEXT),
    ]
)


def posts_table(rows: Sequence[PostRow]) -> pa.Table:
    """Posts in input order; ``ordinal`` remembers that order (first copy wins)."""
    columns = _columns(rows, POSTS_SCHEMA.names[:-1])
    columns["categories"] = [_categories(c) for c in columns["categories"]]
    for name in ("topics", "date_conflicts"):
        columns[name] = [_categories(c, name) for c in columns[name]]
    columns["mps"] = [[{"mp": mp, "role": role} for mp, role in c] for c in columns["mps"]]
    columns["ordinal"] = list(range(len(rows)))
    return _table(columns, POSTS_SCHEMA, "posts")


def pages_table(rows: Sequence[PageSeen]) -> pa.Table:
    return _table(_columns(rows, PAGES_SCHEMA.names), PAGES_SCHEMA, "pages")


def rejections_table(rows: Sequence[Rejected], run: RunRecord) -> pa.Table:
    """Rejections stamped with the run they belong to (``Rejected.run_id`` may be empty)."""
    columns = _columns(rows, REJECTIONS_SCHEMA.names)
    columns["run_id"] = [run.run_id] * len(rows)
    return _table(columns, REJECTIONS_SCHEMA, "rejections")


def _categories(value: Any, column: str = "categories") -> list[Any]:
    if isinstance(value, str) or not isinstance(value, tuple | list):
        raise WarehouseError(
            f"posts.{column} must be a tuple of strings, got {value!r}; nothing was loaded"
        )
    return list(value)


def _columns(rows: Sequence[Any], names: Sequence[str]) -> dict[str, list[Any]]:
    return {name: [getattr(row, name) for row in rows] for name in names}


def _table(columns: dict[str, list[Any]], schema: pa.Schema, what: str) -> pa.Table:
    arrays = []
    for field in schema:
        try:
            arrays.append(pa.array(columns[field.name], type=field.type))
        except (pa.ArrowException, TypeError, ValueError) as exc:
            raise WarehouseError(
                f"{what}.{field.name}: value of the wrong type ({exc}); nothing was loaded"
            ) from exc
    return pa.Table.from_arrays(arrays, schema=schema)
