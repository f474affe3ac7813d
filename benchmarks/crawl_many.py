"""Many sites at once: first ``mpnews crawl`` of N generated blogs, each on its own loopback host.

    python benchmarks/crawl_many.py [--sites 50] [--posts 20] [--delay 0] [--repo DIR]

Serves ``--sites`` blogs of ``--posts`` posts each (``mpnews.samples.many``: site i on
127.0.<1 + i // 250>.<1 + i % 250>), runs ``mpnews crawl`` on them in a fresh warehouse as a
user would (its own process, Prefect included) and prints wall time, posts stored, peak RSS of
the whole process tree, and the polite bound of issue 8 (2 x the busiest site's requests x 1 s
+ 30 s). ``--delay`` sets ``MPNEWS_CRAWL_DELAY`` (omit it for the polite default);
``--repo`` runs another checkout's code (e.g. an older commit, exported with ``git archive``)
with this environment, for before/after figures.

``measure_crawl`` is the function other benchmarks can call.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

from mpnews.samples.many import serve_many

__all__ = ["CrawlMeasure", "main", "measure_crawl", "tree_rss"]

_PAGE_BYTES = os.sysconf("SC_PAGE_SIZE")


@dataclass(frozen=True, slots=True)
class CrawlMeasure:
    """One ``mpnews crawl`` run: how long, how much memory, what it stored."""

    exit_code: int
    wall_seconds: float
    peak_rss_bytes: int
    posts_stored: int
    sources_succeeded: int


def measure_crawl(
    sources_file: Path,
    warehouse: Path,
    *,
    delay: float | None = None,
    repo: Path | None = None,
    sample_seconds: float = 0.25,
) -> CrawlMeasure:
    """Run ``mpnews crawl`` on ``sources_file`` into ``warehouse`` in a child process."""
    env = dict(os.environ)
    env.pop("MPNEWS_CRAWL_DELAY", None)
    if delay is not None:
        env["MPNEWS_CRAWL_DELAY"] = str(delay)
    if repo is not None:
        env["PYTHONPATH"] = str(repo)
    env.setdefault("PREFECT_HOME", str(warehouse.parent / ".mpnews" / "prefect"))
    command = [sys.executable, "-m", "mpnews", "crawl", "--sources", str(sources_file)]
    command += ["--warehouse", str(warehouse)]
    started = time.monotonic()
    proc = subprocess.Popen(
        command, env=env, cwd=repo or None, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    peak = 0
    while proc.poll() is None:
        peak = max(peak, tree_rss(proc.pid))
        time.sleep(sample_seconds)
    wall = time.monotonic() - started
    if proc.returncode not in (0, 1):
        err = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
        raise RuntimeError(f"mpnews crawl exited {proc.returncode}: {err[-2000:]}")
    posts, succeeded = _stored(warehouse)
    return CrawlMeasure(proc.returncode, wall, peak, posts, succeeded)


def tree_rss(pid: int) -> int:
    """Resident bytes of ``pid`` and all its descendants (Linux ``/proc``)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            pages = int((entry / "statm").read_text().split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(int(stat[1]), []).append(int(entry.name))
        rss[int(entry.name)] = pages * _PAGE_BYTES
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        total += rss.get(current, 0)
        todo.extend(children.get(current, []))
    return total


def _stored(warehouse: Path) -> tuple[int, int]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        posts = con.execute("SELECT count(*) FROM posts").fetchone()
        ok = con.execute("SELECT count(*) FROM crawl_runs WHERE status = 'succeeded'").fetchone()
    return int(posts[0]) if posts else 0, int(ok[0]) if ok else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sites", type=int, default=50)
    parser.add_argument("--posts", type=int, default=20)
    parser.add_argument("--delay", type=float, default=None, help="MPNEWS_CRAWL_DELAY")
    parser.add_argument("--repo", type=Path, default=None, help="run this checkout's code")
    args = parser.parse_args(argv)
    with (
        tempfile.TemporaryDirectory(prefix="mpnews-bench-") as tmp,
        serve_many(args.sites, args.posts) as sites,
    ):
        sources = Path(tmp) / "sources.toml"
        sources.write_text(sites.sources_toml(), encoding="utf-8")
        result = measure_crawl(
            sources, Path(tmp) / "wh" / "bench.duckdb", delay=args.delay, repo=args.repo
        )
        busiest = max(spec.posts + spec.pages() + 1 for spec in sites.specs)  # + robots.txt
    bound = 2 * busiest * 1.0 + 30
    delay = "polite default" if args.delay is None else f"MPNEWS_CRAWL_DELAY={args.delay:g}"
    print(f"{args.sites} sites x {args.posts} posts, each on its own loopback host ({delay})")
    print(f"  wall time            {result.wall_seconds:8.1f} s  (polite bound {bound:.0f} s)")
    print(f"  posts stored         {result.posts_stored:8d} of {args.sites * args.posts}")
    print(f"  sources succeeded    {result.sources_succeeded:8d} of {args.sites}")
    print(f"  peak RSS (tree)      {result.peak_rss_bytes / 2**20:8.0f} MiB")
    print(f"  stored posts/s       {result.posts_stored / result.wall_seconds:8.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
