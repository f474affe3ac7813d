"""docs/warehouse.md describes exactly the live schema: every table, view and column, typed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from warehouse.snapshot import reader

DOC = Path(__file__).resolve().parents[2] / "docs" / "warehouse.md"
_SECTION = re.compile(r"^## (Tables|Views)\s*$")
_HEADING = re.compile(r"^### `?(\w+)`?\s*$")
_ROW = re.compile(r"^\|\s*`?(\w+)`?\s*\|\s*([^|]+?)\s*\|")
_ALIASES = {"TIMESTAMPTZ": "TIMESTAMP WITH TIME ZONE"}
_KINDS = {"Tables": "BASE TABLE", "Views": "VIEW"}

Schema = dict[str, tuple[str, dict[str, str]]]


def documented(text: str) -> Schema:
    """{name: (kind, {column: type})} from the ``## Tables``/``## Views`` sections."""
    found: Schema = {}
    kind = name = None
    for line in text.splitlines():
        if line.startswith("## "):
            section = _SECTION.match(line)
            kind, name = (_KINDS[section.group(1)] if section else None), None
        elif kind and (heading := _HEADING.match(line)):
            name = heading.group(1)
            found[name] = (kind, {})
        elif kind and name and (row := _ROW.match(line)) and row.group(1) != "column":
            column, typ = row.group(1), row.group(2).strip("` ")
            found[name][1][column] = _ALIASES.get(typ, typ)
    return found


def live(path: Path) -> Schema:
    con = reader(path)
    try:
        rows = con.execute(
            "SELECT t.table_name, t.table_type, c.column_name, c.data_type "
            "FROM information_schema.tables AS t JOIN information_schema.columns AS c "
            "USING (table_catalog, table_schema, table_name) "
            "WHERE t.table_schema = 'main' AND t.table_catalog = current_database() "
            "ORDER BY t.table_name, c.ordinal_position"
        ).fetchall()
    finally:
        con.close()
    found: Schema = {}
    for table, kind, column, typ in rows:
        found.setdefault(table, (kind, {}))[1][column] = typ
    return found


@pytest.fixture(scope="module")
def schemas(tmp_path_factory: pytest.TempPathFactory) -> tuple[Schema, Schema]:
    path = tmp_path_factory.mktemp("dictionary") / "mpnews.duckdb"
    return documented(DOC.read_text(encoding="utf-8")), live(path)


def test_every_table_and_view_is_documented(schemas: tuple[Schema, Schema]) -> None:
    doc, db = schemas
    assert sorted(set(db) - set(doc)) == [], "add these to docs/warehouse.md"


def test_nothing_documented_that_does_not_exist(schemas: tuple[Schema, Schema]) -> None:
    doc, db = schemas
    assert sorted(set(doc) - set(db)) == [], "remove these from docs/warehouse.md"


def test_columns_kinds_and_types_match(schemas: tuple[Schema, Schema]) -> None:
    doc, db = schemas
    wrong = {
        name: {"docs": doc[name], "live": db[name]}
        for name in sorted(set(doc) & set(db))
        if doc[name][0] != db[name][0] or doc[name][1] != db[name][1]
    }
    assert wrong == {}


def test_parser_reads_headings_and_rows() -> None:
    text = "## Tables\n\n### t\n\n| column | type | meaning | example |\n|---|---|---|---|\n"
    text += "| a | TIMESTAMPTZ | when | x |\n| `b` | VARCHAR[] | list | y |\n\n## Views\n\n### v\n"
    text += "| column | type | meaning | example |\n| c | BIGINT | n | 1 |\n"
    text += "## Other\n### x\n| d | INT |"
    assert documented(text) == {
        "t": ("BASE TABLE", {"a": "TIMESTAMP WITH TIME ZONE", "b": "VARCHAR[]"}),
        "v": ("VIEW", {"c": "BIGINT"}),
    }
