"""An analyst holding the warehouse open never blocks a whole crawl, and never sees a lock error."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import duckdb

from mpnews.cli import main
from warehouse.db import OFFLINE_CONFIG
from warehouse.search import index_is_current, search
from warehouse.snapshot import reader


def _count(con: duckdb.DuckDBPyConnection) -> int:
    row = con.execute("SELECT count(*) FROM posts").fetchone()
    assert row is not None
    return int(row[0])


class _Analyst(threading.Thread):
    """Queries its open connections, and opens fresh readers, until told to stop."""

    def __init__(self, warehouse: Path, held: list[duckdb.DuckDBPyConnection]) -> None:
        super().__init__(daemon=True)
        self.warehouse, self.held = warehouse, held
        self.stop, self.errors, self.queries = threading.Event(), list[BaseException](), 0

    def run(self) -> None:
        while not self.stop.wait(0.05):
            try:
                for con in self.held:
                    _count(con)
                fresh = reader(self.warehouse)
                try:
                    _count(fresh)
                finally:
                    fresh.close()
                self.queries += 1
            except BaseException as exc:  # noqa: BLE001 - any error fails the test
                self.errors.append(exc)


def test_analysts_read_throughout_a_crawl(
    tmp_path: Path, samples: Any, prefect_harness: None
) -> None:
    sources = tmp_path / "sources.toml"
    sources.write_text(samples.sources_toml(), encoding="utf-8")
    warehouse = tmp_path / "wh" / "mpnews.duckdb"
    reader(warehouse).close()  # an empty published warehouse, as on a first deployment
    plain = duckdb.connect(str(warehouse), read_only=True, config=OFFLINE_CONFIG)
    held = reader(warehouse)
    analyst = _Analyst(warehouse, [plain, held])
    analyst.start()
    try:
        code = main(["crawl", "--sources", str(sources), "--warehouse", str(warehouse)])
    finally:
        analyst.stop.set()
        analyst.join()
    try:
        assert analyst.errors == []
        assert analyst.queries > 0
        assert _count(plain) == _count(held) == 0  # still the snapshot they opened
    finally:
        plain.close()
        held.close()
    assert code == 1  # the sample set includes a source that is down; the others loaded
    fresh = reader(warehouse)
    try:
        assert _count(fresh) > 0
        assert index_is_current(fresh)  # the published file carries its search index
    finally:
        fresh.close()
    hits = search(warehouse, "social care dementia", limit=3)
    assert hits and "Social Care" in (hits[0].title or "")
