"""Every ```sql example in docs/warehouse.md and in README.md runs and returns rows."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from analyst_sample import build_sample

from warehouse.db import load_fts
from warehouse.snapshot import reader

ROOT = Path(__file__).resolve().parents[2]
DOCS = (ROOT / "docs" / "warehouse.md", ROOT / "README.md")
_SQL = re.compile(r"^```sql\n(.*?)^```", re.S | re.M)


def examples() -> list[tuple[str, str]]:
    found = []
    for doc in DOCS:
        text = doc.read_text(encoding="utf-8")
        found += [(f"{doc.name}#{i + 1}", m.group(1)) for i, m in enumerate(_SQL.finditer(text))]
    return found


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_sample(tmp_path_factory.mktemp("examples") / "mpnews.duckdb")


def test_the_docs_have_examples() -> None:
    assert len(examples()) >= 8


@pytest.mark.parametrize(("where", "sql"), examples(), ids=[w for w, _ in examples()])
def test_example_runs_and_returns_rows(sample: Path, where: str, sql: str) -> None:
    con = reader(sample)
    try:
        load_fts(con)
        rows = con.execute(sql).fetchall()
    finally:
        con.close()
    assert rows, f"{where} returned no rows on the sample warehouse"
