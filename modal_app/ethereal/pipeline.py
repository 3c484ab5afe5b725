"""A render job end to end: fetch audio, plan chunks, render (one or many containers), concat,
upload, and always report to the webhook. Modal-free: app.py injects the containers."""

from __future__ import annotations

import logging
import tempfile
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

from . import renderer_cli
from .chromium import GlChoice
from .chunks import FrameRange, plan_chunks
from .download import DownloadError, download_to_file
from .formats import RENDER_FORMATS
from .gpu import choose_encoder
from .media import MediaError, probe_duration
from .process import ProcessError
from .submit import RenderRequest
from .webhook import complete_body, failed_body

log = logging.getLogger("ethereal.pipeline")


class RenderError(Exception):
    """A render step failed; the message is safe to send in the failure webhook."""


@dataclass
class Storage:
    upload: Callable[[Path, str, str], None]  # (path, key, content type)
    download: Callable[[str, Path], None]  # (key, path)
    delete: Callable[[list[str]], None]


@dataclass
class Runtime:
    storage: Storage
    run: Callable[[Sequence[str], Mapping[str, str], float], None]  # process runner
    choose_gl: Callable[[bool], GlChoice]  # want_hardware → choice
    env: Mapping[str, str]
    render_timeout_s: float
    concat_timeout_s: float
    node: str = renderer_cli.RENDERER_NODE
    workdir: Path | None = None


# Storage key of chunk `index`'s segment, next to the final output.
def segment_key(output_key: str, index: int) -> str:
    stem = output_key[: -len(".mp4")] if output_key.endswith(".mp4") else output_key
    return f"{stem}.parts/{index:04d}.ts"


def _fetch_audio(url: str, directory: Path) -> Path:
    audio = directory / "audio"
    try:
        download_to_file(url, audio)
    except DownloadError as exc:
        raise RenderError(str(exc)) from None
    return audio


# One container's work: render frames `rng` (None: the whole track as the final MP4) and upload it.
# Returns {"key", "index", "durationSeconds"?}. Raises RenderError.
def render_segment(request: RenderRequest, rng: FrameRange | None, gpu: str | None, rt: Runtime) -> dict[str, Any]:
    fmt = RENDER_FORMATS[request.format]
    with tempfile.TemporaryDirectory(prefix="efs-seg-", dir=rt.workdir) as tmp:
        work = Path(tmp)
        audio = _fetch_audio(request.audio_url, work)
        gl = rt.choose_gl(gpu is not None)
        encoder = choose_encoder(gpu, fmt)
        log.info("job %s: %s on %s, WebGL %s (%s), encoder %s", request.job_id, "whole" if rng is None else f"frames {rng.start}..{rng.end}", gpu or "CPU", gl.mode, gl.renderer, encoder)
        out = work / ("output.mp4" if rng is None else f"{rng.index:04d}.ts")
        argv = renderer_cli.render_argv(
            node=rt.node,
            entry=renderer_cli.renderer_entry(rt.env),
            audio=audio,
            preset=request.preset,
            fmt=request.format,
            fps=request.fps,
            out=out,
            gpu=gl.hardware,
            start=None if rng is None else rng.start,
            end=None if rng is None else rng.end,
            duration_sec=request.duration_sec,
            visual_file=renderer_cli.write_visual(request.visual, work),
            quality=request.quality,
        )
        try:
            rt.run(argv, renderer_cli.child_env(rt.env, gl.mode, gl.flags, encoder), rt.render_timeout_s)
        except ProcessError as exc:
            raise RenderError(str(exc)) from None
        if not out.is_file() or out.stat().st_size == 0:
            raise RenderError("renderer finished without writing its output file")
        if rng is None:
            duration = _probe(out)
            rt.storage.upload(out, request.output_key, "video/mp4")
            return {"key": request.output_key, "index": 0, "durationSeconds": duration}
        key = segment_key(request.output_key, rng.index)
        rt.storage.upload(out, key, "video/mp2t")
        return {"key": key, "index": rng.index}


def _probe(path: Path) -> float:
    try:
        return probe_duration(path)
    except MediaError as exc:
        raise RenderError(str(exc)) from None


