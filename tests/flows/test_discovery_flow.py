"""`mpnews crawl` on an MP site it has never seen: the second run starts from what the first
found (site_discovery), and posts there are linked to the registry's MPs with member_id."""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb

from mpnews.cli import main

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "spiders"))
from discovery_sites import SQUARESPACE, serve


def test_second_crawl_starts_from_what_the_first_found(
    tmp_path: Path, prefect_harness: None
) -> None:
    warehouse = tmp_path / "mpnews.duckdb"
    sources = tmp_path / "sources.toml"
    with serve(SQUARESPACE) as origin:
        sources.write_text(
            '[[source]]\nname = "rosena"\nkind = "mp_site"\nmp = "Rosena Allin-Khan"\n'
            f'member_id = 4573\nstart_urls = ["{origin}/"]\n',
            encoding="utf-8",
        )
        argv = ["crawl", "--sources", str(sources), "--warehouse", str(warehouse)]
        assert main(argv) == 0
        with duckdb.connect(str(warehouse), read_only=True) as con:
            found = con.execute(
                "SELECT family, feeds, sitemaps, listings, run_id FROM site_discovery"
            ).fetchall()
            authors = con.execute(
                "SELECT DISTINCT mp, member_id FROM post_mps WHERE role = 'author'"
            ).fetchall()
        assert found[0][:4] == (
            "squarespace",
            [f"{origin}/latest-news?format=rss"],
            [f"{origin}/sitemap.xml"],
            [f"{origin}/latest-news"],
        )
        assert authors == [("Rosena Allin-Khan", 4573)]
        assert main(argv) == 0
        with duckdb.connect(str(warehouse), read_only=True) as con:
            (runs,) = con.execute("SELECT count(*) FROM crawl_runs").fetchone() or (0,)
            (first_run,) = con.execute("SELECT run_id FROM site_discovery").fetchone() or ("",)
            (not_found,) = con.execute(
                "SELECT count(*) FROM pages WHERE status = 404"
            ).fetchone() or (0,)
        assert runs == 2
        assert first_run == found[0][4]  # nothing new: the row was not rewritten
        assert not_found == 0  # the first run's guesses (none here) are never repeated
