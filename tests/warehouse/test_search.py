"""Full-text search: ranked, filtered, offline, from the published index or a fallback."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import duckdb
import pytest
from analyst_sample import MP, build_sample

from mpnews.cli import main
from mpnews.exceptions import WarehouseError
from warehouse.search import index_is_current, search, snippet
from warehouse.snapshot import reader


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_sample(tmp_path_factory.mktemp("search") / "mpnews.duckdb")


def test_published_snapshot_has_a_current_index(sample: Path) -> None:
    con = reader(sample)
    try:
        assert index_is_current(con)
    finally:
        con.close()


def test_best_match_first_and_stemmed(sample: Path) -> None:
    hits = search(sample, "doctors harassment")
    assert [h.post_id for h in hits][:1] == ["paper-1"]
    assert hits == sorted(hits, key=lambda h: -h.score)
    assert {"paper-1", "nhs"} <= {h.post_id for h in hits}  # "doctors" matches "doctor"


def test_hit_carries_what_the_cli_prints(sample: Path) -> None:
    (hit,) = search(sample, "library", limit=1)
    assert (hit.title, hit.published_date, hit.source, hit.mp) == (
        "Free benefits advice at Tooting Library",
        date(2020, 1, 21),
        "rosena",
        MP,
    )
    assert hit.url.endswith("/library") and "library" in hit.snippet.lower()


def test_edited_post_is_found_by_its_new_text(sample: Path) -> None:
    assert [h.post_id for h in search(sample, "urgently")] == ["care"]


def test_filters(sample: Path) -> None:
    assert {h.post_id for h in search(sample, "nhs", since=date(2020, 2, 1))} == {"nhs"}
    assert {h.post_id for h in search(sample, "nhs", mp="allin-khan")} == {"nhs", "paper-1"}
    assert search(sample, "nhs", mp="Somebody Else") == []
    assert len(search(sample, "nhs doctor care", limit=2)) == 2


def test_stale_index_falls_back_to_an_in_memory_index(tmp_path: Path, sample: Path) -> None:
    stale = tmp_path / "stale.duckdb"
    shutil.copyfile(sample, stale)
    with duckdb.connect(str(stale)) as con:  # as published by an mpnews without search
        con.execute("DROP SCHEMA fts_main_posts CASCADE")
    con = reader(stale)
    try:
        assert not index_is_current(con)
    finally:
        con.close()
    assert [h.post_id for h in search(stale, "library")] == ["library"]


def test_empty_query_is_an_error(sample: Path) -> None:
    with pytest.raises(WarehouseError):
        search(sample, "  ")


def test_snippet_centres_on_a_match() -> None:
    text = "word " * 100 + "The Housing crisis " + "tail " * 100
    cut = snippet(text, ["hous"], width=60)
    assert "Housing" in cut and cut.startswith("…") and cut.endswith("…") and len(cut) <= 62


def test_cli_prints_matches_and_json(sample: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", "social care", "--warehouse", str(sample), "--limit", "1"]) == 0
    out = capsys.readouterr().out
    assert "Social Care Reform" in out and "/care" in out
    assert main(["search", "social care", "--warehouse", str(sample), "--json"]) == 0
    assert '"post_id": "care"' in capsys.readouterr().out.splitlines()[0]
    assert main(["search", "zebra", "--warehouse", str(sample)]) == 1


def _scores(con: duckdb.DuckDBPyConnection, query: str) -> list[tuple[str, float]]:
    rows = con.execute(
        "SELECT post_id, round(fts_main_posts.match_bm25(post_id, ?), 9) AS s FROM posts "
        "WHERE s IS NOT NULL ORDER BY post_id",
        [query],
    ).fetchall()
    return [(str(p), float(s)) for p, s in rows]


def test_incremental_index_ranks_exactly_as_a_rebuilt_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Loads re-index only the posts they wrote; the scores equal a full rebuild's."""
    monkeypatch.setattr("warehouse.search.REBUILD_SHARE", 1.0)  # never rebuild: 4 posts only
    from wh_builders import at, page_row, post_row, run_record

    from warehouse.load import load_run

    path = tmp_path / "w.duckdb"
    texts = {
        "a": ("NHS waiting lists", "Hospital waiting lists grew again in Tooting this winter."),
        "b": ("Railway station", "Step-free access at the station, at last, for everyone."),
        "c": ("The and of", "the and of to in"),  # stop words only: a document of no terms
    }
    rows = [post_row(k, title=t, body=b) for k, (t, b) in texts.items()]
    load_run(path, run=run_record("r1"), posts=rows, pages=[page_row("https://x.example/")])
    edits = [
        post_row("a", title="NHS waiting lists", body="Waiting lists at St George's fell.",
                 run_id="r2", seen_at=at(30), content_hash="hash-a2"),
        post_row("d", title="Library", body="The library keeps its Saturday hours and hospital"
                 " volunteers.", run_id="r2", seen_at=at(30)),
    ]  # fmt: skip
    load_run(path, run=run_record("r2", started_at=at(30)), posts=edits)
    queries = ("waiting lists", "hospital", "library saturday", "station", "george")
    with duckdb.connect(str(path)) as con:
        from warehouse.db import load_fts

        load_fts(con)
        assert index_is_current(con)
        state = con.execute("SELECT fingerprint FROM fts_main_posts.index_state").fetchone()
        assert state == (None,)  # re-indexed in place, not rebuilt
        incremental = {q: _scores(con, q) for q in queries}
        con.execute("PRAGMA create_fts_index('posts', 'post_id', 'title', 'body', overwrite = 1)")
        rebuilt = {q: _scores(con, q) for q in queries}
    assert incremental == rebuilt
    assert [p for p, _ in incremental["hospital"]] == ["d"]  # "a" no longer says hospital
