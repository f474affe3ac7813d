"""Warehouse-size benchmark: does loading one run cost the same in a small and a huge warehouse?

    python benchmarks/warehouse_size.py [--sizes 10000,100000,1000000] [--run-posts 1000]

For each size it builds (once, cached in ``.bench/warehouse_size/``, git-ignored) a warehouse of
that many synthetic posts, written in bulk from Arrow batches with everything a real one holds
per post (sightings, MPs, pages, the near-duplicate index with its LSH bands, the crawl state,
the search index). Then, in a fresh process per size and on a fresh copy of that warehouse, it
loads one run of ``--run-posts`` posts (a tenth of them edits of stored posts) exactly as a
crawl does — the load transaction (``warehouse.load.write_run``), the search-index update and
the CHECKPOINT — and prints, side by side, the load's wall time and the process's peak RSS
(with the RSS it had before the load, so the load's own share shows). Publishing is timed
apart — the CHECKPOINT (DuckDB re-writes every primary-key index in full on a checkpoint) and
the copy onto the analysts' file — since both follow the file's size by nature and are paid once
per flow run, not per load.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import shutil
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / ".bench" / "warehouse_size"
BATCH = 100_000
SOURCES = 400
_VOCAB = (
    "council housing budget hospital school transport police parliament constituency "
    "residents campaign funding community local government minister debate vote surgery "
    "energy bills railway station library park volunteers charity families nurses doctors "
    "waiting lists climate flooding roads buses pensions benefits universal credit cost "
    "living rent tenants landlords planning green belt jobs factory apprenticeships schools "
    "teachers pupils exams crime knife youth clubs veterans armed forces farming fishing "
    "brexit trade tariffs europe ukraine gaza aid refugees asylum borders immigration visas "
    "students universities fees "
)
_WORDS = tuple(w for w in _VOCAB.split())
_T0 = datetime(2020, 1, 1, tzinfo=UTC)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.measure:
        print(json.dumps(_measure(Path(args.measure), args.run_posts)))
        return 0
    sizes = [int(s) for s in args.sizes.split(",")]
    rows = []
    for size in sizes:
        template = _template(size, rebuild=args.rebuild)
        work = CACHE / f"measure-{size}.duckdb"
        shutil.copyfile(template, work)
        cmd = [sys.executable, __file__, "--measure", str(work), "--run-posts", str(args.run_posts)]
        done = subprocess.run(cmd, capture_output=True, text=True, check=False, cwd=ROOT)
        if done.returncode != 0:
            print(done.stderr[-3000:], file=sys.stderr)
            return 1
        result = json.loads(done.stdout.strip().splitlines()[-1])
        result["publish_s"] = _time_copy(work)
        result["file_mb"] = work.stat().st_size / 2**20
        work.unlink()
        rows.append((size, result))
    _print(rows, args.run_posts)
    return 0


def _print(rows: list[tuple[int, dict]], run_posts: int) -> None:
    print(f"load of a {run_posts}-post run into warehouses of different sizes")
    head = ("posts stored", "load s", "peak RSS MiB", "RSS before MiB", "checkpoint s",
            "copy s", "file MiB")  # fmt: skip
    print("  ".join(f"{h:>14}" for h in head))
    for size, r in rows:
        cells = (
            f"{size:,}",
            f"{r['load_s']:.2f}",
            f"{r['peak_rss_mb']:.0f}",
            f"{r['baseline_rss_mb']:.0f}",
            f"{r['checkpoint_s']:.2f}",
            f"{r['publish_s']:.2f}",
            f"{r['file_mb']:.0f}",
        )
        print("  ".join(f"{c:>14}" for c in cells))
    loads = [r["load_s"] for _, r in rows]
    peaks = [r["peak_rss_mb"] for _, r in rows]
    print(
        f"largest/smallest: load time {max(loads) / min(loads):.2f}x, "
        f"peak RSS {max(peaks) / min(peaks):.2f}x"
    )


def _time_copy(path: Path) -> float:
    target = path.with_suffix(".published")
    started = time.perf_counter()
    shutil.copyfile(path, target)
    elapsed = time.perf_counter() - started
    target.unlink()
    return elapsed


# --- building a synthetic warehouse ------------------------------------------------------


def _template(size: int, *, rebuild: bool) -> Path:
    path = CACHE / f"posts-{size}.duckdb"
    if path.exists() and not rebuild:
        return path
    CACHE.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    started = time.perf_counter()
    _build(path, size)
    print(f"built {path.name} in {time.perf_counter() - started:.0f}s", file=sys.stderr)
    return path


def _build(path: Path, size: int) -> None:
    from warehouse.db import connect
    from warehouse.migrate import migrate
    from warehouse.search import refresh_index

    con = connect(path)
    migrate(con)
    rng = np.random.default_rng(size)
    for start in range(0, size, BATCH):
        batch = _batch(rng, start, min(BATCH, size - start))
        for table, data in batch.items():
            con.register("batch", data)
            con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM batch")
            con.unregister("batch")
    con.execute(_RUNS)
    con.execute(_STATE)
    refresh_index(con)
    con.execute("CHECKPOINT")
    con.close()


_RUNS = """
INSERT INTO crawl_runs BY NAME
SELECT DISTINCT run_id, source, 'mp_site' AS kind, fetched_at AS started_at,
       fetched_at AS finished_at, 'succeeded' AS status, 0 AS pages_fetched,
       0 AS posts_found, 0 AS posts_new, 0 AS rejections
