"""Throughput benchmark: `mpnews crawl` over a local mirror of many sites, as a user runs it.

    python benchmarks/throughput.py [--pages 20000] [--sites 40] [--news-sites 4]
        [--polite-sites 200] [--polite-pages N] [--polite-timeout S] [--crawl-timeout S]
        [--workdir DIR] [--keep] [--json FILE]
    # --polite-sites 0: no polite run; --pages 0: the polite run alone

Builds a deterministic mirror (``mirror.py``: real corpus text in Weebly, WordPress and
news-site markup, each site on its own loopback address), serves it with nginx and prints,
in one run:

* end-to-end stored post pages/s of a first ``mpnews crawl`` with ``MPNEWS_CRAWL_DELAY=0``,
  and its ratio to bare trafilatura ``extract(include_comments=False)`` on all cores over
  the same post pages (measured in the same run, before the crawl);
* coverage: the share of the mirror's post pages that end up in ``posts`` (or as a
  sighting of a stored post), and where the missing ones are;
* peak RSS of the crawl's whole process tree;
* re-crawl share: a second crawl with nothing changed, its wall time over the first's;
* a polite run (default politeness, ``--polite-sites`` MP blogs plus the news sites on as
  many hosts) against the bound 2 x (busiest site's requests x 1 s) + 30 s.

The pipeline is run only through its command line; the warehouse is only read.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import signal
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _corpus  # the benchmarks folder is not a package
from _nginx import RequestLog, serve_mirror
from _proctree import TreeRun, run_watched
from mirror import Mirror, build_mirror, free_port

__all__ = ["main"]

ROOT = _corpus.ROOT
GIB = 1024**3
TARGETS = {"ratio": 0.85, "coverage": 0.99, "rss_gib": 1.0, "recrawl_share": 0.05}


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    base = args.workdir.resolve()
    base.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="throughput-", dir=base))
    print(f"throughput: work folder {work} (machine: {os.cpu_count()} cores)", flush=True)
    results: dict[str, Any] = {"command": " ".join(sys.argv), "cores": os.cpu_count()}
    signal.signal(signal.SIGTERM, _interrupted)  # `timeout` ends the run: still report
    complete = False
    try:
        if args.pages > 0:
            _main_run(args, work / "main", results.setdefault("main", {}))
        if args.polite_sites > 0:
            _polite_run(args, work / "polite", results.setdefault("polite", {}))
        complete = True
    finally:
        results["complete"] = complete
        if args.json:
            args.json.write_text(json.dumps(results, indent=2, default=str), encoding="utf-8")
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        _print_summary(results)
    return 0


def _interrupted(signum: int, _frame: object) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def _main_run(args: argparse.Namespace, work: Path, out: dict[str, Any]) -> None:
    """Fills ``out`` phase by phase, so an interrupted run still reports what it measured."""
    mirror = _build(work, args.pages, args.sites, args.news_sites, skew=True)
    sources = mirror.write_sources(work / "sources.toml")
    warehouse = work / "home" / "mpnews.duckdb"
    warehouse.parent.mkdir(parents=True)
    out["mirror"] = _describe(mirror)
    with serve_mirror(mirror, work / "nginx", workers=args.nginx_workers) as log:
        out["bare"] = _bare_trafilatura(mirror, os.cpu_count() or 1)
        _say(
            f"bare trafilatura: {out['bare']['pages']} pages in {out['bare']['wall_s']:.1f}s "
            f"= {out['bare']['pages_per_s']:.1f} pages/s on {out['bare']['workers']} processes"
        )
        env = _env(delay="0")
        mark = log.mark()
        first = _crawl(sources, warehouse, env, work / "crawl-1.log", args.crawl_timeout)
        out["first"] = _run_numbers(first) | _requests(log, mark)
        out["first"] |= _warehouse_numbers(warehouse, mirror)
        stored = out["first"]["stored_post_pages"]
        out["first"]["pages_per_s"] = stored / first.wall_s if first.wall_s else 0.0
        out["ratio"] = out["first"]["pages_per_s"] / out["bare"]["pages_per_s"]
        _say(
            f"first crawl: exit {first.returncode}, {first.wall_s:.1f}s, "
            f"{stored}/{mirror.post_count} post pages stored"
        )
        mark = log.mark()
        second = _crawl(sources, warehouse, env, work / "crawl-2.log", args.crawl_timeout)
        out["recrawl"] = _run_numbers(second) | _requests(log, mark)
        out["recrawl"]["share"] = second.wall_s / first.wall_s if first.wall_s else 0.0
        after = _warehouse_numbers(warehouse, mirror)
        out["recrawl"]["stored_post_pages"] = after["stored_post_pages"]
        out["recrawl"]["runs"] = after["runs"]
        _say(f"re-crawl: exit {second.returncode}, {second.wall_s:.1f}s")


def _polite_run(args: argparse.Namespace, work: Path, out: dict[str, Any]) -> None:
    sites = args.polite_sites
    pages = args.polite_pages or 25 * sites
    share = args.news_sites / (sites + args.news_sites)
    mirror = _build(work, pages, sites, args.news_sites, skew=False, news_share=share)
    sources = mirror.write_sources(work / "sources.toml")
    warehouse = work / "home" / "mpnews.duckdb"
    warehouse.parent.mkdir(parents=True)
    busiest = mirror.busiest()
    bound = 2 * busiest.requests * 1.0 + 30
    timeout = args.polite_timeout or max(600.0, 3 * bound)
    out |= {
        "mirror": _describe(mirror),
        "busiest_site": busiest.name,
        "busiest_requests": busiest.requests,
        "bound_s": bound,
        "timeout_s": timeout,
    }
    _say(
        f"polite run: {len(mirror.sites)} sites, {mirror.post_count} post pages, busiest "
        f"{busiest.name} needs {busiest.requests} requests -> bound {bound:.0f}s "
        f"(stopped at {timeout:.0f}s)"
    )
    with serve_mirror(mirror, work / "nginx", workers=args.nginx_workers) as log:
        mark = log.mark()
        run = _crawl(sources, warehouse, _env(delay=None), work / "crawl-polite.log", timeout)
        out |= _run_numbers(run) | _requests(log, mark)
    out |= _warehouse_numbers(warehouse, mirror)
    out["within_bound"] = (not run.timed_out) and run.wall_s <= bound
    _say(
        f"polite crawl: {'stopped' if run.timed_out else 'exit ' + str(run.returncode)}, "
        f"{run.wall_s:.1f}s"
    )


def _build(
    work: Path, pages: int, sites: int, news: int, *, skew: bool, news_share: float = 0.28
) -> Mirror:
    started = time.monotonic()
    port = free_port()
    mirror = build_mirror(
        work / "mirror",
        pages=pages,
        mp_sites=sites,
        news_sites=news,
        port=port,
        skew=skew,
        news_share=news_share,
    )
    _say(
        f"mirror: {len(mirror.sites)} sites, {mirror.post_count} post pages, port {port}, "
        f"built in {time.monotonic() - started:.1f}s"
    )
    return mirror


def _describe(mirror: Mirror) -> dict[str, Any]:
    families = Counter(s.family for s in mirror.sites)
    posts: Counter[str] = Counter()
    for site in mirror.sites:
        posts[site.family] += len(site.post_urls)
    sizes = [f.stat().st_size for s in mirror.sites for f in s.post_files]
    return {
        "sites": len(mirror.sites),
        "sites_per_family": dict(families),
        "post_pages": mirror.post_count,
        "post_pages_per_family": dict(posts),
        "largest_site_posts": max(len(s.post_urls) for s in mirror.sites),
        "post_page_kib_mean": sum(sizes) / len(sizes) / 1024 if sizes else 0.0,
        "requests_needed": sum(s.requests for s in mirror.sites),
    }


# --- bare trafilatura ----------------------------------------------------------------------


def _extract_one(job: tuple[str, str]) -> bool:
    import trafilatura

    html = Path(job[0]).read_bytes()
    return trafilatura.extract(html, url=job[1], include_comments=False) is not None


def _bare_trafilatura(mirror: Mirror, workers: int) -> dict[str, Any]:
    jobs = [
        (str(path), url)
        for site in mirror.sites
        for path, url in zip(site.post_files, site.post_urls, strict=True)
    ]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    with ProcessPoolExecutor(max_workers=workers) as pool:
        found = sum(pool.map(_extract_one, jobs, chunksize=16))
    wall = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {
        "pages": len(jobs),
        "with_text": found,
        "workers": workers,
        "wall_s": wall,
        "cpu_s": cpu,
        "pages_per_s": len(jobs) / wall if wall else 0.0,
    }


# --- the crawl, as a user runs it -------------------------------------------------------------


def _env(delay: str | None) -> dict[str, str]:
    """This environment without MPNEWS_* settings; the crawl delay when given."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MPNEWS_")}
    if delay is not None:
        env["MPNEWS_CRAWL_DELAY"] = delay
    return env


