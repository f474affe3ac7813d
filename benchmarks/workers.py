"""One Prefect worker vs two on a many-site mirror, into one DuckLake warehouse.

The mirror is K copies of the bundled sample sites (``mpnews/samples``), every site on its own
loopback port (its own host), crawled politely (``MPNEWS_CRAWL_DELAY`` seconds between requests
to one site). For each worker count W the script starts a fresh lake (catalog in a throw-away
PostgreSQL on 127.0.0.1), W ``prefect worker`` processes of a local Prefect server, and times
``mpnews crawl --shards W``; then it checks that every run holds the same posts (by content:
which copy of a mirrored post is the original depends on which site was loaded first).

    python benchmarks/workers.py [--copies 4] [--delay 0.5] [--workers 1 2]

Needs PostgreSQL's server binaries (``make setup-lake``).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
import tomllib
from contextlib import ExitStack
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "lake"))

from cluster import env, prefect_server, workers  # noqa: E402
from pgserver import PgServer, pg_server  # noqa: E402

from mpnews.samples.server import SampleServer, serve_samples  # noqa: E402
from warehouse.lake import connect_lake  # noqa: E402

_COUNTS = """
SELECT (SELECT count(*) FROM posts), (SELECT count(*) FROM post_sightings),
       (SELECT count(*) FROM crawl_runs WHERE status = 'succeeded'),
       (SELECT count(*) FROM crawl_runs WHERE status = 'failed')
"""


def mirror_sources(servers: list[SampleServer]) -> str:
    """One sources file naming every copy's sites (the dead sample site left out)."""
    lines: list[str] = []
    for copy, server in enumerate(servers, start=1):
        for entry in tomllib.loads(server.sources_toml())["source"]:
            if entry["start_urls"][0].startswith(server.down_url):
                continue
            entry["name"] = f"{entry['name']}-{copy}"
            lines.append("[[source]]")
            lines += [f"{key} = {json.dumps(value)}" for key, value in entry.items()]
            lines.append("")
    return "\n".join(lines)


def run_once(
    pg: PgServer, api_url: str, sources: Path, count: int, delay: float, work: Path
) -> dict[str, Any]:
    lake = pg.lake(f"bench_{count}w_{int(time.time())}")
    home = work / f"{count}-workers"
    home.mkdir()
    init = [sys.executable, "-m", "mpnews", "lake", "--warehouse", lake, "init"]
    subprocess.run([*init, "--data", str(home / "lake")], check=True, capture_output=True)
    extra = {"MPNEWS_ARCHIVE": str(home / "archive"), "MPNEWS_CRAWL_DELAY": str(delay)}
    command = [sys.executable, "-m", "mpnews", "crawl", "--shards", str(count),
               "--sources", str(sources), "--warehouse", lake]  # fmt: skip
    with workers(count, api_url, home, **extra):
        started = time.perf_counter()
        done = subprocess.run(
            command, env=env(home / "client", api_url), capture_output=True, text=True
        )
        wall = time.perf_counter() - started
    con = connect_lake(lake, read_only=True)
    try:
        posts, sightings, ok, failed = con.execute(_COUNTS).fetchone() or (0, 0, 0, 0)
        # which copy of a mirrored post is the original depends on load order: compare content
        ids = con.execute("SELECT content_hash, title FROM posts ORDER BY ALL").fetchall()
    finally:
        con.close()
    return {
        "workers": count, "exit": done.returncode, "wall_s": round(wall, 1), "posts": posts,
        "sightings": sightings, "sources_ok": ok, "sources_failed": failed, "ids": ids,
    }  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, default=4, help="copies of the sample sites")
    parser.add_argument("--delay", type=float, default=0.5, help="seconds between requests")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    with ExitStack() as stack, tempfile.TemporaryDirectory(prefix="mpnews-bench-") as tmp:
        work = Path(tmp)
        servers = [stack.enter_context(serve_samples()) for _ in range(args.copies)]
        sources = work / "sources.toml"
        sources.write_text(mirror_sources(servers), encoding="utf-8")
        pg = stack.enter_context(pg_server())
        api_url = stack.enter_context(prefect_server(work / "prefect"))
        results = [run_once(pg, api_url, sources, n, args.delay, work) for n in args.workers]
    print(f"{args.copies * 3} sites ({args.copies} copies of the samples), delay {args.delay} s")
    print("workers  wall_s  posts  sightings  sources_ok  sources_failed  exit")
    for r in results:
        print(f"{r['workers']:>7}  {r['wall_s']:>6}  {r['posts']:>5}  {r['sightings']:>9}  "
              f"{r['sources_ok']:>10}  {r['sources_failed']:>14}  {r['exit']:>4}")  # fmt: skip
    same = all(r["ids"] == results[0]["ids"] for r in results)
    print(f"same posts in every run: {same}")
    return 0 if same and all(r["exit"] == 0 for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
