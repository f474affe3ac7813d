"""A small warehouse with what analysts query: MP posts, news articles, topics, mentions,
runs that worked and one that failed, and an edited post."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from wh_builders import at, post_row, run_record

from warehouse.load import load_run, record_run

MP = "Rosena Allin-Khan"


def build_sample(path: Path) -> Path:
    """Load the sample runs into the warehouse file ``path``; return it."""
    mp_posts = [
        _mp_post("care", "Social Care Reform", date(2020, 2, 4), ("Health", "Social Care"),
                 "As a doctor and as a daughter I know social care is broken and needs reform."),
        _mp_post("library", "Free benefits advice at Tooting Library", date(2020, 1, 21),
                 ("Local",), "Free advice on benefits, debt and housing costs at the library."),
        _mp_post("nhs", "Standing up for our NHS", date(2020, 2, 18), ("Health",),
                 "Our NHS nurses and doctors deserve a proper pay rise this year."),
        _mp_post("undated", "Surgery times", None, (), "My advice surgeries run every Friday."),
    ]  # fmt: skip
    load_run(path, run=run_record("r1", source="rosena", started_at=at(0)), posts=mp_posts)
    news = [
        post_row(
            "paper-1", "r1", source="paper", kind="news_site", mp=MP,
            title="Allin-Khan reveals harassment as NHS doctor",
            body="Dr Rosena Allin-Khan said the NHS must protect its staff from harassment.",
            published_date=date(2020, 1, 27), topics=("Health",), categories=(),
            mps=((MP, "mentioned"),),
        ),
    ]  # fmt: skip
    load_run(path, run=run_record("r1", source="paper", kind="news_site"), posts=news)
    record_run(path, run_record("r1", source="down", started_at=at(0.1), status="failed",
                                error="site unreachable: connection refused"))  # fmt: skip
    new_text = "As a doctor I know social care is broken; it needs reform urgently."
    edited = _mp_post(
        "care", "Social Care Reform", date(2020, 2, 4), ("Health", "Social Care"), new_text, "r2"
    )
    load_run(path, run=run_record("r2", source="rosena", started_at=at(24)), posts=[edited])
    return path


def _mp_post(
    slug: str, title: str, day: date | None, topics: tuple[str, ...], body: str, run: str = "r1"
) -> object:
    return post_row(
        slug, run, source="rosena", title=title, body=body, published_date=day, mp=MP,
        topics=topics, categories=topics, content_hash=f"hash-{slug}-{len(body)}",
        seen_at=at(0.5 if run == "r1" else 24.5), mps=((MP, "author"),),
    )  # fmt: skip
