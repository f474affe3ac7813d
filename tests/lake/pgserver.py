"""A throw-away PostgreSQL server on 127.0.0.1 for the DuckLake tests (Debian's binaries).

initdb refuses to run as root, so under root (as CI runs) the cluster belongs to the
``postgres`` system user the Debian package creates, in a fresh directory under /tmp.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

__all__ = ["PgServer", "pg_server"]


@dataclass(frozen=True)
class PgServer:
    port: int
    bindir: Path
    sockets: Path

    def conninfo(self, dbname: str) -> str:
        return f"dbname={dbname} host=127.0.0.1 port={self.port} user=postgres"

    def lake(self, dbname: str) -> str:
        """A DuckLake location whose catalog is database ``dbname`` (created on demand)."""
        self.create_database(dbname)
        return f"ducklake:postgres:{self.conninfo(dbname)}"

    def create_database(self, dbname: str) -> None:
        subprocess.run(
            [str(self.bindir / "createdb"), "-h", "127.0.0.1", "-p", str(self.port),
             "-U", "postgres", dbname],
            check=True, capture_output=True, timeout=60,
        )  # fmt: skip


def _bindir() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return Path(found[-1]).parent
    which = shutil.which("initdb")
    if which:
        return Path(which).resolve().parent
    raise RuntimeError("PostgreSQL's initdb not found: run `make setup-lake`")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _as_owner(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@contextmanager
def pg_server() -> Iterator[PgServer]:
    bindir = _bindir()
    root = Path(tempfile.mkdtemp(prefix="mpnews-pg-"))
    root.chmod(0o755)
    data, sockets = root / "data", root / "sock"
    sockets.mkdir()
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
        shutil.chown(sockets, "postgres")
    port = _free_port()
    run = {"check": True, "capture_output": True, "timeout": 120}
    subprocess.run(
        _as_owner([str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres"]),
        **run,  # type: ignore[arg-type]
    )
    options = (
        f"-c listen_addresses=127.0.0.1 -p {port} -c unix_socket_directories={sockets} "
        "-c fsync=off -c full_page_writes=off -c max_connections=200"
    )
    ctl = [str(bindir / "pg_ctl"), "-D", str(data), "-l", str(root / "log"), "-w", "-t", "120"]
    subprocess.run(_as_owner([*ctl, "-o", options, "start"]), **run)  # type: ignore[arg-type]
    try:
        yield PgServer(port, bindir, sockets)
    finally:
        subprocess.run(_as_owner([*ctl, "-m", "fast", "stop"]), check=False, timeout=120)
        shutil.rmtree(root, ignore_errors=True)