def _mpnews_command() -> list[str]:
    script = Path(sys.executable).parent / "mpnews"
    return [str(script)] if script.exists() else [sys.executable, "-m", "mpnews"]


def _crawl(
    sources: Path, warehouse: Path, env: dict[str, str], log: Path, timeout: float
) -> TreeRun:
    command = [*_mpnews_command(), "crawl", "--sources", str(sources)]
    command += ["--warehouse", str(warehouse)]
    _say(f"running: {' '.join(command)}  (log: {log.name})")
    return run_watched(command, env=env, cwd=warehouse.parent, log=log, timeout=timeout)


def _run_numbers(run: TreeRun) -> dict[str, Any]:
    return {
        "load_average_after": os.getloadavg()[0],
        "exit": run.returncode,
        "timed_out": run.timed_out,
        "wall_s": run.wall_s,
        "peak_rss_gib": run.peak_rss_bytes / GIB,
        "peak_processes": run.peak_processes,
        "cpu_s": run.cpu_s,
    }


def _requests(log: RequestLog, mark: int) -> dict[str, Any]:
    rows = log.since(mark)
    per_host = RequestLog.per_address(rows)
    statuses = Counter(status for _a, status, _p in rows)
    return {
        "requests": len(rows),
        "responses_304": statuses.get(304, 0),
        "responses_404": statuses.get(404, 0),
        "busiest_host_requests": max(per_host.values()) if per_host else 0,
    }


