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
