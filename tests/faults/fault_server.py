"""A fault server for the reliability tests: loopback only, bounded, one handler per path.

Each test builds the faults it needs as a mapping ``path -> Fault`` and serves them::

    with FaultServer({"/": Fault(200, b"<html>...")}) as server:
        url = server.url("/")

``Fault`` is a canned reply; a path can instead map to a callable ``(FaultRequest) -> Fault``
for replies that depend on the query string (calendars, session ids) or count requests. Unknown
paths get 404. The server answers at most ``max_requests`` requests and then 503s, so a crawler
that loops cannot hang a test; :attr:`FaultServer.requests` lists what was asked, in order.

Two faults live below HTTP: ``Fault(stall=s)`` sends the headers and the first half of the body,
then holds the connection for ``s`` seconds (a hanging response; closing the server ends every
stall at once), and ``Fault(reset=True)`` drops the connection with a TCP reset before replying.
"""

from __future__ import annotations

import socket
import struct
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from urllib.parse import urlsplit

__all__ = ["Fault", "FaultRequest", "FaultServer", "Route"]

_HTML = "text/html; charset=utf-8"


@dataclass(frozen=True, slots=True)
class FaultRequest:
    """One request the fault server received."""

    method: str
    path: str
    query: str
    headers: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class Fault:
    """A canned reply: status, body and headers (``Content-Type`` defaults to HTML).

    ``stall``: seconds to hold the connection after the headers and half the body;
    ``reset``: answer nothing, drop the connection with a TCP reset.
    """

    status: int = 200
    body: bytes = b""
    headers: Mapping[str, str] = field(default_factory=dict)
    stall: float = 0.0
    reset: bool = False


Route = Fault | Callable[[FaultRequest], Fault]


class FaultServer:
    """Serve ``routes`` on an ephemeral port of 127.0.0.1; a context manager."""

    def __init__(
        self, routes: Mapping[str, Route], *, host: str = "127.0.0.1", max_requests: int = 2000
    ) -> None:
        self.routes = dict(routes)
        self.requests: list[FaultRequest] = []
        self.max_requests = max_requests
        self._lock = threading.Lock()
        self._closing = threading.Event()
        self._httpd = _QuietHTTPServer((host, 0), _handler_for(self))
        self._httpd.daemon_threads = True
        self.host = host
        self.port = int(self._httpd.server_address[1])
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()

    @property
    def origin(self) -> str:
        return f"http://{self.host}:{self.port}"

    def url(self, path: str = "/") -> str:
        return f"{self.origin}{path}"

    def paths(self) -> list[str]:
        """The paths asked for so far (query strings included), in order."""
        with self._lock:
            return [r.path + (f"?{r.query}" if r.query else "") for r in self.requests]

    def reply(self, request: FaultRequest) -> Fault:
        with self._lock:
            self.requests.append(request)
            over = len(self.requests) > self.max_requests
        if over:
            return Fault(503, b"fault server: request budget spent")
        route = self.routes.get(request.path)
        if route is None:
            return Fault(404, b"<html><body>not found</body></html>")
        return route if isinstance(route, Fault) else route(request)

    def hold(self, seconds: float) -> None:
        """Wait ``seconds``, or less when the server closes (a stalled reply never outlives it)."""
        self._closing.wait(seconds)

    def close(self) -> None:
        self._closing.set()
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> FaultServer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class _QuietHTTPServer(ThreadingHTTPServer):
    """A client hanging up on a stalled or reset reply is part of the test, not an error."""

    def handle_error(self, request: object, client_address: object) -> None:
        return


_RESET = struct.pack("ii", 1, 0)  # SO_LINGER on, 0 s: close() sends RST, not FIN


def _handler_for(server: FaultServer) -> type[BaseHTTPRequestHandler]:
    class _Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            self._answer(send_body=True)

        def do_HEAD(self) -> None:
            self._answer(send_body=False)

        def _answer(self, *, send_body: bool) -> None:
            parts = urlsplit(self.path)
            request = FaultRequest(self.command, parts.path or "/", parts.query, dict(self.headers))
            fault = server.reply(request)
            if fault.reset:
                self.close_connection = True
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, _RESET)
                self.connection.close()
                return
            self.send_response(fault.status)
            headers = {"Content-Type": _HTML, **fault.headers}
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(fault.body)))
            self.end_headers()
            body = fault.body if send_body else b""
            try:
                if fault.stall > 0:
                    self.wfile.write(body[: len(body) // 2])
                    self.wfile.flush()
                    server.hold(fault.stall)
                    body = body[len(body) // 2 :]
                self.wfile.write(body)
            except OSError:  # the client gave up on a stalled reply
                self.close_connection = True

        def log_message(self, format: str, *args: object) -> None:
            return

    return _Handler
