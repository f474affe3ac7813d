"""Progress a person can watch: a live line in a terminal, plain lines elsewhere."""

from __future__ import annotations

import io
import sys

import pytest

from flows.live import LiveProgress, RunProgress, format_progress

HALFWAY = RunProgress(
    sources_total=40,
    sources_done=10,
    pages_fetched=1500,
    pages_extracted=1200,
    posts_stored=300,
    elapsed=60.0,
)


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_the_line_says_sources_pages_posts_rate_and_time_left() -> None:
    line = format_progress(HALFWAY)
    assert line.startswith("sources 10/40 · pages 1,500 fetched, 1,200 extracted")
    assert "posts 300 stored" in line and "20.0 pages/s" in line
    assert line.endswith("1m00s elapsed, ~3m00s left")  # 10 sources a minute, 30 to go


def test_time_left_waits_for_a_pace_and_is_zero_when_done() -> None:
    start = RunProgress(5, 0, 0, 0, 0, 3.0)
    assert start.seconds_left() is None and "left" not in format_progress(start)
    crawling = RunProgress(5, 0, 2355, 2337, 0, 30.0)  # pages flowing, no source finished
    assert crawling.seconds_left() is None and "left" not in format_progress(crawling)
    done = RunProgress(5, 5, 90, 90, 40, 30.0)
    assert done.seconds_left() == 0.0 and format_progress(done).endswith("30s elapsed, done")


def test_backlog_of_pages_can_be_what_is_left() -> None:
    # every source but one crawled, but 600 pages still to extract at 10 pages/s
    progress = RunProgress(4, 3, 1200, 600, 100, 60.0)
    assert progress.seconds_left() == pytest.approx(60.0)


def test_not_a_terminal_prints_a_plain_line_every_interval() -> None:
    out, clock = io.StringIO(), Clock()
    live = LiveProgress(out, every=30.0, tty=False, clock=clock)
    with live:
        live.update(HALFWAY)  # at once: nothing yet
        clock.now = 29.0
        live.update(HALFWAY)
        clock.now = 31.0
        live.update(HALFWAY)
        clock.now = 40.0
        live.update(HALFWAY)
    assert out.getvalue() == f"  progress  {format_progress(HALFWAY)}\n"
    assert "\r" not in out.getvalue()


def test_a_terminal_redraws_one_line_and_keeps_other_lines_above_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    out, clock = io.StringIO(), Clock()
    monkeypatch.setattr(sys, "stderr", out)
    live = LiveProgress(out, tty=True, clock=clock)
    with live:
        live.update(HALFWAY)
        print("  ok        a-source: 12 pages", file=sys.stderr)  # what the flow prints
        assert sys.stderr is not out  # wrapped while the block runs
    assert sys.stderr is out
    line = format_progress(HALFWAY)
    assert out.getvalue() == (
        f"\r\x1b[K{line}"  # the live line
        f"\r\x1b[K  ok        a-source: 12 pages\n{line}"  # cleared, the line, redrawn
        "\r\x1b[K"  # cleared at the end, for the summary table
    )
