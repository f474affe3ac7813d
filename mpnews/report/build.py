"""Turn the warehouse's report data into one self-contained HTML page.

Weekly charts show the latest ``weeks`` weeks that have data (all weeks when 0), with
empty weeks as zeros. Every piece of text that came from a crawled page (titles, MP
names, categories, errors, URLs) is escaped here or in :mod:`mpnews.report.charts`.
"""

from __future__ import annotations

import os
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from html import escape
from pathlib import Path

from mpnews.report.charts import (
    GridCell,
    Series,
    bar_chart,
    grid_left,
    line_chart,
    status_grid,
)
from mpnews.report.template import PAGE, SECTION
from warehouse.reporting import CrawlWeek, ReportData, WeekCount, read_report

__all__ = ["DEFAULT_WEEKS", "MAX_LINES", "render_report", "write_report"]

DEFAULT_WEEKS = 52
MAX_LINES = 8
_WEEK = timedelta(days=7)
_SAFE_SCHEMES = ("http://", "https://")


def write_report(
    warehouse: str | Path,
    out: str | Path,
    *,
    weeks: int = DEFAULT_WEEKS,
    now: datetime | None = None,
) -> Path:
    """Read the published ``warehouse`` and write the report to ``out`` (atomically)."""
    data = read_report(warehouse)
    page = render_report(data, weeks=weeks, now=now, warehouse_name=Path(warehouse).name)
    target = Path(out)
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    temp.write_text(page, encoding="utf-8")
    os.replace(temp, target)
    return target


def render_report(
    data: ReportData,
    *,
    weeks: int = DEFAULT_WEEKS,
    now: datetime | None = None,
    warehouse_name: str = "warehouse",
) -> str:
    """The whole HTML page for ``data``."""
    stamp = (now or datetime.now(UTC)).strftime("%Y-%m-%d %H:%M UTC")
    sections = [
        _section("summary", "Summary", "", _summary_table(data)),
        _posts_per_mp(data.posts_per_mp, weeks),
        _topics(data.topics, data.topic_field, weeks),
        _new_and_duplicates(data.new_and_duplicates, weeks),
        _crawl_health(data.crawl_weeks, weeks),
        _failures(data),
        _latest_posts(data),
    ]
    return PAGE.substitute(
        title="mpnews report",
        subtitle=escape(f"{warehouse_name} · generated {stamp}"),
        sections="".join(sections),
    )


def _summary_table(data: ReportData) -> str:
    s = data.summary
    published = f"{_day(s.first_published)} to {_day(s.last_published)}"
    last_run = "none yet"
    if s.last_run_at is not None:
        last_run = (
            f"{s.last_run_at:%Y-%m-%d %H:%M} UTC ({s.last_run_id}): "
            f"{s.last_run_succeeded} succeeded, {s.last_run_failed} failed"
        )
    rows = [
        ("Sources", f"{s.sources:,}"),
        ("Posts", f"{s.posts:,} distinct ({s.sightings:,} sightings)"),
        ("MPs", f"{s.mps:,}"),
        ("Published", published if s.first_published else "no dated posts"),
        ("Crawl runs", f"{s.runs:,}"),
        ("Last run", last_run),
    ]
    body = "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in rows)
    return f'<table class="summary">{body}</table>'


def _posts_per_mp(counts: Sequence[WeekCount], weeks: int) -> str:
    axis = _week_axis((c.week for c in counts), weeks)
    series = _top_series(counts, axis, others="other MPs")
    chart = line_chart(
        _labels(axis), series, title="Posts per week per MP", y_label="posts",
        chart_id="posts-per-mp",
    )  # fmt: skip
    note = _window_note(axis, "by publication week") + _top_note(counts, axis, "MPs")
    return _section("posts-per-mp", "Posts per week per MP", note, chart)


def _topics(counts: Sequence[WeekCount], field: str, weeks: int) -> str:
    axis = _week_axis((c.week for c in counts), weeks)
    series = _top_series(counts, axis, others=None)
    chart = line_chart(
        _labels(axis), series, title="Topics over time", y_label="posts",
        chart_id="topics",
    )  # fmt: skip
    source = "assigned topics" if field == "topics" else "the sites' own categories"
    note = _window_note(axis, f"posts per topic ({source}) by publication week")
    return _section("topics", "Topics over time", note + _top_note(counts, axis, "topics"), chart)


def _new_and_duplicates(counts: Sequence[WeekCount], weeks: int) -> str:
    axis = _week_axis((c.week for c in counts), weeks)
    names = {"new posts": "#4e79a7", "duplicate sightings": "#f28e2b"}
    series = [Series(name, _values(counts, axis, name), colour) for name, colour in names.items()]
    chart = bar_chart(
        _labels(axis), series, title="New vs duplicate posts", y_label="sightings",
        chart_id="new-vs-duplicates",
    )  # fmt: skip
    note = _window_note(
        axis, "by crawl week; a duplicate is a post seen again at another URL or source"
    )
    return _section("new-vs-duplicates", "New vs duplicate posts", note, chart)