# --- what the warehouse holds ----------------------------------------------------------------


def _key(url: str) -> str:
    rest = url.split("://", 1)[-1].split("#", 1)[0]
    return rest.rstrip("/").lower()


def _warehouse_numbers(warehouse: Path, mirror: Mirror) -> dict[str, Any]:
    """Coverage of the mirror's post pages and the last run's crawl_runs, read-only."""
    import duckdb

    stored: set[str] = set()
    runs: dict[str, int] = {}
    posts = 0
    if warehouse.exists():
        con = duckdb.connect(str(warehouse), read_only=True)
        try:
            posts = len(con.execute("SELECT post_id FROM posts").fetchall())
            stored.update(_key(u) for (u,) in con.execute("SELECT url FROM posts").fetchall())
            try:
                rows = con.execute("SELECT url FROM post_sightings").fetchall()
                stored.update(_key(u) for (u,) in rows)
            except duckdb.Error:
                pass
            runs = dict(
                con.execute(
                    "SELECT status, count(*) FROM crawl_runs WHERE run_id = "
                    "(SELECT run_id FROM crawl_runs ORDER BY started_at DESC LIMIT 1) "
                    "GROUP BY status"
                ).fetchall()
            )
        finally:
            con.close()
    missing: dict[str, Counter[str]] = {}
    found = 0
    for site in mirror.sites:
        for url in site.post_urls:
            if _key(url) in stored:
                found += 1
            else:
                missing.setdefault(site.family, Counter())[site.name] += 1
    return {
        "posts_rows": posts,
        "stored_post_pages": found,
        "coverage": found / mirror.post_count if mirror.post_count else 0.0,
        "missing_per_family": {f: sum(c.values()) for f, c in missing.items()},
        "missing_sites_per_family": {f: len(c) for f, c in missing.items()},
        "missing_worst_sites": sorted(
            ((n, s) for c in missing.values() for s, n in c.items()), reverse=True
        )[:5],
        "runs": runs,
    }


# --- output ---------------------------------------------------------------------------------


def _say(text: str) -> None:
    print(f"  {text}", flush=True)


def _print_summary(results: dict[str, Any]) -> None:
    """The figures against the targets, then the details; a phase that did not finish is
    reported as such (its partial figures are in the lines printed while it ran)."""
    print()
    rows: list[tuple[str, str, str]] = []
    details: list[str] = []
    for name, part in (("main", _main_figures), ("polite", _polite_figures)):
        if name not in results:
            continue
        try:
            part(results[name], rows, details)
        except KeyError as missing:
            details.append(f"{name} run incomplete: no figure for {missing} onwards")
    if rows:
        width = max(len(r[0]) for r in rows)
        print(f"{'measure'.ljust(width)}  {'now':<40}  target")
        for name, now, target in rows:
            print(f"{name.ljust(width)}  {now:<40}  {target}")
        print()
    for line in details:
        print(line)


