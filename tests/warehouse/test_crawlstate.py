"""The compact crawl_state the loads keep equals what the whole pages history says."""

from __future__ import annotations

from pathlib import Path

from wh_builders import at, page_row, post_row, rejection, run_record

from warehouse.crawlstate import UrlSeen, read_crawl_state
from warehouse.load import load_run
from warehouse.snapshot import reader

# The state as it was read before crawl_state existed: from every page ever stored.
_FROM_HISTORY = """
SELECT url,
       arg_max(role, fetched_at) AS role,
       arg_max(status, fetched_at) AS status,
       max(fetched_at) FILTER (WHERE status IN (200, 304)) AS checked_at,
       arg_max(warc_file, fetched_at) FILTER (WHERE status = 200) AS ok_warc_file,
       url IN (SELECT page_url FROM post_sightings WHERE source = $source
               UNION SELECT url FROM post_sightings WHERE source = $source) AS has_post
FROM pages WHERE source = $source AND fetched_at IS NOT NULL
GROUP BY url ORDER BY url
"""
SITE = "https://jobloggs.example"


def _history(path: Path, source: str = "jo-bloggs") -> list[UrlSeen]:
    con = reader(path)
    try:
        return [UrlSeen(*row) for row in con.execute(_FROM_HISTORY, {"source": source}).fetchall()]
    finally:
        con.close()


def _run(path: Path, run_id: str, hours: float, pages: list, posts: list = (), rejected=()) -> None:
    load_run(
        path,
        run=run_record(run_id, started_at=at(hours)),
        posts=[post_row(p, run_id=run_id, seen_at=at(hours)) for p in posts],
        pages=[page_row(url, run_id=run_id, fetched_at=at(hours), **kw) for url, kw in pages],
        rejections=[rejection(u, run_id=run_id) for u in rejected],
    )


def test_state_follows_every_load_in_any_order(warehouse: Path) -> None:
    listing, a, b, gone = f"{SITE}/news/", f"{SITE}/news/a", f"{SITE}/news/b", f"{SITE}/old"
    runs = [
        ("r3", 48, [(listing, {"status": 304, "warc_file": "r3.warc.gz"}),
                    (a, {"role": "post", "status": 200, "warc_file": "r3.warc.gz"})], ["a"], ()),
        ("r1", 0, [(listing, {"warc_file": "r1.warc.gz"}),
                   (gone, {"role": "post", "status": 404, "warc_file": "r1.warc.gz"}),
                   (b, {"role": "post", "status": 200, "warc_file": "r1.warc.gz"})], ["b"],
         [gone]),
        ("r2", 24, [(listing, {"warc_file": "r2.warc.gz"}),
                    (gone, {"role": "post", "status": 200, "warc_file": "r2.warc.gz"})], (),
         [gone]),
    ]  # fmt: skip
    for run_id, hours, pages, posts, rejected in runs:  # r3 loaded first: a re-process order
        _run(warehouse, run_id, hours, pages, posts, rejected)
        assert read_crawl_state(warehouse, "jo-bloggs") == _history(warehouse)
    state = {s.url: s for s in read_crawl_state(warehouse, "jo-bloggs")}
    assert state[listing].ok_warc_file == "r2.warc.gz"  # r3 answered 304: last 200 is r2's
    assert state[listing].status == 304 and state[listing].checked_at == at(48)
    assert state[gone].status == 200 and not state[gone].has_post
    assert state[a].has_post and state[b].has_post


def test_reloading_a_run_changes_nothing(warehouse: Path) -> None:
    pages = [(f"{SITE}/news/", {}), (f"{SITE}/news/a", {"role": "post"})]
    _run(warehouse, "r1", 0, pages, ["a"])
    before = read_crawl_state(warehouse, "jo-bloggs")
    _run(warehouse, "r1", 0, pages, ["a"])
    assert read_crawl_state(warehouse, "jo-bloggs") == before == _history(warehouse)


def test_upgrade_builds_the_state_from_the_pages_history(tmp_path: Path) -> None:
    """A warehouse from before crawl_state (m013) gets it from its pages on migration."""
    from warehouse.db import connect
    from warehouse.migrate import migrate

    path = tmp_path / "old.duckdb"
    con = connect(path)
    migrate(con, target=11)
    rows = [
        ("r1", f"{SITE}/news/", 200, "listing", at(0), "r1.warc.gz"),
        ("r2", f"{SITE}/news/", 304, "listing", at(24), "r2.warc.gz"),
        ("r1", f"{SITE}/news/a", 200, "post", at(0), "r1.warc.gz"),
        ("r2", f"{SITE}/news/b", 500, "post", at(24), "r2.warc.gz"),
    ]
    for run_id, url, status, role, when, warc in rows:
        con.execute(
            "INSERT INTO pages VALUES (?, 'jo-bloggs', ?, ?, ?, ?, 'text/html', ?, ?)",
            [run_id, url, url, status, role, when, warc],
        )
    con.execute(
        "INSERT INTO post_sightings VALUES ('a', ?, 'jo-bloggs', ?, ?, ?, 'r1')",
        [f"{SITE}/news/a", f"{SITE}/news/a", at(0), at(0)],
    )
    migrate(con)
    con.close()
    state = read_crawl_state(path, "jo-bloggs")
    assert state == _history(path)
    assert [(s.url.removeprefix(SITE), s.status, s.ok_warc_file, s.has_post) for s in state] == [
        ("/news/", 304, "r1.warc.gz", False),
        ("/news/a", 200, "r1.warc.gz", True),
        ("/news/b", 500, None, False),
    ]


def test_a_run_reads_every_source_state_at_once(warehouse: Path, tmp_path: Path) -> None:
    from warehouse.crawlstate import read_crawl_states

    _run(warehouse, "r1", 0, [(f"{SITE}/news/", {"warc_file": "r1.warc.gz"})])
    states = read_crawl_states(warehouse, ["jo-bloggs", "nobody"])
    assert states == {"jo-bloggs": _history(warehouse), "nobody": []}
    assert len(states["jo-bloggs"]) == 1
    assert read_crawl_states(tmp_path / "none.duckdb", ["jo-bloggs"]) == {"jo-bloggs": []}