def _crawl_health(crawls: Sequence[CrawlWeek], weeks: int) -> str:
    axis = _week_axis((c.week for c in crawls), weeks)
    shown = [c for c in crawls if c.week in set(axis)]
    labels = _labels(axis)
    sources = sorted({c.source for c in crawls})
    runs = [
        Series("succeeded runs", _sum_by_week(shown, axis, ok=True), "#59a14f"),
        Series("failed runs", _sum_by_week(shown, axis, ok=False), "#d7301f"),
    ]
    bars = bar_chart(
        labels, runs, title="Crawl runs per week", y_label="runs", chart_id="crawl-runs",
        height=160, left=grid_left(sources),
    )  # fmt: skip
    cells = {(c.source, c.week.isoformat()): _grid_cell(c) for c in shown}
    grid = status_grid(sources, labels, cells, title="Crawl health per source", chart_id="health")
    note = _window_note(axis, "by crawl week; each cell shows the posts found, hover for runs")
    return _section("crawl-health", "Crawl health per source", note, bars + grid)


def _failures(data: ReportData) -> str:
    if not data.failures:
        return _section("failures", "Recent failures", "", '<p class="good">No failed runs.</p>')
    rows = "".join(
        f"<tr><td>{f.started_at:%Y-%m-%d %H:%M}</td><td>{escape(f.source)}</td>"
        f'<td class="error">{escape(f.error)}</td></tr>'
        for f in data.failures
    )
    head = "<tr><th>Started (UTC)</th><th>Source</th><th>Error</th></tr>"
    return _section("failures", "Recent failures", "", f"<table>{head}{rows}</table>")


def _latest_posts(data: ReportData) -> str:
    rows = "".join(
        f"<tr><td>{_day(p.published_date)}</td><td>{_link(p.title or '(untitled)', p.url)}</td>"
        f"<td>{escape(p.mp or '')}</td><td>{escape(p.source)}</td></tr>"
        for p in data.latest_posts
    )
    head = "<tr><th>Published</th><th>Title</th><th>MP</th><th>Source</th></tr>"
    body = f"<table>{head}{rows}</table>" if rows else "<p>No posts yet.</p>"
    return _section("latest-posts", "Latest posts", "", body)


def _section(anchor: str, heading: str, note: str, body: str) -> str:
    return SECTION.substitute(anchor=anchor, heading=escape(heading), note=escape(note), body=body)


def _week_axis(weeks: Iterable[date], window: int) -> list[date]:
    """Every week from the first to the last one given, the last ``window`` of them."""
    present = sorted(set(weeks))
    if not present:
        return []
    first, last = present[0], present[-1]
    if window > 0:
        first = max(first, last - (window - 1) * _WEEK)
    return [first + i * _WEEK for i in range((last - first) // _WEEK + 1)]


def _top_series(
    counts: Sequence[WeekCount], axis: Sequence[date], others: str | None
) -> list[Series]:
    """A series for each of the MAX_LINES biggest names, the rest summed into ``others``."""
    top = _ranked(counts, axis)[:MAX_LINES]
    series = [Series(name, _values(counts, axis, name)) for name in top]
    rest = [c for c in counts if c.name not in set(top)]
    if others is not None and rest and any(_values(rest, axis, None)):
        series.append(Series(others, _values(rest, axis, None), "#9d9d9d"))
    return series


def _ranked(counts: Sequence[WeekCount], axis: Sequence[date]) -> list[str]:
    shown = set(axis)
    totals = Counter[str]()
    for c in counts:
        if c.week in shown:
            totals[c.name] += c.n
    return [name for name, _ in sorted(totals.items(), key=lambda item: (-item[1], item[0]))]


def _values(
    counts: Sequence[WeekCount], axis: Sequence[date], name: str | None
) -> tuple[float, ...]:
    """Weekly totals of ``name`` (of every name when None) along ``axis``."""
    by_week: defaultdict[date, int] = defaultdict(int)
    for c in counts:
        if name is None or c.name == name:
            by_week[c.week] += c.n
    return tuple(float(by_week.get(week, 0)) for week in axis)


def _sum_by_week(
    crawls: Sequence[CrawlWeek], axis: Sequence[date], *, ok: bool
) -> tuple[float, ...]:
    by_week: defaultdict[date, int] = defaultdict(int)
    for c in crawls:
        by_week[c.week] += c.runs - c.failures if ok else c.failures
    return tuple(float(by_week.get(week, 0)) for week in axis)


def _grid_cell(c: CrawlWeek) -> GridCell:
    level = "ok" if c.failures == 0 else "failed" if c.failures == c.runs else "some"
    tooltip = (
        f"{c.source}, week of {c.week.isoformat()}: {c.runs} run(s), {c.failures} failed, "
        f"{c.posts_found} posts found, {c.posts_new} new"
    )
    return GridCell(level=level, text=str(c.posts_found), tooltip=tooltip)


def _top_note(counts: Sequence[WeekCount], axis: Sequence[date], what: str) -> str:
    total = len(_ranked(counts, axis))
    return f"; the {MAX_LINES} busiest of {total} {what}" if total > MAX_LINES else ""


def _window_note(axis: Sequence[date], what: str) -> str:
    if not axis:
        return what
    return f"{what}; weeks of {axis[0].isoformat()} to {axis[-1].isoformat()}"


def _labels(axis: Sequence[date]) -> list[str]:
    return [week.isoformat() for week in axis]


def _day(value: date | None) -> str:
    return value.isoformat() if value else "—"


def _link(text: str, url: str) -> str:
    """A link for http(s) URLs only (a crawled ``javascript:`` URL stays plain text)."""
    if url.lower().startswith(_SAFE_SCHEMES):
        return f'<a href="{escape(url, quote=True)}">{escape(text)}</a>'
    return escape(text)
