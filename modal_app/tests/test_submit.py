"""Submit endpoint logic against the shared contract fixtures (contracts/modal-submit.json)."""

from __future__ import annotations

import json

import pytest
from conftest import load_contract
from ethereal import auth
from ethereal.submit import RenderRequest, handle_submit

TOKEN = "<MODAL_AUTH_TOKEN>"  # the fixtures' placeholder doubles as the configured token
CONTRACT = load_contract("modal-submit.json")


class Spawner:
    def __init__(self, fail: Exception | None = None) -> None:
        self.requests: list[RenderRequest] = []
        self.fail = fail

    def __call__(self, request: RenderRequest) -> str:
        if self.fail:
            raise self.fail
        self.requests.append(request)
        return f"fc-TEST{len(self.requests)}"


def submit(body, spawn=None, token=TOKEN, default_gpu="L40S"):
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return handle_submit(raw, token, default_gpu, spawn or Spawner())


@pytest.mark.parametrize("case", CONTRACT["valid"], ids=lambda c: c["name"])
def test_valid_fixture_bodies_are_accepted_with_the_contract_keys(case):
    spawn = Spawner()
    status, body = submit(case["body"], spawn)
    assert status == case["response"]["status"]
    assert set(body) == set(case["response"]["keys"])
    assert body["job_id"] == case["body"]["job_id"]


@pytest.mark.parametrize("case", CONTRACT["invalid"], ids=lambda c: c["name"])
def test_invalid_fixture_bodies_get_their_status_and_an_error_and_start_nothing(case):
    spawn = Spawner()
    status, body = submit(case["body"], spawn)
    assert status == case["status"]
    assert set(body) == {"error"} and body["error"]
    assert spawn.requests == []


def test_health_ping_answers_json_without_spawning_a_render():
    spawn = Spawner()
    status, body = submit({"auth_token": TOKEN, "config": {}, "job_id": "test-ping"}, spawn)
    assert (status, body) == (200, {"job_id": "test-ping", "status": "ok"})
    assert spawn.requests == []


def test_render_request_is_spawned_with_every_field_and_the_answer_names_the_call():
    spawn = Spawner()
    case = CONTRACT["valid"][0]["body"]
    status, body = submit(case, spawn)
    assert status == 200
    assert body == {"call_id": "fc-TEST1", "job_id": "job_01", "gpu": None}
    (req,) = spawn.requests
    assert (req.preset, req.format, req.fps, req.audio_url) == ("ethereal-flame", "preview-360p", 30, case["audio_url"])
    assert (req.output_key, req.webhook_url, req.webhook_token) == (case["output_key"], case["webhook_url"], case["webhook_token"])
    assert RenderRequest.from_dict(req.to_dict()) == req


def test_quality_is_passed_on_and_absent_means_the_renderers_default():
    spawn = Spawner()
    with_quality = CONTRACT["valid"][1]["body"]
    assert submit(with_quality, spawn)[0] == 200
    assert spawn.requests[0].quality == with_quality["config"]["quality"] == "final"
    assert submit(CONTRACT["valid"][0]["body"], spawn)[0] == 200
    assert spawn.requests[1].quality is None


def test_gpu_formats_get_the_default_gpu_and_cpu_formats_none():
    base = dict(CONTRACT["valid"][1]["body"])
    base.pop("gpu")
    assert submit(base, default_gpu="L4")[1]["gpu"] == "L4"
    flat = dict(CONTRACT["valid"][0]["body"])
    assert submit(flat, default_gpu="L4")[1]["gpu"] is None


def test_requested_gpu_wins_and_is_normalized():
    body = dict(CONTRACT["valid"][0]["body"], gpu="h100")
    assert submit(body)[1]["gpu"] == "H100"


def test_unknown_gpu_is_refused_naming_the_choices():
    status, body = submit(dict(CONTRACT["valid"][0]["body"], gpu="RTX4090"))
    assert status == 400 and "L40S" in body["error"] and "gpu" in body["error"]


@pytest.mark.parametrize(
    ("patch", "needle"),
    [
        ({"job_id": ""}, "job_id"),
        ({"job_id": "a b"}, "job_id"),
        ({"config": {"preset": "ethereal-flame", "format": "preview-360p", "fps": 24}}, "fps"),
        ({"config": {"format": "preview-360p"}}, "preset"),
        ({"config": {"preset": "x", "format": "preview-360p", "durationSec": -1}}, "durationSec"),
        ({"config": {"preset": "x", "format": "preview-360p", "visual": [1]}}, "visual"),
        ({"config": {"preset": "x", "format": "preview-360p", "quality": "ultra"}}, "quality"),
        ({"audio_url": "ftp://x/a.m4a"}, "audio_url"),
        ({"output_key": "/abs/output.mp4"}, "output_key"),
        ({"output_key": "renders/../x.mp4"}, "output_key"),
        ({"output_key": "renders/x.mov"}, "output_key"),
        ({"webhook_url": "not a url"}, "webhook_url"),
        ({"webhook_token": " padded "}, "webhook_token"),
    ],
)
def test_bad_fields_are_400_naming_the_field(patch, needle):
    spawn = Spawner()
    status, body = submit(dict(CONTRACT["valid"][0]["body"], **patch), spawn)
    assert status == 400, body
    assert needle in body["error"]
    assert spawn.requests == []


def test_non_json_and_non_object_bodies_are_400():
    assert submit(b"{not json")[0] == 400
    assert submit(b"[1,2]")[0] == 400
    assert submit(b"")[0] == 400


def test_wrong_token_is_401_even_when_the_body_is_otherwise_invalid():
    status, body = submit({"auth_token": "nope", "job_id": "x"})
    assert status == 401 and "auth_token" in body["error"]


def test_missing_server_token_is_500_and_accepts_nothing():
    spawn = Spawner()
    status, body = submit({"auth_token": "", "config": {}, "job_id": "test-ping"}, spawn, token="")
    assert status == 500 and "MODAL_AUTH_TOKEN" in body["error"]


def test_spawn_failure_is_502_without_the_exception_text():
    status, body = submit(CONTRACT["valid"][0]["body"], Spawner(fail=RuntimeError("secret-ish detail")))
    assert status == 502
    assert "secret-ish" not in body["error"] and "RuntimeError" in body["error"]


def test_token_compare_goes_through_hmac_compare_digest(monkeypatch):
    calls = []
    real = auth.hmac.compare_digest

    def spy(a, b):
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(auth.hmac, "compare_digest", spy)
    assert submit({"auth_token": TOKEN, "config": {}, "job_id": "test-ping"})[0] == 200
    assert calls == [(TOKEN.encode(), TOKEN.encode())]


def test_tokens_match_rules():
    assert auth.tokens_match("abc", "abc")
    assert not auth.tokens_match("abd", "abc")
    assert not auth.tokens_match("", "")
    assert not auth.tokens_match(None, "abc")
    assert not auth.tokens_match(123, "123")
    assert auth.bearer_token("Bearer  tok ") == "tok"
    assert auth.bearer_token("Basic tok") is None
    assert auth.bearer_token(None) is None
