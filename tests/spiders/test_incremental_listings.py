"""A quiet blog with a deep archive costs a few requests a run: a listing page that shows no
new post does not lead on to the older listings already known; a new post is still found,
and nothing stored is lost or alerted on."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import duckdb
import pytest
from mirror_sites import serve, weebly_excerpts

from mpnews.receiver import WebhookReceiver


def _crawl(argv: list[str]) -> None:
    from mpnews.cli import main

    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        assert main(argv) == 0, err.getvalue()[-2000:]


def test_an_unchanged_archive_is_not_walked_again_and_a_new_post_is_found(
    tmp_path: Path, prefect_harness: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    files, posts = weebly_excerpts(posts=60, per_page=10)
    requests: list[str] = []
    warehouse, sources = tmp_path / "mpnews.duckdb", tmp_path / "sources.toml"
    argv = ["crawl", "--sources", str(sources), "--warehouse", str(warehouse)]
    monkeypatch.setenv("MPNEWS_CRAWL_DELAY", "0")
    with serve(files, requests) as origin, WebhookReceiver() as receiver:
        monkeypatch.setenv("MPNEWS_ALERT_WEBHOOK", receiver.url)
        sources.write_text(
            f'[[source]]\nname = "deep-blog"\nkind = "mp_site"\nmp = "Jo Bloggs"\n'
            f'start_urls = ["{origin}/news"]\nfeeds = ["{origin}/1/feed"]\n',
            encoding="utf-8",
        )
        _crawl(argv)
        first = set(requests)
        assert {f"/news/previous/{n}.html" for n in range(2, 7)} <= first
        assert posts <= first

        requests.clear()
        _crawl(argv)  # nothing changed
        quiet = list(requests)

        newer, more_posts = weebly_excerpts(posts=61, per_page=10)  # one new post on top
        files.clear()
        files.update(newer)
        requests.clear()
        _crawl(argv)
        busy = list(requests)
        alerts = receiver.received

    # the quiet run read the first listing page, the feed and robots.txt only
    assert sorted(quiet) == ["/1/feed", "/news", "/robots.txt"]
    # the new post pushed one post onto page 2, which shows nothing new: the walk stops there
    new_post = (more_posts - posts).pop()
    assert new_post in busy
    assert "/news/previous/2.html" in busy
    assert "/news/previous/4.html" not in busy
    assert not set(busy) & posts  # no known post was fetched again
    assert alerts == []
    with duckdb.connect(str(warehouse), read_only=True) as con:
        sightings = con.execute("SELECT url FROM post_sightings").fetchall()
        runs = con.execute(
            "SELECT status, skipped_listings, posts_new FROM crawl_runs ORDER BY started_at"
        ).fetchall()
        states = con.execute("SELECT DISTINCT state FROM health_state").fetchall()
    assert {url.removeprefix(origin) for (url,) in sightings} == more_posts
    assert [r[0] for r in runs] == ["succeeded"] * 3
    assert runs[0][1] == 0 and runs[1][1] > 0 and runs[2][1] > 0
    assert [r[2] for r in runs][1:] == [0, 1]
    assert states == [("ok",)]
