"""Schedule resolution from the sources file, the transient-retry policy, and prefect.yaml."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from mpnews.cli import main
from mpnews.config import ScheduleDefaults, load_sources, parse_schedule_defaults, parse_sources
from mpnews.exceptions import ConfigError, WarehouseError
from mpnews.schedules import (
    RETRY_DELAYS,
    ScheduleGroup,
    is_transient,
    resolve_schedules,
    retry_transient,
)

REPO = Path(__file__).resolve().parents[1]


def _source(name: str, kind: str, schedule: str | None = None) -> str:
    mp = 'mp = "Someone"\n' if kind == "mp_site" else ""
    own = f'schedule = "{schedule}"\n' if schedule else ""
    return (
        f'[[source]]\nname = "{name}"\nkind = "{kind}"\n{mp}{own}'
        f'start_urls = ["https://{name}.example/news"]\n'
    )


SOURCES = (
    _source("mp-a", "mp_site")
    + _source("mp-b", "mp_site", "0 6 * * *")  # same as the default: stays in the group
    + _source("mp-c", "mp_site", "15 18 * * 1-5")
    + _source("paper", "news_site")
)


def _groups(text: str) -> list[ScheduleGroup]:
    return resolve_schedules(parse_sources(text), parse_schedule_defaults(text))


def _one_line_error(text: str) -> str:
    with pytest.raises(ConfigError) as info:
        parse_sources(text, origin="sources.toml")
    message = str(info.value)
    assert "\n" not in message and message.startswith("sources.toml: ")
    return message


def test_defaults_mp_sites_daily_at_six_news_hourly_london() -> None:
    assert _groups(_source("mp-a", "mp_site") + _source("paper", "news_site")) == [
        ScheduleGroup("mp-sites", "0 6 * * *", "Europe/London", ("mp-a",)),
        ScheduleGroup("news-sites", "0 * * * *", "Europe/London", ("paper",)),
    ]


def test_own_schedule_gets_its_own_deployment() -> None:
    assert _groups(SOURCES) == [
        ScheduleGroup("mp-sites", "0 6 * * *", "Europe/London", ("mp-a", "mp-b")),
        ScheduleGroup("mp-c", "15 18 * * 1-5", "Europe/London", ("mp-c",)),
        ScheduleGroup("news-sites", "0 * * * *", "Europe/London", ("paper",)),
    ]


def test_schedules_table_sets_the_defaults() -> None:
    table = '[schedules]\nmp_site = "0 5 * * *"\nnews_site = "*/20 * * * *"\ntimezone = "UTC"\n'
    groups = {g.name: g for g in _groups(SOURCES + table)}
    assert (groups["mp-sites"].cron, groups["mp-sites"].sources) == ("0 5 * * *", ("mp-a",))
    assert groups["mp-b"].cron == "0 6 * * *"  # now differs from its kind's default
    assert groups["news-sites"].cron == "*/20 * * * *"
    assert {g.timezone for g in groups.values()} == {"UTC"}


def test_no_schedules_table_means_the_defaults() -> None:
    assert parse_schedule_defaults(SOURCES) == ScheduleDefaults()


@pytest.mark.parametrize(
    ("cron", "problem"),
    [("daily", "'daily' is not a cron expression"), ("0 25 * * *", "(bad hour)")],
)
def test_bad_cron_on_a_source_is_one_line(cron: str, problem: str) -> None:
    message = _one_line_error(_source("paper", "news_site", cron))
    assert "source #1 ('paper'): 'schedule'" in message
    assert problem in message and 'use five cron fields like "0 6 * * *"' in message


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        ('mp_site = "61 * * * *"', "[schedules]: 'mp_site' '61 * * * *' is not a cron"),
        ('timezone = "Mars/Olympus"', "[schedules]: 'timezone' 'Mars/Olympus' is not a known"),
        ('hourly = "0 * * * *"', "[schedules]: unknown key 'hourly'; allowed: mp_site"),
    ],
)
def test_bad_schedules_table_is_one_line(table: str, expected: str) -> None:
    assert expected in _one_line_error(f"{SOURCES}[schedules]\n{table}\n")


def test_source_named_like_a_group_with_its_own_cron_is_refused() -> None:
    text = _source("mp-a", "mp_site") + _source("mp-sites", "mp_site", "0 9 * * *")
    with pytest.raises(ConfigError, match="'mp-sites' has its own schedule"):
        _groups(text)


def test_serve_dry_run_lists_deployments(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sources = tmp_path / "sources.toml"
    sources.write_text(SOURCES, encoding="utf-8")
    assert main(["serve", "--sources", str(sources), "--dry-run"]) == 0
    out = capsys.readouterr().out
    rows = [line.split("  ") for line in out.splitlines()]
    rows = [[cell.strip() for cell in row if cell.strip()] for row in rows]
    assert ["mpnews-crawl/mp-c", "15 18 * * 1-5", "Europe/London", "mp-c"] in rows
    assert "mpnews-crawl/mp-sites" in out and "mp-a, mp-b" in out


def test_serve_with_a_bad_cron_exits_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sources = tmp_path / "sources.toml"
    sources.write_text(_source("paper", "news_site", "every hour"), encoding="utf-8")
    assert main(["serve", "--sources", str(sources)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"mpnews: error: {sources}: source #1 ('paper'): 'schedule'")
    assert "\n" not in err


def test_prefect_yaml_agrees_with_sources_toml() -> None:
    """Add a source to sources.toml -> add it to its deployment in prefect.yaml."""
    sources = REPO / "sources.toml"
    expected = {
        g.name: (g.cron, g.timezone, list(g.sources))
        for g in resolve_schedules(
            load_sources(sources), parse_schedule_defaults(sources.read_text())
        )
    }
    config = yaml.safe_load((REPO / "prefect.yaml").read_text(encoding="utf-8"))
    found = {}
    sharded = [d for d in config["deployments"] if d["entrypoint"].startswith("flows/shards.py:")]
    assert {d["name"] for d in sharded} == {"crawl-shard", "crawl-sharded"}
    for d in config["deployments"]:
        if d in sharded:  # many machines: unscheduled, started per shard (docs/scaling.md)
            assert d["work_pool"]["name"] == "mpnews" and "schedules" not in d
            continue
        assert d["entrypoint"] == "flows/crawl.py:crawl_flow"
        assert d["work_pool"]["name"] == "mpnews"
        assert d["parameters"]["sources_file"] == "sources.toml"
        [schedule] = d["schedules"]
        found[d["name"]] = (schedule["cron"], schedule["timezone"], d["parameters"]["source_names"])
    assert found == expected


def test_transient_failures() -> None:
    locked = WarehouseError("wh.work.lock: another load held the warehouse for over 600s")
    wrapped = RuntimeError("load failed")
    wrapped.__cause__ = ConnectionResetError()
    assert is_transient(locked) and is_transient(TimeoutError()) and is_transient(wrapped)
    assert not is_transient(ConfigError("sources.toml: bad"))
    assert not is_transient(WarehouseError("migration m003 failed"))
    assert not is_transient(ValueError("bug"))


def _flaky(errors: list[Exception]) -> tuple[list[float], object]:
    slept: list[float] = []

    @retry_transient((1.0, 5.0), report=lambda _: None, sleep=slept.append)
    def run() -> str:
        if errors:
            raise errors.pop(0)
        return "done"

    return slept, run


def test_transient_failure_runs_again_with_growing_delays() -> None:
    slept, run = _flaky([TimeoutError(), ConnectionError()])
    assert run() == "done"  # type: ignore[operator]
    assert slept == [1.0, 5.0]


def test_retries_are_bounded() -> None:
    slept, run = _flaky([TimeoutError()] * 3)
    with pytest.raises(TimeoutError):
        run()  # type: ignore[operator]
    assert slept == [1.0, 5.0]


def test_config_error_is_never_retried() -> None:
    slept, run = _flaky([ConfigError("sources.toml: bad")])
    with pytest.raises(ConfigError):
        run()  # type: ignore[operator]
    assert slept == []
    assert len(RETRY_DELAYS) >= 1 and list(RETRY_DELAYS) == sorted(RETRY_DELAYS)
