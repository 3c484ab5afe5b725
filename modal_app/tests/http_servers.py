"""Small real HTTP servers on loopback (port 0) for audio downloads and webhooks."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


@dataclass
class Recorded:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class LocalServer:
    server: ThreadingHTTPServer
    thread: threading.Thread
    requests: list[Recorded] = field(default_factory=list)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    # A client that hangs up early (oversize download refused) is expected, not an error.
    def handle_error(self, request, client_address):
        import sys

        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)


def serve(handler_factory) -> LocalServer:
    holder: dict = {}

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # quiet
            pass

        def _record(self) -> Recorded:
            length = int(self.headers.get("Content-Length") or 0)
            rec = Recorded(self.path, {k.lower(): v for k, v in self.headers.items()}, self.rfile.read(length) if length else b"")
            holder["server"].requests.append(rec)
            return rec

        def do_GET(self):
            handler_factory(self, self._record())

        def do_POST(self):
            handler_factory(self, self._record())

    httpd = QuietServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    local = LocalServer(httpd, thread)
    holder["server"] = local
    thread.start()
    return local


def reply(handler: BaseHTTPRequestHandler, status: int, body: bytes = b"", content_type: str = "application/json") -> None:
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    if body:
        handler.wfile.write(body)


# A server answering GET /<name> with the bytes of files in `files`, 404 otherwise.
def file_server(files: dict[str, Path]) -> LocalServer:
    def handle(h, rec):
        name = rec.path.split("?")[0].lstrip("/")
        if name in files:
            reply(h, 200, files[name].read_bytes(), "application/octet-stream")
        else:
            reply(h, 404, b"not found", "text/plain")

    return serve(handle)


# A webhook receiver answering statuses from `script` in turn (then 200), recording each request.
def webhook_server(script: list[int] | None = None) -> LocalServer:
    queue = list(script or [])
    lock = threading.Lock()

    def handle(h, rec):
        with lock:
            status = queue.pop(0) if queue else 200
        reply(h, status, json.dumps({"ok": status == 200}).encode())

    return serve(handle)
