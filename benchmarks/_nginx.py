"""Serve a :class:`mirror.Mirror` with nginx: one server per site, each on its own address.

nginx (Debian package ``nginx``, ``scripts/install-nginx.sh``) runs as a child process with
its own config, logs and temp folders in ``workdir`` (never the system service), in the
foreground (``daemon off``), and is stopped when the ``with`` block ends. Static files get
``ETag``/``Last-Modified`` and honour conditional requests with 304, as real hosts do.
The access log has one ``address status path`` line per request, for counting.
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import socket
import subprocess
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from mirror import Mirror

__all__ = ["NginxError", "RequestLog", "nginx_binary", "serve_mirror"]

_READY_TIMEOUT = 20.0
_STOP_TIMEOUT = 10.0


class NginxError(RuntimeError):
    """nginx is missing, or would not start or serve."""


@dataclass(frozen=True, slots=True)
class RequestLog:
    """The access log of a running mirror; ``mark()`` and ``since()`` count per phase."""

    path: Path

    def mark(self) -> int:
        """The current end of the log (call after a phase ends, when nginx has flushed)."""
        time.sleep(1.2)  # the log is flushed every second
        return self.path.stat().st_size if self.path.exists() else 0

    def since(self, offset: int) -> list[tuple[str, int, str]]:
        """``(address, status, path)`` of every request logged after ``offset``."""
        with self.path.open("rb") as handle:
            handle.seek(offset)
            lines = handle.read().decode("utf-8", "replace").splitlines()
        rows = []
        for line in lines:
            parts = line.split(" ", 2)
            if len(parts) == 3 and parts[1].isdigit():
                rows.append((parts[0], int(parts[1]), parts[2]))
        return rows

    @staticmethod
    def per_address(rows: list[tuple[str, int, str]]) -> Counter[str]:
        return Counter(address for address, _status, _path in rows)


def nginx_binary() -> str:
    """The nginx executable, or NginxError saying how to install it."""
    found = shutil.which("nginx") or (
        "/usr/sbin/nginx" if os.access("/usr/sbin/nginx", os.X_OK) else None
    )
    if not found:
        raise NginxError("nginx not found: run `bash scripts/install-nginx.sh` (Debian: nginx)")
    return found


@contextmanager
def serve_mirror(mirror: Mirror, workdir: Path, workers: int = 1) -> Iterator[RequestLog]:
    """nginx serving every site of ``mirror`` until the block ends."""
    workdir.mkdir(parents=True, exist_ok=True)
    for sub in ("logs", "temp"):
        (workdir / sub).mkdir(exist_ok=True)
    conf = workdir / "nginx.conf"
    conf.write_text(_config(mirror, workdir, workers), encoding="utf-8")
    error_log = workdir / "logs" / "error.log"
    command = [nginx_binary(), "-p", str(workdir), "-c", str(conf), "-e", str(error_log)]
    process = subprocess.Popen(
        command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        _wait_ready(mirror, process, error_log)
        yield RequestLog(workdir / "logs" / "access.log")
    finally:
        _stop(process)


def _config(mirror: Mirror, workdir: Path, workers: int) -> str:
    user = ""
    if os.geteuid() == 0:  # workers would run as nobody and might not read the mirror
        user = f"user {pwd.getpwuid(os.geteuid()).pw_name};\n"
    temp = workdir / "temp"
    servers = "\n".join(
        f"""  server {{
    listen {site.address}:{site.port};
    root {site.root.resolve()};
    location / {{ try_files $uri $uri.html $uri/index.html $uri/index.xml =404; }}
    location ~ (/feed/?|/rss)$ {{
      types {{ }}
      default_type application/rss+xml;
      try_files $uri $uri/index.xml =404;
    }}
  }}"""
        for site in mirror.sites
    )
    return f"""{user}worker_processes {workers};
daemon off;
pid {workdir / "nginx.pid"};
error_log {workdir / "logs" / "error.log"} warn;
events {{ worker_connections 4096; }}
http {{
  types {{
    text/html html;
    application/xml xml;
    text/plain txt;
  }}
  default_type text/html;
  charset utf-8;
  charset_types text/html text/plain application/xml application/rss+xml;
  log_format mirror '$server_addr $status $request_uri';
  access_log {workdir / "logs" / "access.log"} mirror buffer=64k flush=1s;
  client_body_temp_path {temp / "body"};
  proxy_temp_path {temp / "proxy"};
  fastcgi_temp_path {temp / "fastcgi"};
  uwsgi_temp_path {temp / "uwsgi"};
  scgi_temp_path {temp / "scgi"};
  sendfile on;
  keepalive_timeout 30s;
  keepalive_requests 10000;
  server_tokens off;
{servers}
}}
"""


def _wait_ready(mirror: Mirror, process: subprocess.Popen[bytes], error_log: Path) -> None:
    """Until the first and last sites accept connections; NginxError if nginx died."""
    probes = {mirror.sites[0], mirror.sites[-1]}
    deadline = time.monotonic() + _READY_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            stderr = process.stderr.read().decode("utf-8", "replace") if process.stderr else ""
            log = error_log.read_text("utf-8", "replace") if error_log.exists() else ""
            raise NginxError(f"nginx exited with {process.returncode}: {(stderr + log).strip()}")
        if all(_accepts(site.address, site.port) for site in probes):
            return
        time.sleep(0.1)
    raise NginxError(f"nginx did not start serving within {_READY_TIMEOUT:.0f}s")


def _accepts(address: str, port: int) -> bool:
    try:
        with socket.create_connection((address, port), timeout=0.5):
            return True
    except OSError:
        return False


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Graceful quit (flushes logs), then terminate, then kill: only this nginx's master."""
    if process.poll() is not None:
        return
    for sig in (signal.SIGQUIT, signal.SIGTERM, signal.SIGKILL):
        process.send_signal(sig)
        try:
            process.wait(timeout=_STOP_TIMEOUT)
            return
        except subprocess.TimeoutExpired:
            continue
