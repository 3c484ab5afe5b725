"""Status endpoint logic: map a Modal call's state to running|completed|failed|unknown (with the
render's progress while it runs)."""

from __future__ import annotations

import re
from typing import Any, Callable

from .auth import bearer_token, tokens_match

CALL_ID_RE = re.compile(r"^fc-[A-Za-z0-9]{1,64}$")


def _no_progress() -> dict[str, Any] | None:
    return None


# The contract body for a call whose `get(timeout=0)` is `poll`; `expired_error`,
# `function_timeout_error` and `not_found_error` are modal's exception classes (injected so
# this module stays importable without modal). A running call carries `progress_of()` when known.
def call_state(
    poll: Callable[[], Any],
    *,
    expired_error: type[BaseException],
    function_timeout_error: type[BaseException],
    not_found_error: type[BaseException],
    progress_of: Callable[[], dict[str, Any] | None] = _no_progress,
) -> dict[str, Any]:
    try:
        outcome = poll()
    # modal's own timeouts come first; a running call raises Python's builtin TimeoutError.
    except expired_error:
        return {"status": "unknown", "error": "result expired"}
    except function_timeout_error:
        return {"status": "failed", "error": "render function exceeded its Modal timeout"}
    except TimeoutError:
        return _running(progress_of)
    except not_found_error:
        return {"status": "unknown", "error": "no such call"}
    except Exception as exc:  # noqa: BLE001 - the call itself failed (crash, OOM, cancelled)
        return {"status": "failed", "error": f"render function failed: {exc.__class__.__name__}"}
    return outcome_to_status(outcome)


def _running(progress_of: Callable[[], dict[str, Any] | None]) -> dict[str, Any]:
    try:
        progress = progress_of()
    except Exception:  # noqa: BLE001 - an unreadable progress store never hides the state
        progress = None
    return {"status": "running", "progress": progress} if progress else {"status": "running"}


# The status body for the value a finished render_job returned ({status: complete|failed, ...}).
def outcome_to_status(outcome: Any) -> dict[str, Any]:
    if isinstance(outcome, dict) and outcome.get("status") == "complete" and isinstance(outcome.get("result"), dict):
        return {"status": "completed", "result": outcome["result"]}
    if isinstance(outcome, dict) and outcome.get("status") == "failed":
        return {"status": "failed", "error": str(outcome.get("error") or "render failed")}
    return {"status": "failed", "error": "render function returned no result"}


# The status endpoint: (HTTP status, JSON body). Token from `Authorization: Bearer` or `auth_token`.
def handle_status(
    call_id: str | None,
    authorization: str | None,
    auth_token_param: str | None,
    expected_token: str | None,
    state_of: Callable[[str], dict[str, Any]],
) -> tuple[int, dict[str, Any]]:
    if not expected_token:
        return 500, {"error": "server misconfigured: the ethereal-auth secret has no MODAL_AUTH_TOKEN"}
    given = bearer_token(authorization) or auth_token_param
    if not tokens_match(given, expected_token):
        return 401, {"error": "missing or wrong token; send Authorization: Bearer <MODAL_AUTH_TOKEN>"}
    if not call_id:
        return 400, {"error": "call_id query parameter is required (the call_id submit answered)"}
    if not CALL_ID_RE.match(call_id):
        return 400, {"error": "call_id is malformed; expected the fc-… id submit answered"}
    return 200, state_of(call_id)
