"""Export the warehouse as files partitioned by month, for teams loading another warehouse.

Every table of the published snapshot is written under ``DIR/<table>/``:

* ``posts`` by the post's month (``published_date``, or the day first seen when undated);
* tables keyed by ``post_id`` (``post_sightings``, ``post_mps``, ...) by their post's
  month, so a post and its rows always land in the same partition (``month=unknown``
  for rows whose post_id is not a stored post, such as a duplicate's fingerprint);
* ``post_topics`` (``post_id``, ``topic``), one row per topic of ``posts.topics``, likewise;
* ``crawl_runs`` by ``started_at``, ``pages``/``rejections`` by ``fetched_at``,
  ``alerts`` by ``sent_at``;
* any other table whole (``DIR/<table>/data.<ext>``), unless ``since`` is given.

Partitions are Hive-style folders ``month=YYYY-MM`` (``COPY ... PARTITION_BY (month)``),
so ``read_parquet('DIR/posts/**/*.parquet', hive_partitioning = true)`` reads them back
with a ``month`` column. ``since`` keeps rows whose date is on or after it. An export
replaces the folders of the tables it writes and leaves the rest of ``DIR`` alone.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from mpnews.exceptions import WarehouseError
from warehouse.db import error_line
from warehouse.snapshot import reader

__all__ = ["FORMATS", "ExportedTable", "export"]

FORMATS = ("parquet", "csv")
_POST_DAY = "coalesce(p.published_date, CAST(p.first_seen_at AS DATE))"
_OWN_DAY = {
    "alerts": "CAST(sent_at AS DATE)",
    "crawl_runs": "CAST(started_at AS DATE)",
    "pages": "CAST(fetched_at AS DATE)",
    "rejections": "CAST(fetched_at AS DATE)",
}
_OPTIONS = {"parquet": "FORMAT parquet, COMPRESSION zstd", "csv": "FORMAT csv, HEADER true"}


@dataclass(frozen=True, slots=True)
class ExportedTable:
    """One exported table: where it went, how many rows, whether by month."""

    table: str
    rows: int
    path: Path
    partitioned: bool


def export(
    path: str | Path, out: str | Path, *, fmt: str = "parquet", since: date | None = None
) -> list[ExportedTable]:
    """Write every table of the warehouse ``path`` under ``out`` in format ``fmt``."""
    if fmt not in FORMATS:
        raise WarehouseError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
    out = Path(out)
    con = reader(path)
    try:
        return [_write(con, plan, out, fmt) for plan in _plans(con, since)]
    finally:
        con.close()


@dataclass(frozen=True, slots=True)
class _Plan:
    table: str
    sql: str
    partitioned: bool = True


def _plans(con: duckdb.DuckDBPyConnection, since: date | None) -> Iterator[_Plan]:
    """What to export: one SELECT per table, with a ``month`` column when partitioned."""
    columns = _columns(con)
    for table, names in columns.items():
        if table == "posts":
            yield _Plan(table, _by_post_day("SELECT p.*", "", since))
        elif table in _OWN_DAY:
            yield _Plan(table, _by_own_day(table, _OWN_DAY[table], since))
        elif "post_id" in names:
            yield _Plan(table, _by_post_day("SELECT t.*", table, since))
        elif since is None:
            yield _Plan(table, f"SELECT * FROM {_ident(table)}", partitioned=False)
    if "topics" in columns.get("posts", ()):
        select = "SELECT p.post_id, unnest(p.topics) AS topic"
        yield _Plan("post_topics", _by_post_day(select, "", since))


def _by_own_day(table: str, day: str, since: date | None) -> str:
    return f"SELECT *, {_month(day)} FROM {_ident(table)} {_since(day, since)}"


def _by_post_day(select: str, table: str, since: date | None) -> str:
    """Rows of ``table`` (or of ``posts``) with their post's month; rows whose post_id is
    not a stored post (e.g. a duplicate's fingerprint) are kept, in month ``unknown``."""
    source = "posts AS p"
    if table:
        source = f"{_ident(table)} AS t LEFT JOIN posts AS p USING (post_id)"
    return f"{select}, {_month(_POST_DAY)} FROM {source} {_since(_POST_DAY, since)}"


def _since(day: str, since: date | None) -> str:
    return f"WHERE {day} >= DATE '{since.isoformat()}'" if since else ""


def _month(day: str) -> str:
    return f"coalesce(strftime({day}, '%Y-%m'), 'unknown') AS month"


def _write(con: duckdb.DuckDBPyConnection, plan: _Plan, out: Path, fmt: str) -> ExportedTable:
    folder = out / plan.table
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder if plan.partitioned else folder / f"data.{fmt}"
    options = _OPTIONS[fmt] + (", PARTITION_BY (month)" if plan.partitioned else "")
    try:
        row = con.execute(f"COPY ({plan.sql}) TO '{_literal(target)}' ({options})").fetchone()
    except duckdb.Error as exc:
        raise WarehouseError(
            f"export of {plan.table} to {folder} failed: {error_line(exc)}"
        ) from exc
    return ExportedTable(plan.table, int(row[0]) if row else 0, folder, plan.partitioned)


def _columns(con: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    rows = con.execute(
        "SELECT c.table_name, c.column_name FROM information_schema.columns AS c "
        "JOIN information_schema.tables AS t USING (table_catalog, table_schema, table_name) "
        "WHERE c.table_schema = 'main' AND t.table_type = 'BASE TABLE' "
        "AND c.table_catalog = current_database() "
        "ORDER BY c.table_name, c.ordinal_position"
    ).fetchall()
    found: dict[str, list[str]] = {}
    for table, column in rows:
        found.setdefault(table, []).append(column)
    return found


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(target: Path) -> str:
    return str(target).replace("'", "''")
