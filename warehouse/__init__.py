"""The DuckDB warehouse: schema, numbered migrations, bulk idempotent loads, analyst views.

Analysts open the published snapshot (``reader``); loads go through ``writer``.
"""

from pipeline.records import PageSeen
from warehouse.db import connect, load_fts
from warehouse.load import load_run, record_run
from warehouse.migrate import migrate
from warehouse.queries import count_posts, run_summary
from warehouse.rows import LoadResult, PostRow, RunRecord
from warehouse.snapshot import reader, writer

__all__ = [
    "LoadResult",
    "PageSeen",
    "PostRow",
    "RunRecord",
    "connect",
    "count_posts",
    "load_fts",
    "load_run",
    "migrate",
    "reader",
    "record_run",
    "run_summary",
    "writer",
]
