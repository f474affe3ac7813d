"""The ``[health]`` table: defaults, parsing, and one-line errors naming file and key."""

from __future__ import annotations

import pytest

from mpnews.config import parse_sources
from mpnews.exceptions import ConfigError
from mpnews.health_config import HealthThresholds


def test_thresholds_default_and_parse() -> None:
    assert HealthThresholds.from_table(None) == HealthThresholds()
    parsed = HealthThresholds.from_table(
        {"http_error_rate": 0.1, "remind_after_hours": 6, "no_new_post_days": {"news_site": 5}}
    )
    assert parsed.http_error_rate == 0.1 and parsed.remind_after_hours == 6.0
    assert parsed.no_new_post_limit("news_site") == 5
    assert parsed.no_new_post_limit("mp_site") == 30


@pytest.mark.parametrize(
    ("table", "words"),
    [
        ({"http_error_rate": 2}, "'http_error_rate' must be a fraction"),
        ({"min_requests": 0}, "'min_requests' must be a positive whole number"),
        ({"remind_after_hours": "daily"}, "'remind_after_hours' must be a positive number"),
        ({"no_new_post_days": {"blog": 3}}, "unknown kind 'blog'"),
        ({"thresold": 1}, "unknown key 'thresold'"),
    ],
)
def test_bad_thresholds_fail_at_start_up_naming_file_and_key(
    table: dict[str, object], words: str
) -> None:
    with pytest.raises(ConfigError, match=r"sources.toml: \[health\]") as info:
        HealthThresholds.from_table(table, origin="sources.toml")
    assert words in str(info.value)


def test_sources_file_health_table_is_validated_when_loading_sources() -> None:
    text = (
        '[health]\nrejection_rate = 1.5\n\n[[source]]\nname = "jo"\nkind = "news_site"\n'
        'start_urls = ["https://news.example/"]\n'
    )
    with pytest.raises(ConfigError, match="'rejection_rate' must be a fraction"):
        parse_sources(text, origin="sources.toml")


@pytest.mark.parametrize(
    ("table", "problem"),
    [
        ({"rejection_rate": True}, "'rejection_rate' must be a fraction between 0 and 1 "
         "(e.g. 0.25)"),
        ({"median_runs": 2.5}, "'median_runs' must be a positive whole number"),
        ({"remind_after_hours": 0}, "'remind_after_hours' must be a positive number of hours"),
        ({"no_new_post_days": {}}, "'no_new_post_days' must be a table like "
         "{ mp_site = 30, news_site = 2 }"),
        ({"no_new_post_days": {"mp_site": 0}}, "'no_new_post_days'.mp_site must be a positive "
         "whole number"),
        ({"no_new_post_days": {"blog": 3}}, "'no_new_post_days': unknown kind 'blog'; use mp_site "
         "or news_site"),
    ],
)  # fmt: skip
def test_every_threshold_keeps_its_one_line_error(table: dict[str, object], problem: str) -> None:
    with pytest.raises(ConfigError) as info:
        HealthThresholds.from_table(table, origin="sources.toml")
    assert str(info.value) == f"sources.toml: [health]: {problem}"


def test_a_health_value_that_is_not_a_table() -> None:
    with pytest.raises(ConfigError) as info:
        HealthThresholds.from_table(3, origin="sources.toml")
    assert str(info.value) == "sources.toml: [health] must be a table of thresholds"
