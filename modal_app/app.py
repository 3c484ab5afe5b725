"""Ethereal Flame Studio on Modal: submit/status web endpoints and GPU render functions.

Deploy: `modal deploy modal_app/app.py` (see docs/modal.md). Logic lives in modal_app/ethereal/
(plain, tested functions); this file only wires it to Modal.
"""

from __future__ import annotations

import asyncio
import logging
import os
import subprocess
import sys
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

import modal

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:  # `modal deploy modal_app/app.py` from the repo root
    sys.path.insert(0, str(HERE))

from ethereal import timeouts  # noqa: E402
from ethereal.renderer_cli import RENDERER_ROOT as APP_ROOT  # noqa: E402
from ethereal.chunks import DEFAULT_MAX_CHUNKS, FrameRange  # noqa: E402
from ethereal.gpu import DEFAULT_GPU, KNOWN_GPUS, normalize_gpu  # noqa: E402
from ethereal.pipeline import Runtime, gather, render_segment, run_job  # noqa: E402
from ethereal.progress import read_progress  # noqa: E402
from ethereal.runtime import build_runtime  # noqa: E402
from ethereal.status import call_state, handle_status  # noqa: E402
from ethereal.submit import RenderRequest, handle_submit  # noqa: E402
from ethereal.webhook import send_webhook  # noqa: E402

try:  # present in the image; not needed to import this file locally (tests, `modal deploy`)
    from fastapi import Request
    from fastapi.responses import JSONResponse
except ImportError:  # pragma: no cover - local
    Request = Any  # type: ignore[assignment,misc]
    JSONResponse = None  # type: ignore[assignment]

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

APP_NAME = "ethereal-flame-studio"
SUBMIT_LABEL = "ethereal-submit"
STATUS_LABEL = "ethereal-status"
R2_SECRET_NAME = "r2-credentials"
AUTH_SECRET_NAME = "ethereal-auth"
PROGRESS_DICT_NAME = "ethereal-render-progress"
REPO_ROOT = HERE.parent


# A deploy-time setting: the GPU for GPU formats ($EFS_MODAL_GPU, default L40S).
def _default_gpu() -> str:
    raw = os.environ.get("EFS_MODAL_GPU") or DEFAULT_GPU
    gpu = normalize_gpu(raw)
    if gpu is None:
        raise ValueError(f"EFS_MODAL_GPU={raw!r} is not a Modal GPU type; use one of {', '.join(KNOWN_GPUS)}")
    return gpu


# A deploy-time setting: the most containers one render may be split across ($EFS_MODAL_MAX_CHUNKS).
def _max_chunks() -> int:
    raw = os.environ.get("EFS_MODAL_MAX_CHUNKS") or str(DEFAULT_MAX_CHUNKS)
    if not raw.isdigit() or not 1 <= int(raw) <= 64:
        raise ValueError(f"EFS_MODAL_MAX_CHUNKS={raw!r} must be an integer from 1 to 64")
    return int(raw)


GPU = _default_gpu()
MAX_CHUNKS = _max_chunks()

# What rendering needs from the repo: the renderer CLI runs from source with tsx, and builds its
# capture page with esbuild at start, so the image holds these workspace folders (sources only)
# and these npm packages (pinned to package-lock.json; modal_app/renderer-deps.mjs lists them).
RENDERER_WORKSPACES = ("services/core", "services/visual", "services/renderer")
RENDERER_NPM = {
    "commander": "14.0.3",
    "esbuild": "0.27.7",
    "execa": "9.6.1",
    "fft.js": "4.0.4",
    "puppeteer-core": "24.43.1",
    "three": "0.187.0",
    "tsx": "4.23.15",
}
SOURCE_IGNORE = ["node_modules", "dist", "test", "bench", ".next", "**/*.test.ts", "**/__pycache__"]

# NVIDIA GLVND EGL vendor file and Vulkan ICD: the driver libraries come from the host when
# NVIDIA_DRIVER_CAPABILITIES includes graphics; these files tell the loaders to use them.
NVIDIA_EGL_VENDOR = '{"file_format_version":"1.0.0","ICD":{"library_path":"libEGL_nvidia.so.0"}}'
NVIDIA_VULKAN_ICD = '{"file_format_version":"1.0.0","ICD":{"library_path":"libGLX_nvidia.so.0","api_version":"1.3.0"}}'

