"""Secrets never shown: a dead alert sink with a token, a start URL with a password, a DuckLake
catalog string with a password. The CLI's output, the logs, the crawl log and the warehouse
(``alerts``, ``health_state``, ``crawl_runs``) keep none of them."""

from __future__ import annotations

import contextlib
import io
import logging
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from flows.source_health import check_source
from mpnews.cli import main
from mpnews.config import Source
from mpnews.settings import Settings
from warehouse.load import record_run
from warehouse.rows import RunRecord

WEBHOOK_TOKEN = "WEBHOOK-TOKEN-7f3a9c"
APPRISE_TOKEN = "APPRISE-TOKEN-41be77"
LAKE_PASSWORD = "LAKE-PASSWORD-5ec2e7"
SECRETS = (WEBHOOK_TOKEN, APPRISE_TOKEN)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class SecretRun:
    code: int
    output: str  # stdout and stderr
    logged: str  # every log record of the run
    home: Path

    def table_text(self, table: str) -> str:
        with duckdb.connect(str(self.home / "mpnews.duckdb"), read_only=True) as con:
            rows = con.execute(f"SELECT * FROM {table}").fetchall()
        return "\n".join(" | ".join(str(v) for v in row) for row in rows)

    def crawl_logs(self) -> str:
        files = [*self.home.rglob("crawl.log"), *self.home.rglob("crawl.stderr")]
        assert files, "the crawl left no log"
        return "\n".join(f.read_text(encoding="utf-8", errors="replace") for f in files)


@pytest.fixture(scope="module")
def secret_run(
    tmp_path_factory: pytest.TempPathFactory, prefect_harness: None
) -> Iterator[SecretRun]:
    """One crawl of a dead source, alerting through a dead webhook and a dead apprise URL."""
    home = tmp_path_factory.mktemp("secrets")
    dead, sink = _closed_port(), _closed_port()
    (home / "sources.toml").write_text(
        '[[source]]\nname = "guarded"\nkind = "mp_site"\nmp = "Jo Bloggs"\n'
        f'start_urls = ["http://127.0.0.1:{dead}/news"]\n',
        encoding="utf-8",
    )
    records: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(self.format(record))

    handler = Collect(level=logging.DEBUG)
    root = logging.getLogger("mpnews")  # Prefect reconfigures the root logger's handlers
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MPNEWS_ALERT_WEBHOOK", f"http://127.0.0.1:{sink}/hooks/{WEBHOOK_TOKEN}")
        patch.setenv("MPNEWS_ALERT_URLS", f"json://127.0.0.1:{sink}/{APPRISE_TOKEN}")
        patch.setenv("MPNEWS_CRAWL_TIMEOUT", "60")
        out, err = io.StringIO(), io.StringIO()
        root.addHandler(handler)
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                code = main(
                    [
                        "crawl",
                        "--sources", str(home / "sources.toml"),
                        "--warehouse", str(home / "mpnews.duckdb"),
                    ]
                )  # fmt: skip
        finally:
            root.removeHandler(handler)
    yield SecretRun(code, out.getvalue() + err.getvalue(), "\n".join(records), home)


def test_the_run_failed_and_said_why(secret_run: SecretRun) -> None:
    assert secret_run.code == 1
    assert "connection refused" in secret_run.table_text("crawl_runs")
    assert "FAILED" in secret_run.output


def test_no_secret_in_the_cli_output(secret_run: SecretRun) -> None:
    for secret in SECRETS:
        assert secret not in secret_run.output


def test_a_dead_sink_is_named_by_its_scheme_only(secret_run: SecretRun) -> None:
    assert "alert sink json://*** failed" in secret_run.logged
    assert "alert sink http://*** failed" in secret_run.logged
    for secret in SECRETS:
        assert secret not in secret_run.logged


def test_no_secret_in_the_crawl_log(secret_run: SecretRun) -> None:
    logs = secret_run.crawl_logs()
    assert "Connection was refused" in logs or "connection refused" in logs.lower()
    for secret in SECRETS:
        assert secret not in logs


def test_no_secret_in_the_warehouse(secret_run: SecretRun) -> None:
    alerts = secret_run.table_text("alerts")
    assert "site_unreachable" in alerts  # the alert was recorded...
    for table in ("alerts", "health_state", "crawl_runs"):
        text = secret_run.table_text(table)
        for secret in SECRETS:
            assert secret not in text, table


def test_a_failure_reason_with_a_password_is_stored_and_alerted_masked(tmp_path: Path) -> None:
    warehouse = tmp_path / "mpnews.duckdb"
    source = Source(name="lake-fed", kind="mp_site", mp="Jo", start_urls=("http://jo.example/",))
    reason = f"load failed: WarehouseError: ducklake:postgres:dbname=l password={LAKE_PASSWORD}"
    at = datetime.now(UTC)
    record_run(
        warehouse, RunRecord("run-1", source.name, source.kind, at, at, "failed", error=reason)
    )
    check_source(Settings(warehouse=warehouse), source=source, run_id="run-1", stats=None,
                 failure=reason, now=at)  # fmt: skip
    with duckdb.connect(str(warehouse), read_only=True) as con:
        [(error,)] = con.execute("SELECT error FROM crawl_runs").fetchall()
        alerts = con.execute("SELECT message, last_error FROM alerts").fetchall()
    assert error == "load failed: WarehouseError: ducklake:postgres:dbname=l password=***"
    assert alerts and all(LAKE_PASSWORD not in str(row) for row in alerts)


def test_a_bad_lake_string_with_a_password_is_one_line_without_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    lake = f"ducklake:postgres:dbname=lake host=127.0.0.1 port={_closed_port()} user=mp "
    monkeypatch.delenv("MPNEWS_LAKE", raising=False)
    assert main(["status", "--warehouse", lake + f"password={LAKE_PASSWORD}"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("mpnews: error: ducklake:postgres:") and err.count("\n") == 1
    assert "password=***" in err
    assert LAKE_PASSWORD not in err


def test_a_lake_url_in_the_environment_is_refused_without_its_password(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MPNEWS_LAKE", f"postgres://mp:{LAKE_PASSWORD}@db.internal/lake")
    assert main(["status"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("mpnews: error: environment: MPNEWS_LAKE=")
    assert "postgres://mp:***@db.internal/lake" in err
    assert LAKE_PASSWORD not in err
