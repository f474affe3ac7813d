"""Builds a small warehouse for report tests through the real loader.

Six weekly runs over five sources: three MP sites, a news site that re-publishes some
of an MP's posts (duplicate sightings) and a site that is often down. Titles, an MP
name, a category, a URL and an error carry markup that the report must escape.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from warehouse.load import load_run, record_run
from warehouse.rows import PostRow, RunRecord

MONDAY = datetime(2024, 5, 6, 9, 0, tzinfo=UTC)
RUNS = 6
SCRIPT_TITLE = "Budget day <script>alert(1)</script>"
QUOTES_TITLE = '"quotes" & <b>'
HOSTILE_MP = 'Ann "Annie" <i>Example</i>'
HOSTILE_CATEGORY = "<img src=x onerror=alert(2)>"
HOSTILE_ERROR = "connection refused <script>alert(4)</script>"
JAVASCRIPT_URL = "javascript:alert(3)"
MPS = {"jo-bloggs": "Jo Bloggs", "ann-example": HOSTILE_MP, "priya-patel": "Priya Patel"}
POSTS_PER_WEEK = {"jo-bloggs": 2, "ann-example": 1, "priya-patel": 3}
TOPICS = ("Housing", "NHS", "Transport", "Schools")


@dataclass
class Built:
    """The warehouse file and what was loaded into it."""

    path: Path
    posts_by_mp: Counter[str] = field(default_factory=Counter)
    posts: int = 0
    duplicates: int = 0
    runs: int = 0
    failures: int = 0
    sources: set[str] = field(default_factory=set)


def build(path: Path) -> Built:
    """Load six weeks of crawls into the published warehouse ``path``."""
    built = Built(path)
    for week in range(RUNS):
        _load_week(built, week)
    return built


def _load_week(built: Built, week: int) -> None:
    run_id = f"r{week + 1}"
    started = MONDAY + timedelta(weeks=week)
    mp_rows: dict[str, list[PostRow]] = {}
    for source, mp in MPS.items():
        rows = _mp_posts(source, mp, week, run_id, started)
        mp_rows[source] = rows
        if source == "priya-patel" and week == 2:  # one failed extra run this week
            _fail(built, f"{run_id}b", source, started + timedelta(days=2), "HTTP 503 on /news")
        _load(built, run_id, source, "mp_site", started, rows)
    news = _news_posts(week, run_id, started, mp_rows["jo-bloggs"])
    _load(built, run_id, "daily-news", "news_site", started, news)
    if week in (1, 3, 4):
        _fail(built, run_id, "down-site", started, HOSTILE_ERROR)
    else:
        _record(built, RunRecord(run_id, "down-site", "mp_site", started, started, "succeeded"))


def _mp_posts(source: str, mp: str, week: int, run_id: str, started: datetime) -> list[PostRow]:
    count = POSTS_PER_WEEK[source] if source != "ann-example" or week % 2 == 0 else 0
    rows = []
    for n in range(count):
        title = f"{mp} post {week}.{n}"
        if source == "jo-bloggs" and week == RUNS - 1:
            title = (SCRIPT_TITLE, QUOTES_TITLE)[n % 2]
        topic = TOPICS[(week + n) % len(TOPICS)]
        categories: tuple[str, ...] = (topic.lower(), "local")
        if source == "ann-example":
            topic, categories = HOSTILE_CATEGORY, (HOSTILE_CATEGORY,)
        rows.append(
            _post(
                f"{source}-{week}-{n}",
                f"https://{source}.example/news/{week}-{n}",
                source,
                "mp_site",
                title,
                mp,
                started.date() - timedelta(days=3 + n),
                categories,
                (topic,),
                started + timedelta(minutes=n),
                run_id,
            )
        )
    return rows


def _news_posts(week: int, run_id: str, started: datetime, mp_rows: list[PostRow]) -> list[PostRow]:
    url = JAVASCRIPT_URL if week == RUNS - 1 else f"https://daily-news.example/{week}"
    rows = [
        _post(
            f"news-{week}",
            url,
            "daily-news",
            "news_site",
            f"MPs in the news, week {week}",
            "Priya Patel",
            started.date() - timedelta(days=1),
            ("politics",),
            ("Politics",),
            started + timedelta(minutes=30),
            run_id,
        )
    ]
    for row in mp_rows[:1]:  # the paper re-publishes one of Jo's posts, an hour later
        rows.append(
            _post(
                row.post_id,
                f"https://daily-news.example/copy/{row.post_id}",
                "daily-news",
                "news_site",
                row.title or "",
                row.mp,
                row.published_date,
                row.categories,
                row.topics,
                started + timedelta(hours=1),
                run_id,
            )
        )
    return rows


def _post(
    post_id: str,
    url: str,
    source: str,
    kind: str,
    title: str,
    mp: str | None,
    published: date | None,
    categories: tuple[str, ...],
    topics: tuple[str, ...],
    seen_at: datetime,
    run_id: str,
) -> PostRow:
    return PostRow(
        post_id=post_id,
        url=url,
        source=source,
        kind=kind,
        title=title,
        author=None,
        published_date=published,
        date_source="meta",
        updated_at=None,
        body=f"Body of {post_id}.",
        categories=categories,
        topics=topics,
        mp=mp,
        content_hash=f"hash-{post_id}",
        page_url=url,
        seen_at=seen_at,
        run_id=run_id,
    )


def _load(
    built: Built, run_id: str, source: str, kind: str, started: datetime, rows: list[PostRow]
) -> None:
    run = RunRecord(run_id, source, kind, started, started + timedelta(hours=1), "succeeded",
                    pages_fetched=len(rows) + 1, posts_found=len(rows))  # fmt: skip
    result = load_run(built.path, run=run, posts=rows)
    built.runs += 1
    built.sources.add(source)
    built.posts += result.posts_new
    built.duplicates += sum(1 for r in rows if r.source == "daily-news" and "copy" in r.url)
    built.posts_by_mp.update(r.mp for r in rows if r.mp and r.source != "daily-news")
    built.posts_by_mp.update(r.mp for r in rows if r.mp and r.post_id.startswith("news-"))


def _fail(built: Built, run_id: str, source: str, started: datetime, error: str) -> None:
    built.failures += 1
    _record(built, RunRecord(run_id, source, "mp_site", started, started, "failed", error=error))


def _record(built: Built, run: RunRecord) -> None:
    record_run(built.path, run)
    built.runs += 1
    built.sources.add(run.source)
