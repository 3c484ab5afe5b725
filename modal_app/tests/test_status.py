"""Status mapping with modal's real exception classes, checked against contracts/modal-status.json."""

from __future__ import annotations

import pytest
from conftest import load_contract
from ethereal.progress import valid_progress
from ethereal.status import call_state, handle_status
from modal.exception import FunctionTimeoutError, NotFoundError, OutputExpiredError

CONTRACT = load_contract("modal-status.json")
STATUSES = {"running", "completed", "failed", "unknown"}


def state(poll, progress_of=lambda: None):
    return call_state(poll, expired_error=OutputExpiredError, function_timeout_error=FunctionTimeoutError, not_found_error=NotFoundError, progress_of=progress_of)


def raises(exc):
    def poll():
        raise exc

    return poll


def assert_contract_shape(body):
    assert body["status"] in STATUSES
    assert set(body) <= {"status", "result", "error", "progress"}
    if "progress" in body:
        assert body["status"] == "running" and valid_progress(body["progress"]) == body["progress"]
    if body["status"] == "completed":
        assert set(body["result"]) >= {"videoKey", "format", "durationSeconds"}
    if body["status"] in ("failed",):
        assert isinstance(body["error"], str) and body["error"]


def test_fixture_bodies_have_the_contract_shape():
    for case in CONTRACT["valid"]:
        assert_contract_shape(case["body"])


def test_builtin_timeout_means_running():
    assert state(raises(TimeoutError())) == {"status": "running"}


@pytest.mark.parametrize("name", ["starting", "rendering", "encoding", "uploading"])
def test_a_running_call_carries_its_progress_as_the_fixture(name):
    fixture = next(c["body"] for c in CONTRACT["valid"] if c["name"] == name)
    assert state(raises(TimeoutError()), progress_of=lambda: fixture["progress"]) == fixture


def test_an_unreadable_progress_store_still_answers_running():
    def broken():
        raise ConnectionError("dict unavailable")

    assert state(raises(TimeoutError()), progress_of=broken) == {"status": "running"}


def test_progress_is_only_asked_for_a_running_call():
    asked = []
    fixture = next(c["body"] for c in CONTRACT["valid"] if c["name"] == "completed")
    state(lambda: {"status": "complete", "result": fixture["result"]}, progress_of=lambda: asked.append(1))
    assert asked == []


def test_expired_output_is_unknown():
    assert state(raises(OutputExpiredError("gone"))) == {"status": "unknown", "error": "result expired"}


def test_function_timeout_is_failed():
    body = state(raises(FunctionTimeoutError("t")))
    assert body["status"] == "failed" and "timeout" in body["error"]


def test_not_found_is_unknown():
    assert state(raises(NotFoundError("x")))["status"] == "unknown"


def test_crashed_call_is_failed_with_the_class_only():
    body = state(raises(RuntimeError("token=abc")))
    assert body == {"status": "failed", "error": "render function failed: RuntimeError"}


def test_completed_outcome_maps_to_the_completed_fixture():
    fixture = next(c["body"] for c in CONTRACT["valid"] if c["name"] == "completed")
    outcome = {"status": "complete", "result": fixture["result"], "webhookDelivered": True}
    assert state(lambda: outcome) == fixture


def test_failed_outcome_maps_to_failed_with_its_reason():
    fixture = next(c["body"] for c in CONTRACT["valid"] if c["name"] == "failed")
    assert state(lambda: {"status": "failed", "error": fixture["error"]}) == fixture


def test_every_mapping_satisfies_the_contract_shape():
    for poll in (raises(TimeoutError()), raises(OutputExpiredError()), raises(FunctionTimeoutError()), raises(NotFoundError()), raises(ValueError()), lambda: None, lambda: {"status": "complete", "result": {"videoKey": "k", "format": "f", "durationSeconds": 1}}):
        assert_contract_shape(state(poll))


GOOD_ID = "fc-01ABCDEF"


def test_status_requires_the_token_by_header_or_parameter():
    seen = []

    def state_of(call_id):
        seen.append(call_id)
        return {"status": "running"}

    assert handle_status(GOOD_ID, None, None, "tok", state_of)[0] == 401
    assert handle_status(GOOD_ID, "Bearer wrong", None, "tok", state_of)[0] == 401
    assert seen == []
    assert handle_status(GOOD_ID, "Bearer tok", None, "tok", state_of) == (200, {"status": "running"})
    assert handle_status(GOOD_ID, None, "tok", "tok", state_of) == (200, {"status": "running"})
    assert seen == [GOOD_ID, GOOD_ID]


@pytest.mark.parametrize("call_id", [None, "", "nope", "fc-../x"])
def test_missing_or_malformed_call_id_is_400(call_id):
    code, body = handle_status(call_id, "Bearer tok", None, "tok", lambda _: {"status": "running"})
    assert code == 400 and "call_id" in body["error"]


def test_status_without_server_token_is_500():
    assert handle_status(GOOD_ID, "Bearer x", None, None, lambda _: {})[0] == 500