SYSTEM_PACKAGES = (
    "chromium",
    "ffmpeg",
    "fonts-dejavu-core",
    "ca-certificates",
    "libglvnd0",
    "libegl1",
    "libgles2",
    "libgl1",
    "libvulkan1",
)
PYTHON_PACKAGES = ("fastapi[standard]==0.165.0", "boto3==1.43.11")


# Node 24 like every deployed target (Node 20 is past end of life); Debian bookworm's Chromium.
NODE_IMAGE = "node:24-bookworm-slim"


# The container image: Debian slim with Node 24, Debian Chromium, ffmpeg, GL loaders, the renderer.
def build_image() -> modal.Image:
    image = (
        modal.Image.from_registry(NODE_IMAGE, add_python="3.11")
        .apt_install(*SYSTEM_PACKAGES)
        .run_commands(
            "mkdir -p /usr/share/glvnd/egl_vendor.d /etc/vulkan/icd.d",
            f"echo '{NVIDIA_EGL_VENDOR}' > /usr/share/glvnd/egl_vendor.d/10_nvidia.json",
            f"echo '{NVIDIA_VULKAN_ICD}' > /etc/vulkan/icd.d/nvidia_icd.json",
        )
        .run_commands(
            f"mkdir -p {APP_ROOT} && cd {APP_ROOT} && echo '{{\"private\":true}}' > package.json"
            " && npm install --save-exact --omit=dev --no-audit --no-fund "
            + " ".join(f"{name}@{version}" for name, version in sorted(RENDERER_NPM.items())),
            f"mkdir -p {APP_ROOT}/node_modules/@efs"
            + "".join(f" && ln -sfn ../../{ws} {APP_ROOT}/node_modules/@efs/{ws.split('/')[1]}" for ws in RENDERER_WORKSPACES),
        )
        .pip_install(*PYTHON_PACKAGES)
        .env(
            {
                "NVIDIA_DRIVER_CAPABILITIES": "all",
                "NVIDIA_VISIBLE_DEVICES": "all",
                "EFS_CHROMIUM_PATH": "/usr/bin/chromium",
                "EFS_MODAL_GPU": GPU,
                "EFS_MODAL_MAX_CHUNKS": str(MAX_CHUNKS),
            }
        )
    )
    for ws in RENDERER_WORKSPACES:  # mounted at container start: no rebuild when sources change
        image = image.add_local_dir(REPO_ROOT / ws, f"{APP_ROOT}/{ws}", ignore=SOURCE_IGNORE)
    return image.add_local_python_source("ethereal")


app = modal.App(APP_NAME, image=build_image())
# required_keys: a deploy fails naming the missing key instead of a render failing later.
R2_KEYS = ["R2_ACCOUNT_ID", "R2_ACCESS_KEY_ID", "R2_SECRET_ACCESS_KEY", "R2_BUCKET_NAME"]
r2_secret = modal.Secret.from_name(R2_SECRET_NAME, required_keys=R2_KEYS)
auth_secret = modal.Secret.from_name(AUTH_SECRET_NAME, required_keys=["MODAL_AUTH_TOKEN"])
# Render progress shared by the containers of a job and read by the status endpoint, keyed by
# render_job's call id (ethereal/progress.py). Modal expires entries that are not written for days.
progress_store = modal.Dict.from_name(PROGRESS_DICT_NAME, create_if_missing=True)


def _json(status: int, body: dict[str, Any]) -> Any:
    return JSONResponse(body, status_code=status, headers={"Cache-Control": "no-store"})


# Refreshes the linker cache so the host-injected NVIDIA libraries are found, and logs the GPU.
def _prepare_gpu_container() -> None:
    subprocess.run(["ldconfig"], check=False)
    smi = subprocess.run(["nvidia-smi", "-L"], capture_output=True, text=True, check=False)
    logging.getLogger("ethereal.app").info("GPU: %s", (smi.stdout or smi.stderr or "none").strip())


def _store_progress(key: str, value: dict[str, Any]) -> None:
    progress_store.put(key, value)


def _runtime() -> Runtime:
    return build_runtime(os.environ, progress=_store_progress)


def _segment(request: dict[str, Any], rng: dict[str, Any] | None, progress_key: str | None) -> dict[str, Any]:
    req = RenderRequest.from_dict(request)
    return render_segment(req, FrameRange(**rng) if rng else None, req.gpu, _runtime(), progress_key)


