"""The HTML report: its data, its charts, escaping of crawled text, and the command."""

from __future__ import annotations

import re
from datetime import date, timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from report_builders import (
    HOSTILE_CATEGORY,
    HOSTILE_ERROR,
    HOSTILE_MP,
    JAVASCRIPT_URL,
    QUOTES_TITLE,
    RUNS,
    SCRIPT_TITLE,
    TOPICS,
    Built,
)

from mpnews.cli import main
from mpnews.report import render_report, write_report
from mpnews.report.charts import GridCell, Series, bar_chart, line_chart, status_grid
from warehouse.reporting import read_report
from warehouse.snapshot import writer

ALLOWED_TAGS = {
    "html", "head", "meta", "title", "style", "body", "main", "header", "h1", "h2", "p",
    "section", "table", "tr", "th", "td", "a", "svg", "g", "line", "polyline", "rect",
    "circle", "text",
}  # fmt: skip
CHARTS = ("posts-per-mp", "topics", "new-vs-duplicates", "crawl-runs", "health")


class _Tags(HTMLParser):
    """Every start tag and its attributes, as a browser's tokenizer sees them."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def _tags(page: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Tags()
    parser.feed(page)
    return parser.tags


@pytest.fixture(scope="module")
def page(report_warehouse: Built, tmp_path_factory: pytest.TempPathFactory) -> str:
    out = write_report(report_warehouse.path, tmp_path_factory.mktemp("out") / "report.html")
    return out.read_text(encoding="utf-8")


def test_read_report_counts_what_was_loaded(report_warehouse: Built) -> None:
    data = read_report(report_warehouse.path)
    s = data.summary
    assert (s.sources, s.posts, s.mps) == (len(report_warehouse.sources), report_warehouse.posts, 3)
    assert s.sightings == report_warehouse.posts + report_warehouse.duplicates
    assert s.runs == 7  # six weekly runs plus one extra, failed, run
    assert (s.last_run_id, s.last_run_succeeded, s.last_run_failed) == ("r6", 5, 0)
    per_mp: dict[str, int] = {}
    for c in data.posts_per_mp:
        per_mp[c.name] = per_mp.get(c.name, 0) + c.n
        assert c.week.weekday() == 0  # weeks start on Monday
    assert per_mp == dict(report_warehouse.posts_by_mp)
    kinds = {name: sum(c.n for c in data.new_and_duplicates if c.name == name)
             for name in ("new posts", "duplicate sightings")}  # fmt: skip
    assert kinds == {"new posts": report_warehouse.posts,
                     "duplicate sightings": report_warehouse.duplicates}  # fmt: skip
    assert sum(c.failures for c in data.crawl_weeks) == report_warehouse.failures
    assert sum(c.runs for c in data.crawl_weeks) == report_warehouse.runs
    assert data.topic_field in ("topics", "categories")
    assert [f.started_at for f in data.failures] == sorted(
        (f.started_at for f in data.failures), reverse=True
    )


def test_report_has_every_chart_and_the_summary(page: str) -> None:
    for chart in CHARTS:
        assert f'data-chart="{chart}"' in page
    assert page.count("<polyline") >= 3 and page.count('class="bar"') >= RUNS
    assert page.count('class="cell"') == 5 * RUNS  # five sources, six crawl weeks
    assert "Priya Patel" in page and "Jo Bloggs" in page
    assert "<th>Posts</th><td>39 distinct (45 sightings)</td>" in page


def test_crawled_text_is_escaped_everywhere(page: str) -> None:
    for raw in (SCRIPT_TITLE, QUOTES_TITLE, HOSTILE_MP, HOSTILE_CATEGORY, HOSTILE_ERROR):
        assert raw not in page
    assert "Budget day &lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&quot;quotes&quot; &amp; &lt;b&gt;" in page
    assert "Ann &quot;Annie&quot; &lt;i&gt;Example&lt;/i&gt;" in page
    assert "&lt;img src=x onerror=alert(2)&gt;" in page
    assert "connection refused &lt;script&gt;alert(4)&lt;/script&gt;" in page
    tags = _tags(page)
    assert {tag for tag, _ in tags} <= ALLOWED_TAGS
    assert not [a for _, attrs in tags for a in attrs if a.startswith("on")]
    hrefs = [attrs.get("href") or "" for tag, attrs in tags if tag == "a"]
    assert hrefs and all(h.startswith("https://") for h in hrefs)
    assert JAVASCRIPT_URL not in hrefs


def test_page_needs_no_network(page: str) -> None:
    tags = _tags(page)
    assert not [attrs for _, attrs in tags if "src" in attrs or "srcset" in attrs]
    assert not [tag for tag, _ in tags if tag in ("script", "link", "img", "iframe", "object")]
    assert "@import" not in page and "url(" not in page
    assert "default-src 'none'" in page  # Content-Security-Policy: nothing remote, no scripts


def test_weeks_window_limits_the_weekly_charts(report_warehouse: Built) -> None:
    data = read_report(report_warehouse.path)
    page = render_report(data, weeks=2)
    assert page.count('class="cell"') == 5 * 2
    last = max(c.week for c in data.crawl_weeks)
    assert f"weeks of {(last - timedelta(weeks=1)).isoformat()} to {last.isoformat()}" in page


def test_topics_are_the_assigned_ones(report_warehouse: Built) -> None:
    data = read_report(report_warehouse.path)
    assert data.topic_field == "topics"
    assert {c.name for c in data.topics} == {*TOPICS, "Politics", HOSTILE_CATEGORY}
    assert "posts per topic (assigned topics)" in render_report(data)


def test_topics_fall_back_to_categories(tmp_path: Path, report_warehouse: Built) -> None:
    copy = tmp_path / "mpnews.duckdb"
    copy.write_bytes(report_warehouse.path.read_bytes())
    with writer(copy) as con:  # a warehouse whose posts predate topic assignment
        con.execute("UPDATE posts SET topics = []")
    data = read_report(copy)
    assert data.topic_field == "categories"
    assert {"local", "politics", "housing"} <= {c.name for c in data.topics}
    assert "posts per topic (the sites&#x27; own categories)" in render_report(data)


def test_command_writes_beside_the_warehouse_by_default(
    report_warehouse: Built, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    warehouse = tmp_path / "wh" / "mpnews.duckdb"
    warehouse.parent.mkdir()
    warehouse.write_bytes(report_warehouse.path.read_bytes())
    assert main(["report", "--warehouse", str(warehouse)]) == 0
    assert (tmp_path / "wh" / "report.html").is_file()
    assert "report written to" in capsys.readouterr().out
    out = tmp_path / "elsewhere" / "r.html"
    assert main(["report", "--warehouse", str(warehouse), "--out", str(out), "--weeks", "0"]) == 0
    assert 'data-chart="health"' in out.read_text(encoding="utf-8")


def test_command_on_an_empty_warehouse(tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    assert main(["report", "--warehouse", str(tmp_path / "new.duckdb"), "--out", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert page.count("No data yet") == 5
    assert "No posts yet." in page and "No failed runs." in page


def test_command_rejects_negative_weeks(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["report", "--weeks", "-1"])
    assert exit_info.value.code == 2
    assert "weeks must be 0 or more" in capsys.readouterr().err


# charts: pure functions, data in, SVG out


def test_line_chart_axes_legend_and_escaped_names() -> None:
    svg = line_chart(
        ["w1", "w2", "w3"], [Series("<a> & b", (0.0, 3.0, 7.0)), Series("c", (1.0, 1.0, 1.0))],
        title="T <1>", y_label="posts", chart_id="x",
    )  # fmt: skip
    assert svg.startswith('<svg class="chart"') and svg.endswith("</svg>")
    assert "<title>T &lt;1&gt;</title>" in svg and "&lt;a&gt; &amp; b" in svg
    assert "<a>" not in svg
    assert svg.count("<polyline") == 2 and svg.count("<circle") == 6
    ticks = re.findall(r'text-anchor="end" font-size="11" fill="#555555">([\d,]+)<', svg)
    assert ticks == ["0", "2", "4", "6", "8"]


def test_bar_chart_stacks_series() -> None:
    svg = bar_chart(
        ["a", "b"], [Series("x", (2.0, 0.0)), Series("y", (3.0, 1.0), "#123456")], title="t"
    )
    assert svg.count('class="bar"') == 3  # zero-height bars are left out
    assert 'fill="#123456"' in svg
    heights = [float(h) for h in re.findall(r'class="bar"[^>]*height="([\d.]+)"', svg)]
    assert heights[0] * 3 == pytest.approx(heights[1] * 2, abs=0.2)


def test_status_grid_colours_cells_by_level() -> None:
    cells = {("s<1>", "w1"): GridCell("failed", "0", "tip <x>"), ("s<1>", "w2"): GridCell(
        "ok", "12", "fine")}  # fmt: skip
    svg = status_grid(["s<1>"], ["w1", "w2", "w3"], cells, title="t")
    assert svg.count('class="cell"') == 3
    assert 'fill="#d7301f"' in svg and 'fill="#59a14f"' in svg and 'fill="#eeeeee"' in svg
    assert "s&lt;1&gt;" in svg and "tip &lt;x&gt;" in svg and ">12</text>" in svg


def test_charts_without_data_say_so() -> None:
    assert "No data yet" in line_chart([], [], title="t")
    assert "No data yet" in bar_chart([], [], title="t")
    assert "No data yet" in status_grid([], [], {}, title="t")


def test_week_axis_fills_gaps() -> None:
    from mpnews.report.build import _week_axis

    monday = date(2024, 1, 1)
    axis = _week_axis([monday, monday + timedelta(weeks=3)], 0)
    assert axis == [monday + timedelta(weeks=i) for i in range(4)]
    assert _week_axis([monday, monday + timedelta(weeks=3)], 2) == axis[2:]
