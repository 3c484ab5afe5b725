"""The two endpoint functions from app.py served by FastAPI (as Modal serves them) and called through
ASGI with httpx: status codes, JSON bodies, the ping, spawning, and the status token."""

from __future__ import annotations

import json

import pytest
from conftest import load_contract
import asyncio

import httpx
from fastapi import FastAPI
from test_app import load_app, raw

TOKEN = "<MODAL_AUTH_TOKEN>"
SUBMIT = load_contract("modal-submit.json")


@pytest.fixture
def served(monkeypatch):
    mod = load_app(monkeypatch)
    monkeypatch.setenv("MODAL_AUTH_TOKEN", TOKEN)
    spawned = []
    monkeypatch.setattr(mod, "_spawn", lambda req: spawned.append(req) or "fc-SPAWNED1")
    states = {"fc-DONE": {"status": "completed", "result": {"videoKey": "k", "format": "preview-360p", "durationSeconds": 1.0}}}
    monkeypatch.setattr(mod, "_state_of", lambda call_id: states.get(call_id, {"status": "unknown", "error": "no such call"}))
    api = FastAPI()
    api.post("/submit")(raw(mod.submit)._raw_f)
    api.get("/status")(raw(mod.status)._raw_f)
    yield Client(api), spawned


class Client:
    """Synchronous calls into the ASGI app through httpx's ASGI transport."""

    def __init__(self, api: FastAPI) -> None:
        self.api = api

    def _call(self, method: str, url: str, **kw) -> httpx.Response:
        async def go():
            transport = httpx.ASGITransport(app=self.api)
            async with httpx.AsyncClient(transport=transport, base_url="http://modal.test") as client:
                return await client.request(method, url, **kw)

        return asyncio.run(go())

    def post(self, url: str, **kw) -> httpx.Response:
        return self._call("POST", url, **kw)

    def get(self, url: str, **kw) -> httpx.Response:
        return self._call("GET", url, **kw)


def test_submit_answers_the_contract_and_spawns(served):
    client, spawned = served
    res = client.post("/submit", content=json.dumps(SUBMIT["valid"][1]["body"]))
    assert res.status_code == 200
    assert res.json() == {"call_id": "fc-SPAWNED1", "job_id": "job_02", "gpu": "L40S"}
    assert res.headers["cache-control"] == "no-store"
    assert [r.job_id for r in spawned] == ["job_02"]


def test_submit_ping_answers_json_without_spawning(served):
    client, spawned = served
    res = client.post("/submit", json={"auth_token": TOKEN, "config": {}, "job_id": "test-ping"})
    assert (res.status_code, res.json()) == (200, {"job_id": "test-ping", "status": "ok"})
    assert spawned == []


@pytest.mark.parametrize("case", SUBMIT["invalid"], ids=lambda c: c["name"])
def test_submit_errors_are_real_status_codes_with_error(served, case):
    client, spawned = served
    res = client.post("/submit", json=case["body"])
    assert res.status_code == case["status"] and list(res.json()) == ["error"]
    assert spawned == []


def test_submit_non_json_is_400(served):
    client, _ = served
    res = client.post("/submit", content=b"{oops", headers={"content-type": "application/json"})
    assert res.status_code == 400 and "JSON" in res.json()["error"]


def test_status_needs_the_bearer_token_and_maps_the_state(served):
    client, _ = served
    assert client.get("/status", params={"call_id": "fc-DONE"}).status_code == 401
    res = client.get("/status", params={"call_id": "fc-DONE"}, headers={"Authorization": f"Bearer {TOKEN}"})
    assert res.status_code == 200 and res.json()["status"] == "completed"
    res = client.get("/status", headers={"Authorization": f"Bearer {TOKEN}"})
    assert res.status_code == 400 and "call_id" in res.json()["error"]


def test_server_without_the_auth_secret_answers_500(served, monkeypatch):
    client, _ = served
    monkeypatch.delenv("MODAL_AUTH_TOKEN")
    res = client.post("/submit", json={"auth_token": TOKEN, "config": {}, "job_id": "test-ping"})
    assert res.status_code == 500 and "MODAL_AUTH_TOKEN" in res.json()["error"]
