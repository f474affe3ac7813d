"""The ``mps`` table: the packaged MP registry, rewritten each time a load opens the warehouse.

``post_mps.member_id`` rows stored before the registry knew an MP (or before m014) are filled
in from it by name or alias.
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import pyarrow as pa

from mpnews.house.members import Mp, read_default_members

__all__ = ["sync_mps"]

_SCHEMA = pa.schema(
    [
        ("member_id", pa.int32()),
        ("name", pa.string()),
        ("constituency", pa.string()),
        ("party", pa.string()),
        ("sitting", pa.bool_()),
        ("sat_from", pa.date32()),
        ("sat_until", pa.date32()),
        ("left_year", pa.int32()),
        ("honorifics", pa.list_(pa.string())),
        ("aliases", pa.list_(pa.string())),
        ("surname", pa.string()),
        ("former_constituencies", pa.list_(pa.string())),
        ("website", pa.string()),
        ("site", pa.string()),
    ]
)
_BACKFILL = """
WITH spellings AS (
    SELECT name AS spelling, member_id FROM mps WHERE member_id IS NOT NULL
    UNION ALL
    SELECT unnest(aliases) AS spelling, member_id FROM mps WHERE member_id IS NOT NULL
), known AS (SELECT spelling, min(member_id) AS member_id FROM spellings GROUP BY spelling)
UPDATE post_mps SET member_id = known.member_id
FROM known
WHERE post_mps.member_id IS NULL AND post_mps.mp = known.spelling
"""


def sync_mps(con: duckdb.DuckDBPyConnection, mps: Sequence[Mp] | None = None) -> None:
    """Replace the ``mps`` table with ``mps`` (default: the packaged registry), in one
    transaction, and fill in missing ``post_mps.member_id``."""
    table = pa.Table.from_pylist([_row(mp) for mp in mps or read_default_members()], _SCHEMA)
    con.register("stage_mps", table)
    try:
        con.execute("BEGIN TRANSACTION")
        con.execute("DELETE FROM mps")
        con.execute("INSERT INTO mps BY NAME SELECT * FROM stage_mps")
        con.execute("COMMIT")
    except duckdb.Error:
        con.execute("ROLLBACK")
        raise
    finally:
        con.unregister("stage_mps")
    con.execute(_BACKFILL)


def _row(mp: Mp) -> dict[str, object]:
    return {
        "member_id": mp.member_id,
        "name": mp.name,
        "constituency": mp.constituency,
        "party": mp.party,
        "sitting": mp.sitting,
        "sat_from": mp.sat_from,
        "sat_until": mp.sat_until,
        "left_year": int(mp.left[:4]) if mp.left[:4].isdigit() else None,
        "honorifics": list(mp.honorifics),
        "aliases": list(mp.aliases),
        "surname": mp.last_name,
        "former_constituencies": list(mp.former_constituencies),
        "website": mp.website or None,
        "site": mp.site or None,
    }
