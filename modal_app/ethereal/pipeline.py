"""A render job end to end: fetch audio, plan chunks, render (one or many containers), concat,
upload, and always report to the webhook. Modal-free: app.py injects the containers."""

from __future__ import annotations

import logging
import math
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
from .progress import Put, chunk_key, parse_progress_line
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


# (argv, env, timeout s, on_line) → None; raises ProcessError. on_line sees each output line.
Runner = Callable[[Sequence[str], Mapping[str, str], float, Callable[[str], None] | None], None]


def _no_progress(key: str, value: dict[str, Any]) -> None:
    pass


@dataclass
class Runtime:
    storage: Storage
    run: Runner  # process runner
    choose_gl: Callable[[bool], GlChoice]  # want_hardware → choice
    env: Mapping[str, str]
    render_timeout_s: float
    concat_timeout_s: float
    node: str = renderer_cli.RENDERER_NODE
    workdir: Path | None = None
    progress: Put = _no_progress  # shared progress store (ethereal/progress.py); a modal.Dict on Modal


# Storage key of chunk `index`'s segment, next to the final output.
def segment_key(output_key: str, index: int) -> str:
    stem = output_key[: -len(".mp4")] if output_key.endswith(".mp4") else output_key
    return f"{stem}.parts/{index:04d}.ts"


# Storage key of the render's thumbnail, next to the video: renders/<job>/thumbnail.jpg.
def thumbnail_key(output_key: str) -> str:
    head, sep, _ = output_key.rpartition("/")
    return f"{head}{sep}thumbnail.jpg"


def _fetch_audio(url: str, directory: Path) -> Path:
    audio = directory / "audio"
    try:
        download_to_file(url, audio)
    except DownloadError as exc:
        raise RenderError(str(exc)) from None
    return audio


# One container's work: render frames `rng` (None: the whole track as the final MP4, with its
# thumbnail) and upload it; its progress goes to `<progress_key>:<chunk index>` when a key is given.
# Returns {"key", "index", "durationSeconds"?, "thumbnailKey"?}. Raises RenderError.
def render_segment(
    request: RenderRequest, rng: FrameRange | None, gpu: str | None, rt: Runtime, progress_key: str | None = None
) -> dict[str, Any]:
    fmt = RENDER_FORMATS[request.format]
    last: dict[str, Any] = {"stage": "starting", "framesDone": 0, "framesTotal": 0}

    def report(value: dict[str, Any]) -> None:
        last.clear()
        last.update(value)
        if progress_key is not None:
            try:
                rt.progress(chunk_key(progress_key, 0 if rng is None else rng.index), value)
            except Exception as exc:  # noqa: BLE001 - progress never fails a render
                log.warning("could not store progress (%s)", exc.__class__.__name__)

    def on_line(line: str) -> None:
        progress = parse_progress_line(line)
        if progress is not None:
            report(progress)

    with tempfile.TemporaryDirectory(prefix="efs-seg-", dir=rt.workdir) as tmp:
        work = Path(tmp)
        audio = _fetch_audio(request.audio_url, work)
        gl = rt.choose_gl(gpu is not None)
        encoder = choose_encoder(gpu, fmt)
        log.info("job %s: %s on %s, WebGL %s (%s), encoder %s", request.job_id, "whole" if rng is None else f"frames {rng.start}..{rng.end}", gpu or "CPU", gl.mode, gl.renderer, encoder)
        out = work / ("output.mp4" if rng is None else f"{rng.index:04d}.ts")
        thumb = work / "thumbnail.jpg" if rng is None else None
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
            thumbnail=thumb,
        )
        report({"stage": "starting", "framesDone": 0, "framesTotal": 0})
        try:
            rt.run(argv, renderer_cli.child_env(rt.env, gl.mode, gl.flags, encoder), rt.render_timeout_s, on_line)
        except ProcessError as exc:
            raise RenderError(str(exc)) from None
        if not out.is_file() or out.stat().st_size == 0:
            raise RenderError("renderer finished without writing its output file")
        frames = int(last.get("framesTotal", 0))
        report({"stage": "uploading", "framesDone": frames, "framesTotal": frames})
        if rng is None:
            duration = _probe(out)
            rt.storage.upload(out, request.output_key, "video/mp4")
            done: dict[str, Any] = {"key": request.output_key, "index": 0, "durationSeconds": duration}
            if thumb is not None and thumb.is_file():
                rt.storage.upload(thumb, thumbnail_key(request.output_key), "image/jpeg")
                done["thumbnailKey"] = thumbnail_key(request.output_key)
            return done
        key = segment_key(request.output_key, rng.index)
        rt.storage.upload(out, key, "video/mp2t")
        return {"key": key, "index": rng.index}


def _probe(path: Path) -> float:
    try:
        return probe_duration(path)
    except MediaError as exc:
        raise RenderError(str(exc)) from None


