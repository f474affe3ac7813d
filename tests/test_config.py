"""The sources file: valid entries load; every kind of mistake is one clear line (exit 2)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from mpnews.cli import main
from mpnews.config import load_sources, parse_sources, select_sources, source_from_json
from mpnews.exceptions import ConfigError

GOOD = """
[[source]]
name = "rosena-allin-khan"
kind = "mp_site"
mp = "Rosena Allin-Khan"
start_urls = ["https://www.drrosena.co.uk/news"]
feeds = ["https://www.drrosena.co.uk/1/feed"]

[[source]]
name = "independent-politics"
kind = "news_site"
start_urls = ["https://www.independent.co.uk/news/uk/politics"]
sitemaps = ["https://www.independent.co.uk/sitemap.xml"]
allowed_domains = ["independent.co.uk"]
locale = "en-GB"
schedule = "0 * * * *"
"""


def test_good_file_loads_with_defaults() -> None:
    mp, news = parse_sources(GOOD)
    assert mp.name == "rosena-allin-khan" and mp.kind == "mp_site" and mp.locale == "en-GB"
    assert mp.domains == ("www.drrosena.co.uk",)
    assert news.domains == ("independent.co.uk",) and news.mp is None
    assert news.schedule == "0 * * * *"


def test_source_round_trips_through_json() -> None:
    for source in parse_sources(GOOD):
        assert source_from_json(source.to_json()) == source


def test_repo_sources_file_is_valid() -> None:
    sources = load_sources(Path(__file__).parents[1] / "sources.toml")
    assert {s.kind for s in sources} == {"mp_site", "news_site"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (GOOD.replace('kind = "mp_site"', 'kind = "blog"'), "unknown kind 'blog'"),
        (
            GOOD.replace('start_urls = ["https://www.drrosena.co.uk/news"]', ""),
            "missing start_urls",
        ),
        (GOOD.replace("independent-politics", "rosena-allin-khan"), "duplicate name"),
        (GOOD.replace("https://www.drrosena.co.uk/news", "ftp://x/news"), "bad URL 'ftp://x/news'"),
        (GOOD.replace("https://www.drrosena.co.uk/news", "news"), "bad URL 'news'"),
        (GOOD.replace('mp = "Rosena Allin-Khan"', ""), "needs 'mp'"),
        (GOOD.replace('locale = "en-GB"', 'colour = "red"'), "unknown key 'colour'"),
        ("[[source]\nname=", "not valid TOML"),
        ("title = 'x'", "no [[source]] entries"),
    ],
)
def test_each_mistake_names_file_entry_and_problem(text: str, message: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_sources(text, origin="sources.toml")
    assert message in str(info.value)
    assert str(info.value).startswith("sources.toml")
    assert "\n" not in str(info.value)


def test_unknown_source_name_is_an_error() -> None:
    with pytest.raises(ConfigError, match="no source named 'nope'"):
        select_sources(parse_sources(GOOD), ["nope"], origin="sources.toml")


def test_cli_exits_2_with_one_line_on_broken_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "sources.toml"
    broken.write_text(GOOD.replace('kind = "news_site"', 'kind = "newspaper"'), encoding="utf-8")
    code = main(["crawl", "--sources", str(broken), "--warehouse", str(tmp_path / "w.duckdb")])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert len(err) == 1
    assert str(broken) in err[0] and "source #2 ('independent-politics')" in err[0]
    assert "unknown kind 'newspaper'" in err[0]
    assert not (tmp_path / "w.duckdb").exists()


def test_cli_exits_2_on_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["crawl", "--sources", str(tmp_path / "none.toml")])
    assert code == 2
    assert "sources file not found" in capsys.readouterr().err


def test_cli_exits_2_on_bad_usage(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["crawl", "--no-such-flag"])
    assert info.value.code == 2


def test_cli_exits_1_with_one_line_when_prefect_cannot_start(tmp_path: Path) -> None:
    """No Prefect API to be had: nothing listens at PREFECT_API_URL, no local server allowed.

    Run in its own process, so no Prefect test harness of this session answers instead.
    """
    sources = tmp_path / "sources.toml"
    sources.write_text(
        GOOD.replace("https://www.drrosena.co.uk", "http://127.0.0.1:9").replace(
            "https://www.independent.co.uk", "http://127.0.0.1:9"
        ),
        encoding="utf-8",
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("MPNEWS_")}
    env |= {
        "PREFECT_API_URL": "http://127.0.0.1:9/api",
        "PREFECT_SERVER_ALLOW_EPHEMERAL_MODE": "false",
    }
    argv = ["crawl", "--sources", str(sources), "--warehouse", str(tmp_path / "w.duckdb")]
    done = subprocess.run(
        [sys.executable, "-m", "mpnews", *argv],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        "mpnews: error: cannot reach the Prefect API at http://127.0.0.1:9/api/ "
        "(PREFECT_API_URL): start that server, or unset PREFECT_API_URL to run with a local one"
    ]
    assert not (tmp_path / "w.duckdb").exists()


_JO = 'name = "jo"\nkind = "news_site"\nstart_urls = ["https://jo.example/"]\n'


@pytest.mark.parametrize(
    ("extra", "problem"),
    [
        ('family = "drupal"', "unknown family 'drupal'; use one of auto, weebly, wordpress, "
         "nationbuilder, squarespace, news"),
        ('site = "blog"', 'unknown site \'blog\'; use "own" or "party"'),
        ("member_id = 0", "'member_id' must be a positive whole number"),
        ("max_pages = 0", "'max_pages' must be a positive whole number"),
        ("max_depth = 0", "'max_depth' must be a positive whole number"),
        ('max_query_variants = "50"', "'max_query_variants' must be a positive whole number"),
        ("recheck_days = true", "'recheck_days' must be a positive whole number"),
        ("no_new_post_days = -3", "'no_new_post_days' must be a positive whole number"),
        ('schedule = "daily"', "'schedule' 'daily' is not a cron expression; use five cron "
         'fields like "0 6 * * *" (minute hour day month weekday)'),
        ('allowed_domains = "jo.example"', "'allowed_domains' must be a list of host names"),
        ("feeds = [1]", "'feeds' must be a list of URLs"),
        ('locale = ""', "'locale' must be a non-empty string"),
    ],
)  # fmt: skip
def test_every_field_keeps_its_one_line_error(extra: str, problem: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_sources(f"[[source]]\n{_JO}{extra}\n", origin="sources.toml")
    assert str(info.value) == f"sources.toml: source #1 ('jo'): {problem}"


def test_a_missing_kind_is_named() -> None:
    text = '[[source]]\nname = "jo"\nstart_urls = ["https://jo.example/"]\n'
    with pytest.raises(ConfigError) as info:
        parse_sources(text, origin="sources.toml")
    assert str(info.value) == (
        'sources.toml: source #1 (\'jo\'): unknown kind None; use "mp_site" or "news_site"'
    )