def _main_figures(run: dict[str, Any], rows: list[tuple[str, str, str]], out: list[str]) -> None:
    m = run["mirror"]
    out.append(
        f"mirror: {m['sites']} sites {m['sites_per_family']}, {m['post_pages']} post pages "
        f"{m['post_pages_per_family']}, mean post page {m['post_page_kib_mean']:.1f} KiB, "
        f"{m['requests_needed']} requests for a complete crawl"
    )
    bare, first = run["bare"], run["first"]
    rows.append(
        (
            "stored post pages/s / bare trafilatura pages/s",
            f"{first['pages_per_s']:.1f} / {bare['pages_per_s']:.1f} = {run['ratio']:.2f}",
            f">= {TARGETS['ratio']}",
        )
    )
    rows.append(
        (
            "post pages of the mirror in `posts`",
            f"{first['coverage']:.1%} ({first['stored_post_pages']}/{m['post_pages']})",
            f">= {TARGETS['coverage']:.0%}",
        )
    )
    rows.append(("peak RSS of the process tree", f"{first['peak_rss_gib']:.2f} GiB", "<= 1 GiB"))
    out.append(
        f"first crawl: exit {first['exit']}, {first['wall_s']:.0f}s, crawl_runs {first['runs']}, "
        f"{first['requests']} requests, load average {first['load_average_after']:.1f}, "
        f"cpu {first['cpu_s']:.0f}s = "
        f"{_per_post_ms(first['cpu_s'], first['stored_post_pages'])} ms per stored post page "
        f"(bare trafilatura: {_per_post_ms(bare['cpu_s'], bare['pages'])} ms per page), "
        f"peak {first['peak_processes']} processes"
    )
    if first["missing_per_family"]:
        out.append(
            f"missing post pages per family: {first['missing_per_family']} on "
            f"{first['missing_sites_per_family']} sites; worst: {first['missing_worst_sites']}"
        )
    recrawl = run["recrawl"]
    rows.append(
        (
            "re-crawl wall / first crawl wall",
            f"{recrawl['wall_s']:.1f}s / {first['wall_s']:.1f}s = {recrawl['share']:.1%}",
            f"<= {TARGETS['recrawl_share']:.0%}",
        )
    )
    out.append(
        f"re-crawl: exit {recrawl['exit']}, {recrawl['requests']} requests "
        f"({recrawl['responses_304']} answered 304), peak RSS {recrawl['peak_rss_gib']:.2f} GiB, "
        f"{recrawl['stored_post_pages']} post pages stored after it"
    )


def _polite_figures(
    polite: dict[str, Any], rows: list[tuple[str, str, str]], out: list[str]
) -> None:
    state = (
        f"stopped at {polite['wall_s']:.0f}s"
        if polite["timed_out"]
        else f"{polite['wall_s']:.0f}s (exit {polite['exit']})"
    )
    rows.append(
        (
            f"polite run, {polite['mirror']['sites']} sites on as many hosts",
            state,
            f"<= {polite['bound_s']:.0f}s = 2 x {polite['busiest_requests']} x 1s + 30s",
        )
    )
    out.append(
        f"polite run: {polite['mirror']['post_pages']} post pages, {polite['requests']} "
        f"requests (busiest host {polite['busiest_host_requests']}), crawl_runs of the "
        f"last run {polite['runs']}, {polite['stored_post_pages']} post pages stored "
        f"({polite['coverage']:.1%}), peak RSS {polite['peak_rss_gib']:.2f} GiB, cpu "
        f"{polite['cpu_s']:.0f}s"
    )


def _per_post_ms(cpu_s: float, posts: int) -> str:
    return f"{cpu_s * 1000 / posts:.0f}" if posts else "-"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--pages", type=int, default=20000, help="post pages in the mirror (0: polite run only)"
    )
    parser.add_argument("--sites", type=int, default=40, help="MP blogs (Weebly/WordPress)")
    parser.add_argument("--news-sites", type=int, default=4, help="news sites (sitemaps)")
    parser.add_argument(
        "--polite-sites", type=int, default=200, help="MP blogs in the polite run (0: skip it)"
    )
    parser.add_argument(
        "--polite-pages", type=int, default=0, help="post pages in the polite run (25 a site)"
    )
    parser.add_argument(
        "--polite-timeout",
        type=float,
        default=0,
        help="stop the polite run after S seconds (default: max(600, 3 x bound))",
    )
    parser.add_argument(
        "--crawl-timeout", type=float, default=4 * 3600, help="stop a main crawl after S seconds"
    )
    parser.add_argument("--nginx-workers", type=int, default=1)
    parser.add_argument(
        "--workdir", type=Path, default=ROOT / ".bench" / "throughput", help="scratch folder"
    )
    parser.add_argument("--keep", action="store_true", help="keep mirror, logs and warehouses")
    parser.add_argument("--json", type=Path, help="also write every figure to this JSON file")
    return parser


if __name__ == "__main__":
    sys.exit(main())