# Joins uploaded segments into the final MP4 (stream copy, audio muxed once) and uploads it with
# its thumbnail. Returns (video seconds, thumbnail key or None). `stage` reports encoding/uploading.
def concat_segments(
    request: RenderRequest,
    segments: list[dict[str, Any]],
    audio: Path,
    rt: Runtime,
    work: Path,
    stage: Callable[[str], None] = lambda _: None,
) -> tuple[float, str | None]:
    ordered = sorted(segments, key=lambda s: s["index"])
    local: list[Path] = []
    for seg in ordered:
        path = work / f"{seg['index']:04d}.ts"
        rt.storage.download(seg["key"], path)
        local.append(path)
    out = work / "output.mp4"
    thumb = work / "thumbnail.jpg"
    argv = renderer_cli.concat_argv(
        node=rt.node,
        entry=renderer_cli.renderer_entry(rt.env),
        audio=audio,
        fmt=request.format,
        out=out,
        segments=local,
        duration_sec=request.duration_sec,
        thumbnail=thumb,
    )
    stage("encoding")
    try:
        rt.run(argv, renderer_cli.child_env(rt.env, "none", ()), rt.concat_timeout_s, None)
    except ProcessError as exc:
        raise RenderError(str(exc)) from None
    if not out.is_file() or out.stat().st_size == 0:
        raise RenderError("concat finished without writing the output file")
    duration = _probe(out)
    stage("uploading")
    rt.storage.upload(out, request.output_key, "video/mp4")
    thumbnail: str | None = None
    if thumb.is_file():
        thumbnail = thumbnail_key(request.output_key)
        rt.storage.upload(thumb, thumbnail, "image/jpeg")
    try:
        rt.storage.delete([s["key"] for s in ordered])
    except Exception as exc:  # noqa: BLE001 - leftover parts are harmless
        log.warning("could not delete chunk segments (%s)", exc.__class__.__name__)
    return duration, thumbnail


# Frames each planned chunk renders (the last range runs to the end of `total`).
def chunk_frames(ranges: Sequence[FrameRange], total: int) -> list[int]:
    return [max(0, (total if r.end is None else min(r.end, total)) - r.start) for r in ranges]


# The whole job; never raises. `run_segments(args)` runs render_segment for each (rng,) in parallel
# containers and returns their results in order; `send_webhook(body)` reports (retries inside).
# With `progress_key` (render_job's call id) the job's and chunks' progress go to rt.progress.
def run_job(
    request: RenderRequest,
    rt: Runtime,
    run_segments: Callable[[list[FrameRange | None]], list[dict[str, Any]]],
    send_webhook: Callable[[dict[str, Any]], bool],
    max_chunks: int,
    plan: Callable[..., list[FrameRange]] = plan_chunks,
    progress_key: str | None = None,
) -> dict[str, Any]:
    job_entry: dict[str, Any] = {"stage": "starting", "chunkFrames": []}

    def job_stage(stage: str) -> None:
        job_entry["stage"] = stage
        if progress_key is not None:
            try:
                rt.progress(progress_key, dict(job_entry))
            except Exception as exc:  # noqa: BLE001 - progress never fails a render
                log.warning("could not store progress (%s)", exc.__class__.__name__)

    try:
        with tempfile.TemporaryDirectory(prefix="efs-job-", dir=rt.workdir) as tmp:
            work = Path(tmp)
            audio = _fetch_audio(request.audio_url, work)
            duration = _probe(audio)
            if request.duration_sec is not None:
                duration = min(duration, request.duration_sec)
            ranges = plan(duration, request.fps, RENDER_FORMATS[request.format], max_chunks)
            log.info("job %s: %.1fs of %s at %d fps in %d chunk(s)", request.job_id, duration, request.format, request.fps, len(ranges))
            total = math.ceil(duration * request.fps - 1e-9)
            job_entry["chunkFrames"] = chunk_frames(ranges, total) if len(ranges) > 1 else [total]
            job_stage("starting")
            if len(ranges) == 1:
                results = run_segments([None])
                video_seconds = float(results[0]["durationSeconds"])
                thumbnail = results[0].get("thumbnailKey")
            else:
                results = run_segments(list(ranges))
                video_seconds, thumbnail = concat_segments(request, results, audio, rt, work, job_stage)
        body = complete_body(request.job_id, request.output_key, request.format, video_seconds, thumbnail)
        outcome: dict[str, Any] = {"status": "complete", "result": body["result"]}
    except RenderError as exc:
        outcome = {"status": "failed", "error": str(exc)}
    except Exception as exc:  # noqa: BLE001 - anything else still reports, without internals
        log.error("job %s crashed:\n%s", request.job_id, traceback.format_exc())
        outcome = {"status": "failed", "error": f"render crashed ({exc.__class__.__name__})"}
    if outcome["status"] == "complete":
        delivered = send_webhook({"jobId": request.job_id, "status": "complete", "result": outcome["result"]})
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