FROM pages QUALIFY row_number() OVER (PARTITION BY run_id, source) = 1
"""
# The compact crawl state as the loads keep it (m013), built in one go for the copy.
_STATE = """
INSERT INTO crawl_state BY NAME
SELECT source, url, arg_max(role, fetched_at) AS role, arg_max(status, fetched_at) AS status,
       max(fetched_at) AS fetched_at, max(fetched_at) AS checked_at,
       arg_max(warc_file, fetched_at) AS ok_warc_file, max(fetched_at) AS ok_fetched_at,
       true AS has_post
FROM pages GROUP BY source, url
"""


def _batch(rng: np.random.Generator, start: int, n: int) -> dict[str, pa.Table]:
    ids = [f"{i:016x}" for i in range(start, start + n)]
    sources = [f"site-{i % SOURCES:03d}" for i in range(start, start + n)]
    numbers = range(start, start + n)
    urls = [f"https://{s}.example/news/post-{i}" for s, i in zip(sources, numbers, strict=True)]
    words = rng.integers(0, len(_WORDS), size=(n, 80))
    bodies = [" ".join(_WORDS[w] for w in row) for row in words]
    titles = [" ".join(_WORDS[w] for w in row[:7]).capitalize() for row in words]
    seen = [_T0 + timedelta(minutes=int(m)) for m in rng.integers(0, 2_000_000, size=n)]
    runs = [f"run-{s.strftime('%Y%m%d')}" for s in seen]
    posts = pa.table(
        {
            "post_id": ids,
            "url": urls,
            "source": sources,
            "kind": ["mp_site"] * n,
            "title": titles,
            "published_date": [s.date() for s in seen],
            "date_source": ["visible"] * n,
            "body": bodies,
            "categories": [["Local"]] * n,
            "topics": [["housing"]] * n,
            "mp": [f"MP {i % SOURCES}" for i in range(start, start + n)],
            "content_hash": [f"{h:032x}" for h in rng.integers(0, 2**62, size=n)],
            "first_seen_at": seen,
            "last_seen_at": seen,
            "last_run_id": runs,
            "first_run_id": runs,
        }
    )
    minhash = rng.integers(0, 2**32, size=(n, 128), dtype=np.uint32)
    bands = 37
    return {
        "posts": posts,
        "post_sightings": posts.select(
            ["post_id", "url", "source", "first_seen_at", "last_seen_at", "last_run_id"]
        ).append_column("page_url", pa.array(urls)),
        "post_mps": pa.table({"post_id": ids, "mp": posts.column("mp"), "role": ["author"] * n}),
        "pages": pa.table(
            {
                "run_id": runs,
                "source": sources,
                "url": urls,
                "final_url": urls,
                "status": [200] * n,
                "role": ["post"] * n,
                "content_type": ["text/html"] * n,
                "fetched_at": seen,
                "warc_file": [f"{r}.warc.gz" for r in runs],
            }
        ),
        "post_fingerprints": pa.table(
            {
                "post_id": ids,
                "canonical_id": ids,
                "content_hash": posts.column("content_hash"),
                "minhash": [row.tobytes() for row in minhash],
                "words": [80] * n,
                "published_date": posts.column("published_date"),
                "kind": ["mp_site"] * n,
                "first_seen_at": seen,
            }
        ),
        "post_lsh_bands": pa.table(
            {
                "key": rng.integers(-(2**63), 2**63 - 1, size=n * bands, dtype=np.int64),
                "post_id": np.repeat(np.array(ids, dtype=object), bands),
            }
        ),
    }


# --- measuring one load (in its own process) ---------------------------------------------


def _measure(path: Path, run_posts: int) -> dict[str, float]:
    from warehouse.db import connect
    from warehouse.load import write_run
    from warehouse.migrate import migrate
    from warehouse.search import refresh_index

    run, posts, pages = _run(path, run_posts)
    con = connect(path)
    migrate(con)
    baseline = _rss_mb("VmRSS")
    Path("/proc/self/clear_refs").write_text("5")  # restart the peak (VmHWM) from here
    started = time.perf_counter()
    write_run(con, run=run, posts=posts, pages=pages)
    refresh_index(con)
    loaded = time.perf_counter()
    peak = _rss_mb("VmHWM")
    con.execute("CHECKPOINT")
    checkpointed = time.perf_counter()
    con.close()
    return {
        "load_s": loaded - started,
        "checkpoint_s": checkpointed - loaded,
        "peak_rss_mb": peak,
        "baseline_rss_mb": baseline,
    }


def _run(path: Path, n: int) -> tuple:
    from pipeline.records import PageSeen
    from warehouse.db import connect
    from warehouse.rows import PostRow, RunRecord

    con = connect(path, read_only=True)
    stored = con.execute("SELECT count(*) FROM posts").fetchone()[0]
    con.close()
    rnd = random.Random(n)
    source, run_id = "site-007", "run-bench"
    now = datetime(2026, 1, 1, tzinfo=UTC)
    edits = [i for i in range(7, stored, SOURCES)][: n // 10]  # stored posts of site-007
    fresh = list(range(stored + 1, stored + 1 + n - len(edits)))
    posts, pages = [], []
    for i in edits + fresh:
        url = f"https://{source}.example/news/post-{i}"
        body = " ".join(rnd.choice(_WORDS) for _ in range(120))
        posts.append(
            PostRow(
                post_id=f"{i:016x}", url=url, source=source, kind="mp_site",
                title=body[:60], author=None, published_date=date(2025, 12, 31),
                date_source="visible", updated_at=None, body=body, categories=("Local",),
                mp="MP 7", content_hash=f"{rnd.getrandbits(120):032x}", page_url=url,
                seen_at=now, run_id=run_id, topics=("housing",), mps=(("MP 7", "author"),),
            )
        )  # fmt: skip
        pages.append(
            PageSeen(run_id, source, url, url, 200, "post", "text/html", now, "bench.warc.gz")
        )
    run = RunRecord(run_id, source, "mp_site", now, now, "succeeded", len(pages), len(posts))
    return run, posts, pages


def _rss_mb(field: str) -> float:
    """``VmRSS`` (now) or ``VmHWM`` (peak since the last reset) of this process, in MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--run-posts", type=int, default=1000)
    parser.add_argument("--rebuild", action="store_true", help="rebuild the cached warehouses")
    parser.add_argument("--measure", help=argparse.SUPPRESS)  # internal: one load, one process
    return parser


if __name__ == "__main__":
    sys.exit(main())
