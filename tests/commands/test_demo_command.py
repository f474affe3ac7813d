"""`mpnews demo` as a new user runs it: its own process, its own local Prefect API, a fresh
folder with no warehouse and no Prefect home yet."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from mpnews.commands._prefect import prepare_prefect
from mpnews.settings import Settings


def test_prepare_prefect_creates_the_prefect_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PREFECT_HOME")
    prepare_prefect(Settings(warehouse=tmp_path / "new" / "mpnews.duckdb"))
    assert Path(os.environ["PREFECT_HOME"]) == (tmp_path / "new" / ".mpnews" / "prefect")
    assert (tmp_path / "new" / ".mpnews" / "prefect").is_dir()


def test_demo_runs_end_to_end_in_a_fresh_folder(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "MPNEWS_"))}
    done = subprocess.run(
        [sys.executable, "-m", "mpnews", "demo"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=480,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "down-mp-site          failed" in done.stdout
    assert "alert received by the local webhook" in done.stdout
    assert "example query:" in done.stdout
    warehouse = tmp_path / "warehouse" / "demo.duckdb"
    with duckdb.connect(str(warehouse), read_only=True) as con:
        posts = con.execute("SELECT count(*) FROM posts").fetchone()
    assert posts is not None and posts[0] > 0
