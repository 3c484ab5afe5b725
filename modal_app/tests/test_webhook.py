"""Webhook delivery over real HTTP to a local receiver: bodies match contracts/webhook.json, retries back off."""

from __future__ import annotations

import json
import logging

import pytest
from conftest import load_contract
from ethereal.webhook import HttpResponse, complete_body, failed_body, send_webhook, webhook_budget_seconds
from http_servers import webhook_server

CONTRACT = load_contract("webhook.json")
TOKEN = "per-job-token-abc123"


@pytest.fixture
def receiver_factory():
    started = []

    def make(script=None):
        server = webhook_server(script)
        started.append(server)
        return server

    yield make
    for server in started:
        server.stop()


def test_bodies_equal_the_contract_fixtures():
    fixtures = {c["name"]: c["body"] for c in CONTRACT["valid"]}
    assert complete_body("job_01", "renders/job_01/output.mp4", "preview-360p", 5.0, "renders/job_01/thumbnail.jpg") == fixtures["render complete"]
    assert complete_body("job_01", "renders/job_01/output.mp4", "preview-360p", 5.0) == fixtures["render complete without a thumbnail"]
    assert failed_body("job_01", "chromium crashed at frame 120") == fixtures["render failed"]


def test_complete_is_posted_once_with_bearer_token_and_json(receiver_factory):
    server = receiver_factory()
    sleeps = []
    body = complete_body("job_01", "renders/job_01/output.mp4", "preview-360p", 5.0)
    assert send_webhook(server.url + "/api/webhooks/worker", TOKEN, body, sleep=sleeps.append)
    (req,) = server.requests
    assert req.path == "/api/webhooks/worker"
    assert req.headers["authorization"] == f"Bearer {TOKEN}"
    assert req.headers["content-type"] == "application/json"
    assert json.loads(req.body) == body
    assert sleeps == []


def test_5xx_and_429_are_retried_with_exponential_backoff(receiver_factory):
    server = receiver_factory([503, 429, 502])
    sleeps = []
    assert send_webhook(server.url, TOKEN, failed_body("j", "x"), sleep=sleeps.append, base_delay=1.0)
    assert len(server.requests) == 4
    assert sleeps == [1.0, 2.0, 4.0]


def test_backoff_is_capped_and_gives_up_after_the_last_attempt(receiver_factory):
    server = receiver_factory([500] * 10)
    sleeps = []
    assert not send_webhook(server.url, TOKEN, failed_body("j", "x"), sleep=sleeps.append, attempts=5, base_delay=10, max_delay=25)
    assert len(server.requests) == 5
    assert sleeps == [10, 20, 25, 25]


def test_4xx_other_than_retryable_is_not_retried(receiver_factory):
    server = receiver_factory([401])
    sleeps = []
    assert not send_webhook(server.url, TOKEN, failed_body("j", "x"), sleep=sleeps.append)
    assert len(server.requests) == 1 and sleeps == []


def test_network_errors_are_retried_then_reported(receiver_factory):
    server = receiver_factory()
    dead_url = server.url
    server.stop()
    sleeps = []
    assert not send_webhook(dead_url, TOKEN, failed_body("j", "x"), sleep=sleeps.append, attempts=3, timeout=5)
    assert sleeps == [2.0, 4.0]


def test_injected_transport_sees_the_same_request():
    seen = []

    def http(url, data, headers, timeout):
        seen.append((url, json.loads(data), headers["Authorization"], timeout))
        return HttpResponse(204, b"")

    assert send_webhook("https://x/api", TOKEN, failed_body("j", "e"), http=http, sleep=lambda _: None, timeout=7)
    assert seen == [("https://x/api", {"jobId": "j", "status": "failed", "error": "e"}, f"Bearer {TOKEN}", 7)]


def test_the_token_never_reaches_the_log(receiver_factory, caplog):
    caplog.set_level(logging.DEBUG)
    server = receiver_factory([500, 500])
    send_webhook(server.url, TOKEN, failed_body("j", "x"), sleep=lambda _: None, attempts=3)
    assert caplog.records and TOKEN not in caplog.text


def test_budget_covers_every_attempt_and_delay():
    assert webhook_budget_seconds(attempts=3, base_delay=2, max_delay=60, timeout=10) == 3 * 10 + 2 + 4


def test_failure_reason_is_truncated():
    assert len(failed_body("j", "x" * 5000)["error"]) == 2000
