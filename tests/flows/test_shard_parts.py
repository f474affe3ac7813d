"""A run that several flows crawl at once (shards): each part keeps its own process files.

The parts share the run's id and folder (each source's state and stats are its own), but each
crawl process's plan, log and spill files live in a folder named after its part, so a part
that starts a moment after another never reads the other's plan and crawls its sources too.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb

from flows.crawl import crawl_flow, new_run_id

PARTS = {
    "shard-1-of-2": ["rosena-allin-khan"],
    "shard-2-of-2": ["hustings-blog", "independent-politics"],
}


def test_each_part_of_a_run_keeps_its_own_plan_and_log(
    tmp_path: Path, samples: Any, prefect_harness: None
) -> None:
    sources = tmp_path / "sources.toml"
    sources.write_text(samples.sources_toml(), encoding="utf-8")
    warehouse = tmp_path / "wh" / "mpnews.duckdb"
    run_id = new_run_id()
    for part, names in PARTS.items():
        results = crawl_flow(str(sources), str(warehouse), names, run_id, part=part)
        assert [r["status"] for r in results] == ["succeeded"] * len(names)

    [run_folder] = {p.parent.parent for p in tmp_path.rglob("crawl-plan.json")}
    assert run_folder.name == run_id
    for part, names in PARTS.items():
        plan = json.loads((run_folder / part / "crawl-plan.json").read_text(encoding="utf-8"))
        planned = [json.loads(s["source_json"])["name"] for s in plan["sources"]]
        assert planned == names, part
        assert (run_folder / part / "crawl.log").is_file()
    assert not (run_folder / "crawl-plan.json").exists()  # nothing shared between the parts
    with duckdb.connect(str(warehouse), read_only=True) as con:
        crawled = con.execute(
            "SELECT DISTINCT source FROM crawl_runs WHERE run_id = ? ORDER BY source", [run_id]
        ).fetchall()
    assert [s for (s,) in crawled] == sorted(n for names in PARTS.values() for n in names)
