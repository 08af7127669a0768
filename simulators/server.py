"""A small threaded HTTP server shared by both simulators (stdlib only, no framework).

Apps implement `handle(Request) -> Response` and return Python payloads; serialization happens
here, last, so that fault injection can still mutate a payload. Keep-alive (HTTP/1.1) and
TCP_NODELAY matter for throughput: clients reuse connections and small responses are not held
back by Nagle's algorithm.
"""

from __future__ import annotations

import contextlib
import json
import signal
import socket
import sys
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol
from urllib.parse import parse_qsl, urlsplit


@dataclass
class Request:
    method: str
    path: str
    query: str
    body: bytes
    headers: dict[str, str]
    client_ip: str

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    def params(self) -> dict[str, str]:
        """Query and form-body parameters; a later duplicate wins, as on most servers."""
        merged = dict(parse_qsl(self.query, keep_blank_values=True))
        content_type = self.header("content-type") or ""
        if self.body and "json" not in content_type:
            merged.update(parse_qsl(self.body.decode("utf-8", "replace"), keep_blank_values=True))
        return merged

    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8")) if self.body else {}


@dataclass
class Response:
    status: int = 200
    payload: Any = None
    raw: bytes | None = None
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)
    action: str | None = None  # "drop": close without answering; "truncate": cut the body

    def body(self) -> bytes:
        if self.raw is not None:
            return self.raw
        return json.dumps(self.payload, separators=(",", ":")).encode()


def json_response(status: int, payload: Any, headers: dict[str, str] | None = None) -> Response:
    return Response(status=status, payload=payload, headers=dict(headers or {}))


class App(Protocol):
    def handle(self, request: Request) -> Response: ...


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server_version = "sim/1"
    sys_version = ""
    app: App

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def do_DELETE(self) -> None:
        self._dispatch()

    def do_PUT(self) -> None:
        self._dispatch()

    def log_message(self, format: str, *args: Any) -> None:
        """Silence per-request logging: it costs throughput and nobody reads it."""

    def _read_request(self) -> Request:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        parts = urlsplit(self.path)
        headers = {k.lower(): v for k, v in self.headers.items()}
        return Request(self.command, parts.path, parts.query, body, headers, self.client_address[0])

    def _dispatch(self) -> None:
        request = self._read_request()
        try:
            response = self.app.handle(request)
        except Exception as exc:  # a bug must not kill the connection thread silently
            response = json_response(500, {"error": "internal", "reason": repr(exc)})
        if response.action == "drop":
            self._drop()
            return
        self._write(response)

    def _drop(self) -> None:
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    def _write(self, response: Response) -> None:
        body = response.body()
        head = [f"HTTP/1.1 {response.status} {self.responses.get(response.status, ('',))[0]}"]
        head.append(f"Content-Type: {response.content_type}")
        head.append(f"Content-Length: {len(body)}")
        head.extend(f"{k}: {v}" for k, v in response.headers.items())
        if response.action == "truncate":
            body = body[: max(1, len(body) // 2)]
            self.close_connection = True
        data = ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body
        try:
            self.wfile.write(data)  # one write: headers and body leave in the same segment
            if response.action == "truncate":
                self._drop()
        except OSError:
            self.close_connection = True


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256  # bursts of concurrent clients must not be refused

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients that hang up (timeouts, injected faults) are normal here, not errors."""
        if not isinstance(sys.exc_info()[1], OSError):
            super().handle_error(request, client_address)


def make_server(app: App, host: str, port: int) -> ThreadingHTTPServer:
    handler = type("Handler", (_Handler,), {"app": app})
    return _Server((host, port), handler)


def serve(app: App, host: str, port: int) -> None:
    """Serve until SIGTERM/SIGINT; prints the listening line once the socket is bound."""
    server = make_server(app, host, port)
    bound_host, bound_port = str(server.server_address[0]), int(server.server_address[1])
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2})
    thread.daemon = True
    thread.start()
    print(f"listening on http://{bound_host}:{bound_port}", flush=True)
    while not stop.wait(0.5):  # a timed wait lets the signal handler run promptly
        pass
    server.shutdown()
    server.server_close()
    sys.stdout.flush()
