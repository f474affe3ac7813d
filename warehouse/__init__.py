"""The DuckDB warehouse: schema, numbered migrations, bulk idempotent loads, analyst views.

Analysts open the published snapshot (``reader``); loads go through ``writer``.
"""

from mpnews.warehouse.db import connect, load_fts
from mpnews.warehouse.load import load_run, record_run
from mpnews.warehouse.migrate import migrate
from mpnews.warehouse.queries import count_posts, run_summary
from mpnews.warehouse.rows import LoadResult, PageRow, PostRow, RunRecord
from mpnews.warehouse.snapshot import reader, writer

__all__ = [
    "LoadResult",
    "PageRow",
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
