#!/usr/bin/env python3
"""The Modal endpoints' handler logic (ethereal.submit / ethereal.status) behind a stdlib HTTP server,
for the TypeScript contract test (test/contracts/modal-dispatch.test.ts): real HTTP between the
worker's client code and the Python handlers. POST /submit, GET /status?call_id=…; prints
`LISTENING <port>` once ready. Spawning is recorded, not started; status answers come from
contracts/modal-status.json by call id (fc-<NAME>). Token: $CONTRACT_TOKEN."""

from __future__ import annotations

import json
import os
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from ethereal.status import handle_status  # noqa: E402
from ethereal.submit import handle_submit  # noqa: E402

TOKEN = os.environ.get("CONTRACT_TOKEN", "")
STATUS = {
    "fc-" + case["name"].upper(): case["body"]
    for case in json.loads((HERE.parent.parent / "contracts" / "modal-status.json").read_text())["valid"]
}
spawned: list[dict] = []


def spawn(request) -> str:
    spawned.append(request.to_dict())
    call_id = f"fc-SPAWNED{len(spawned)}"
    STATUS[call_id] = {"status": "running"}
    return call_id


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def _send(self, status: int, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        if urlparse(self.path).path != "/submit":
            return self._send(404, {"error": "not found"})
        status, body = handle_submit(raw, TOKEN, "L40S", spawn)
        if status == 200 and "call_id" in body:
            body = {**body, "_spawned": spawned[-1]}  # echo for the test's assertions
        self._send(status, body)

    def do_GET(self):
        url = urlparse(self.path)
        if url.path != "/status":
            return self._send(404, {"error": "not found"})
        query = parse_qs(url.query)
        first = lambda k: (query.get(k) or [None])[0]  # noqa: E731
        status, body = handle_status(
            first("call_id"), self.headers.get("Authorization"), first("auth_token"), TOKEN,
            lambda call_id: STATUS.get(call_id, {"status": "unknown", "error": "no such call"}),
        )
        self._send(status, body)


def main() -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(f"LISTENING {server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
