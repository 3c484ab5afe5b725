"""Webhook to the web app (POST /api/webhooks/worker) with retry and backoff."""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any, Callable

log = logging.getLogger("ethereal.webhook")

USER_AGENT = "ethereal-modal/1"


@dataclass(frozen=True)
class HttpResponse:
    status: int
    body: bytes


# Injected transport: (url, body bytes, headers, timeout seconds) → response; raises OSError on network failure.
HttpPost = Callable[[str, bytes, dict[str, str], float], HttpResponse]


# POST with urllib; HTTP error statuses come back as responses, network failures raise OSError.
def urllib_post(url: str, body: bytes, headers: dict[str, str], timeout: float) -> HttpResponse:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - URL validated at submit
            return HttpResponse(response.status, response.read(4096))
    except urllib.error.HTTPError as exc:
        return HttpResponse(exc.code, exc.read(4096) if exc.fp else b"")


# The webhook body for a finished render (contracts/webhook.json); the thumbnail sits next to the video.
def complete_body(job_id: str, video_key: str, fmt: str, duration_seconds: float, thumbnail_key: str | None = None) -> dict[str, Any]:
    result: dict[str, Any] = {"videoKey": video_key, "format": fmt, "durationSeconds": round(float(duration_seconds), 3)}
    if thumbnail_key:
        result["thumbnailKey"] = thumbnail_key
    return {"jobId": job_id, "status": "complete", "result": result}


# The webhook body for a failed render.
def failed_body(job_id: str, error: str) -> dict[str, Any]:
    return {"jobId": job_id, "status": "failed", "error": error[:2000]}


def _retryable(status: int) -> bool:
    return status in (408, 425, 429) or status >= 500


# Sends `body` with the per-job bearer token; retries network errors, 408/425/429 and 5xx with
# exponential backoff (base·2^n, capped). True when the web app answered 2xx. Never logs the token.
def send_webhook(
    url: str,
    token: str,
    body: dict[str, Any],
    *,
    http: HttpPost = urllib_post,
    sleep: Callable[[float], None],
    attempts: int = 6,
    base_delay: float = 2.0,
    max_delay: float = 60.0,
    timeout: float = 20.0,
) -> bool:
    data = json.dumps(body).encode("utf-8")
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}", "User-Agent": USER_AGENT}
    for attempt in range(1, attempts + 1):
        try:
            response = http(url, data, headers, timeout)
            if 200 <= response.status < 300:
                log.info("webhook %s for job %s accepted (HTTP %d)", body.get("status"), body.get("jobId"), response.status)
                return True
            if not _retryable(response.status):
                log.error("webhook refused with HTTP %d; not retrying", response.status)
                return False
            reason = f"HTTP {response.status}"
        except OSError as exc:
            reason = exc.__class__.__name__
        if attempt < attempts:
            delay = min(max_delay, base_delay * 2 ** (attempt - 1))
            log.warning("webhook attempt %d/%d failed (%s); retrying in %.0fs", attempt, attempts, reason, delay)
            sleep(delay)
        else:
            log.error("webhook attempt %d/%d failed (%s); giving up", attempt, attempts, reason)
    return False


# Worst-case seconds send_webhook can take with these settings (for the function timeout budget).
def webhook_budget_seconds(attempts: int = 6, base_delay: float = 2.0, max_delay: float = 60.0, timeout: float = 20.0) -> float:
    delays = sum(min(max_delay, base_delay * 2 ** (i - 1)) for i in range(1, attempts))
    return attempts * timeout + delays