@app.function(gpu=GPU, secrets=[r2_secret], timeout=timeouts.SEGMENT_FN_TIMEOUT_S, cpu=8.0, memory=32768)
def render_segment_gpu(request: dict[str, Any], rng: dict[str, Any] | None, progress_key: str | None = None) -> dict[str, Any]:
    """Renders one frame range (or the whole track) on a GPU and uploads it."""
    _prepare_gpu_container()
    return _segment(request, rng, progress_key)


@app.function(secrets=[r2_secret], timeout=timeouts.SEGMENT_FN_TIMEOUT_S, cpu=8.0, memory=16384)
def render_segment_cpu(request: dict[str, Any], rng: dict[str, Any] | None, progress_key: str | None = None) -> dict[str, Any]:
    """Renders one frame range (or the whole track) with SwiftShader on CPUs and uploads it."""
    return _segment(request, rng, progress_key)


# The segment function for a request: CPU, the deployed GPU, or another GPU type by request.
def _segment_function(gpu: str | None) -> Any:
    if gpu is None:
        return render_segment_cpu
    return render_segment_gpu if gpu == GPU else render_segment_gpu.with_options(gpu=gpu)


@app.function(secrets=[r2_secret], timeout=timeouts.JOB_FN_TIMEOUT_S, cpu=2.0, memory=4096)
def render_job(request: dict[str, Any]) -> dict[str, Any]:
    """One render job: plans chunks, runs segments in parallel containers, concatenates, uploads,
    and always calls the webhook. Returns {status: complete|failed, result?|error?}."""
    req = RenderRequest.from_dict(request)
    segment_fn = _segment_function(req.gpu)
    # The id submit answered: the status endpoint looks progress up under it.
    progress_key = modal.current_function_call_id()

    def run_segments(ranges: list[FrameRange | None]) -> list[dict[str, Any]]:
        handles = [segment_fn.spawn(request, None if r is None else asdict(r), progress_key) for r in ranges]
        deadline = time.monotonic() + timeouts.SEGMENTS_DEADLINE_S
        return gather(
            handles,
            get=lambda h, t: h.get(timeout=t),
            cancel=lambda h: h.cancel(),
            deadline_s=deadline,
            clock=time.monotonic,
        )

    def report(body: dict[str, Any]) -> bool:
        return send_webhook(req.webhook_url, req.webhook_token, body, sleep=time.sleep)

    return run_job(req, _runtime(), run_segments, report, MAX_CHUNKS, progress_key=progress_key)


def _spawn(req: RenderRequest) -> str:
    return render_job.spawn(req.to_dict()).object_id


def _state_of(call_id: str) -> dict[str, Any]:
    return call_state(
        lambda: modal.FunctionCall.from_id(call_id).get(timeout=0),
        expired_error=modal.exception.OutputExpiredError,
        function_timeout_error=modal.exception.FunctionTimeoutError,
        not_found_error=modal.exception.NotFoundError,
        progress_of=lambda: read_progress(lambda key: progress_store.get(key), call_id),
    )


@app.function(secrets=[auth_secret], timeout=timeouts.ENDPOINT_TIMEOUT_S)
@modal.fastapi_endpoint(method="POST", label=SUBMIT_LABEL)
async def submit(request: Request) -> Any:
    """POST {auth_token, job_id, config, audio_url, output_key, webhook_url, webhook_token, gpu?} → {call_id, job_id, gpu}."""
    raw = await request.body()
    # handle_submit spawns through Modal's blocking interface: keep it off the event loop.
    status, body = await asyncio.to_thread(handle_submit, raw, os.environ.get("MODAL_AUTH_TOKEN"), GPU, _spawn)
    return _json(status, body)


@app.function(secrets=[auth_secret], timeout=timeouts.ENDPOINT_TIMEOUT_S)
@modal.fastapi_endpoint(method="GET", label=STATUS_LABEL)
def status(request: Request) -> Any:
    """GET ?call_id=… with Authorization: Bearer <MODAL_AUTH_TOKEN> → {status, result?, error?, progress?}."""
    code, body = handle_status(
        request.query_params.get("call_id"),
        request.headers.get("authorization"),
        request.query_params.get("auth_token"),
        os.environ.get("MODAL_AUTH_TOKEN"),
        _state_of,
    )
    return _json(code, body)
