"""Submit endpoint logic: parse and validate the body, check the token, spawn the render."""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from typing import Any, Callable
from urllib.parse import urlparse

from .auth import tokens_match
from .errors import RequestError
from .formats import RENDER_FORMATS, RENDER_FPS, get_format
from .gpu import KNOWN_GPUS, choose_gpu, normalize_gpu

PING_JOB_ID = "test-ping"
# Mirror of services/core/src/quality.ts; absent: the renderer picks the format's default.
RENDER_QUALITIES = ("draft", "final")
JOB_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$")
MAX_BODY_BYTES = 64 * 1024


@dataclass(frozen=True)
class RenderRequest:
    job_id: str
    preset: str
    format: str
    fps: int
    audio_url: str
    output_key: str
    webhook_url: str
    webhook_token: str
    gpu: str | None
    duration_sec: float | None = None
    visual: dict[str, Any] = field(default_factory=dict)
    quality: str | None = None

    # Plain dict for passing to a Modal function (picklable, no secrets beyond the per-job token).
    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @staticmethod
    def from_dict(d: dict[str, Any]) -> "RenderRequest":
        return RenderRequest(**d)


# The JSON object in a raw request body; RequestError(400) when it is not one.
def parse_body(raw: bytes) -> dict[str, Any]:
    if len(raw) > MAX_BODY_BYTES:
        raise RequestError(413, f"request body is larger than {MAX_BODY_BYTES} bytes")
    try:
        body = json.loads(raw.decode("utf-8")) if raw else None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RequestError(400, f"request body is not valid JSON ({exc.__class__.__name__}); send a JSON object") from None
    if not isinstance(body, dict):
        raise RequestError(400, "request body must be a JSON object")
    return body


def _string(body: dict[str, Any], key: str, where: str = "") -> str:
    value = body.get(key)
    if not isinstance(value, str) or not value.strip():
        raise RequestError(400, f"{where}{key} is required: a non-empty string")
    if value != value.strip():
        raise RequestError(400, f"{where}{key} has leading or trailing whitespace; remove it")
    return value


def _url(body: dict[str, Any], key: str) -> str:
    value = _string(body, key)
    parsed = urlparse(value)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise RequestError(400, f"{key} must be an absolute http(s) URL")
    return value


def _output_key(body: dict[str, Any]) -> str:
    key = _string(body, "output_key")
    parts = key.split("/")
    if key.startswith("/") or any(p in ("", ".", "..") for p in parts) or not key.endswith(".mp4"):
        raise RequestError(400, "output_key must be a relative storage key ending in .mp4 (e.g. renders/<job>/output.mp4)")
    return key


def _config(body: dict[str, Any]) -> tuple[str, str, int, float | None, dict[str, Any], str | None]:
    config = body.get("config")
    if not isinstance(config, dict):
        raise RequestError(400, "config is required: an object {preset, format, fps}")
    preset = _string(config, "preset", "config.")
    fmt = config.get("format")
    if get_format(fmt) is None:
        raise RequestError(400, f"config.format {fmt!r} is not a render format; use one of {', '.join(RENDER_FORMATS)}")
    fps = config.get("fps", 30)
    if isinstance(fps, bool) or fps not in RENDER_FPS:
        raise RequestError(400, f"config.fps must be one of {', '.join(map(str, RENDER_FPS))}")
    duration = config.get("durationSec")
    if duration is not None and (isinstance(duration, bool) or not isinstance(duration, (int, float)) or duration <= 0):
        raise RequestError(400, "config.durationSec must be a positive number of seconds or null")
    visual = config.get("visual", {})
    if visual is None:
        visual = {}
    if not isinstance(visual, dict):
        raise RequestError(400, "config.visual must be an object of preset overrides")
    quality = config.get("quality")
    if quality is not None and quality not in RENDER_QUALITIES:
        raise RequestError(400, f"config.quality {quality!r} is not a render quality; use one of {', '.join(RENDER_QUALITIES)}")
    return preset, str(fmt), int(fps), (float(duration) if duration is not None else None), visual, quality


# True for the checklist's health ping ({"config": {}, "job_id": "test-ping"}).
def is_ping(body: dict[str, Any]) -> bool:
    return body.get("job_id") == PING_JOB_ID and body.get("config") == {}


# The validated render request in `body` (token already checked); RequestError(400) naming the bad field.
def validate_render_request(body: dict[str, Any], default_gpu: str) -> RenderRequest:
    job_id = _string(body, "job_id")
    if not JOB_ID_RE.match(job_id):
        raise RequestError(400, "job_id may use letters, digits and _ . : - (at most 128 characters)")
    preset, fmt, fps, duration, visual, quality = _config(body)
    requested = body.get("gpu")
    gpu = None
    if requested is not None:
        gpu = normalize_gpu(requested)
        if gpu is None:
            raise RequestError(400, f"gpu {requested!r} is not a Modal GPU type; use one of {', '.join(KNOWN_GPUS)}")
    return RenderRequest(
        job_id=job_id,
        preset=preset,
        format=fmt,
        fps=fps,
        audio_url=_url(body, "audio_url"),
        output_key=_output_key(body),
        webhook_url=_url(body, "webhook_url"),
        webhook_token=_string(body, "webhook_token"),
        gpu=choose_gpu(RENDER_FORMATS[fmt], gpu, default_gpu),
        duration_sec=duration,
        visual=visual,
        quality=quality,
    )


# The submit endpoint: (HTTP status, JSON body). `spawn(request)` starts the render and returns its call id.
def handle_submit(
    raw: bytes,
    expected_token: str | None,
    default_gpu: str,
    spawn: Callable[[RenderRequest], str],
) -> tuple[int, dict[str, Any]]:
    if not expected_token:
        return 500, {"error": "server misconfigured: the ethereal-auth secret has no MODAL_AUTH_TOKEN"}
    try:
        body = parse_body(raw)
        if not tokens_match(body.get("auth_token"), expected_token):
            raise RequestError(401, "auth_token is missing or wrong; send the MODAL_AUTH_TOKEN value")
        if is_ping(body):
            return 200, {"job_id": PING_JOB_ID, "status": "ok"}
        request = validate_render_request(body, default_gpu)
    except RequestError as exc:
        return exc.status, {"error": exc.message}
    try:
        call_id = spawn(request)
    except Exception as exc:  # noqa: BLE001 - any spawn failure is a 502 with its class name, never its args
        return 502, {"error": f"could not start the render ({exc.__class__.__name__}); retry later"}
    return 200, {"call_id": call_id, "job_id": request.job_id, "gpu": request.gpu}
