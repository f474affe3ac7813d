"""Free-space checks and telling a full disk apart from other failures."""

from __future__ import annotations

import errno
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from mpnews.commands._prefect import check_disk, prefect_unavailable_as_error
from mpnews.diskspace import check_free_space, disk_full_error, free_mib, is_disk_full
from mpnews.exceptions import DiskFullError, MpnewsError, OrchestratorError, WarehouseError
from mpnews.receiver import WebhookReceiver
from mpnews.schedules import is_transient
from mpnews.settings import Settings


def test_free_mib_of_a_folder_not_yet_made_is_its_parents(tmp_path: Path) -> None:
    assert free_mib(tmp_path / "not" / "yet") == pytest.approx(free_mib(tmp_path), rel=0.05)


def test_check_free_space_names_the_folder_and_the_setting(tmp_path: Path) -> None:
    check_free_space([tmp_path], 1)  # plenty
    with pytest.raises(DiskFullError) as caught:
        check_free_space([tmp_path], 1 << 40)
    message = str(caught.value)
    assert message.startswith(f"disk full: {tmp_path} has ")
    assert "MiB free" in message and "MPNEWS_MIN_FREE_MIB" in message
    assert "\n" not in message
    assert isinstance(caught.value, MpnewsError) and caught.value.exit_code == 1


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EDQUOT])
def test_os_errors_of_a_full_disk_are_recognised_down_a_chain(code: int) -> None:
    try:
        try:
            raise OSError(code, "write failed")
        except OSError as inner:
            raise WarehouseError("cannot publish") from inner
    except WarehouseError as outer:
        assert is_disk_full(outer)


def test_duckdb_io_errors_of_a_full_disk_are_recognised() -> None:
    exc = duckdb.IOException('IO Error: Could not write file "x.wal": No space left on device')
    assert is_disk_full(exc)


@pytest.mark.parametrize(
    "exc",
    [
        OSError(errno.EACCES, "Permission denied"),
        duckdb.IOException("IO Error: Cannot open file: No such file or directory"),
        ValueError("bad"),
    ],
)
def test_other_failures_are_not_a_full_disk(exc: BaseException) -> None:
    assert not is_disk_full(exc)


def test_a_full_disk_is_never_retried(tmp_path: Path) -> None:
    assert not is_transient(disk_full_error(tmp_path, 64))
    assert not is_transient(WarehouseError("lock: No space left on device"))


def test_min_free_mib_setting() -> None:
    assert Settings.from_env({}).min_free_mib == 64
    assert Settings.from_env({"MPNEWS_MIN_FREE_MIB": "5"}).min_free_mib == 5


@pytest.fixture
def hook() -> Iterator[WebhookReceiver]:
    with WebhookReceiver() as receiver:
        yield receiver


def _settings(tmp_path: Path, hook: WebhookReceiver, min_free_mib: int) -> Settings:
    return Settings(
        warehouse=tmp_path / "mpnews.duckdb", alert_webhook=hook.url, min_free_mib=min_free_mib
    )


def test_preflight_refuses_a_nearly_full_disk_and_alerts_first(
    tmp_path: Path, hook: WebhookReceiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "prefect"))
    check_disk(_settings(tmp_path, hook, 1))
    assert hook.received == []
    with pytest.raises(DiskFullError, match=r"^disk full: .* MiB free"):
        check_disk(_settings(tmp_path, hook, 1 << 40))
    [alert] = hook.received
    assert (alert["event"], alert["check"], alert["source"]) == ("disk_full", "disk_full", "*")
    assert alert["reason"].startswith("disk full: ")


def test_a_prefect_that_did_not_start_on_a_full_disk_is_named_a_full_disk(
    tmp_path: Path, hook: WebhookReceiver
) -> None:
    startup = RuntimeError("Timed out while attempting to connect to ephemeral Prefect API server")
    with (
        pytest.raises(DiskFullError),
        prefect_unavailable_as_error(_settings(tmp_path, hook, 1 << 40)),
    ):
        raise startup
    with (
        pytest.raises(OrchestratorError, match="did not start"),
        prefect_unavailable_as_error(_settings(tmp_path, hook, 1)),
    ):
        raise startup
    with pytest.raises(DiskFullError), prefect_unavailable_as_error(_settings(tmp_path, hook, 1)):
        raise OSError(errno.ENOSPC, "No space left on device")
    assert [a["event"] for a in hook.received] == ["disk_full", "disk_full"]


def test_running_out_during_a_run_is_told_as_such(tmp_path: Path) -> None:
    message = str(disk_full_error(tmp_path, ran_out=True))
    assert message.startswith(f"disk full: {tmp_path} ran out of space during the run (")
    assert "MiB free now)" in message and "MPNEWS_DATA_DIR" in message