# Joins uploaded segments into the final MP4 (stream copy, audio muxed once) and uploads it.
def concat_segments(request: RenderRequest, segments: list[dict[str, Any]], audio: Path, rt: Runtime, work: Path) -> float:
    ordered = sorted(segments, key=lambda s: s["index"])
    local: list[Path] = []
    for seg in ordered:
        path = work / f"{seg['index']:04d}.ts"
        rt.storage.download(seg["key"], path)
        local.append(path)
    out = work / "output.mp4"
    argv = renderer_cli.concat_argv(
        node=rt.node, entry=renderer_cli.renderer_entry(rt.env), audio=audio, fmt=request.format, out=out, segments=local, duration_sec=request.duration_sec
    )
    try:
        rt.run(argv, renderer_cli.child_env(rt.env, "none", ()), rt.concat_timeout_s)
    except ProcessError as exc:
        raise RenderError(str(exc)) from None
    if not out.is_file() or out.stat().st_size == 0:
        raise RenderError("concat finished without writing the output file")
    duration = _probe(out)
    rt.storage.upload(out, request.output_key, "video/mp4")
    try:
        rt.storage.delete([s["key"] for s in ordered])
    except Exception as exc:  # noqa: BLE001 - leftover parts are harmless
        log.warning("could not delete chunk segments (%s)", exc.__class__.__name__)
    return duration


# The whole job; never raises. `run_segments(args)` runs render_segment for each (rng,) in parallel
# containers and returns their results in order; `send_webhook(body)` reports (retries inside).
def run_job(
    request: RenderRequest,
    rt: Runtime,
    run_segments: Callable[[list[FrameRange | None]], list[dict[str, Any]]],
    send_webhook: Callable[[dict[str, Any]], bool],
    max_chunks: int,
    plan: Callable[..., list[FrameRange]] = plan_chunks,
) -> dict[str, Any]:
    try:
        with tempfile.TemporaryDirectory(prefix="efs-job-", dir=rt.workdir) as tmp:
            work = Path(tmp)
            audio = _fetch_audio(request.audio_url, work)
            duration = _probe(audio)
            if request.duration_sec is not None:
                duration = min(duration, request.duration_sec)
            ranges = plan(duration, request.fps, RENDER_FORMATS[request.format], max_chunks)
            log.info("job %s: %.1fs of %s at %d fps in %d chunk(s)", request.job_id, duration, request.format, request.fps, len(ranges))
            if len(ranges) == 1:
                results = run_segments([None])
                video_seconds = float(results[0]["durationSeconds"])
            else:
                results = run_segments(list(ranges))
                video_seconds = concat_segments(request, results, audio, rt, work)
        body = complete_body(request.job_id, request.output_key, request.format, video_seconds)
        outcome: dict[str, Any] = {"status": "complete", "result": body["result"]}
    except RenderError as exc:
        outcome = {"status": "failed", "error": str(exc)}
    except Exception as exc:  # noqa: BLE001 - anything else still reports, without internals
        log.error("job %s crashed:\n%s", request.job_id, traceback.format_exc())
        outcome = {"status": "failed", "error": f"render crashed ({exc.__class__.__name__})"}
    if outcome["status"] == "complete":
        delivered = send_webhook(complete_body(request.job_id, request.output_key, request.format, outcome["result"]["durationSeconds"]))
    else:
        log.error("job %s failed: %s", request.job_id, outcome["error"])
        delivered = send_webhook(failed_body(request.job_id, outcome["error"]))
    outcome["webhookDelivered"] = delivered
    return outcome


class SegmentsTimeout(RenderError):
    """Not every chunk finished before the job's deadline."""


# Waits for spawned chunk calls in order until `deadline_s` (monotonic seconds from `clock`);
# on timeout cancels the rest and raises SegmentsTimeout. `get(handle, timeout)` raises
# TimeoutError while a call runs.
def gather(
    handles: list[Any],
    get: Callable[[Any, float], dict[str, Any]],
    cancel: Callable[[Any], None],
    deadline_s: float,
    clock: Callable[[], float],
) -> list[dict[str, Any]]:
    results: list[dict[str, Any]] = []
    try:
        for handle in handles:
            remaining = max(0.0, deadline_s - clock())
            results.append(get(handle, remaining))
    except TimeoutError:
        for handle in handles[len(results) :]:
            try:
                cancel(handle)
            except Exception:  # noqa: BLE001 - best effort
                pass
        raise SegmentsTimeout(f"{len(handles) - len(results)} of {len(handles)} chunks did not finish in time") from None
    except BaseException:
        for handle in handles[len(results) + 1 :]:
            try:
                cancel(handle)
            except Exception:  # noqa: BLE001
                pass
        raise
    return results
