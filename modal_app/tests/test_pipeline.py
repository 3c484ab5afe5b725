"""A render job end to end with real parts: audio over HTTP, SeaweedFS as R2, ffmpeg, a webhook
receiver, and a stand-in renderer CLI (fake_renderer.py) speaking the renderer's argv contract."""

from __future__ import annotations

import concurrent.futures
import io
import json
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from ethereal import storage
from ethereal.chromium import GL_MODES, GlChoice
from ethereal.chunks import FrameRange
from ethereal.pipeline import SegmentsTimeout, chunk_frames, gather, render_segment, run_job, segment_key, thumbnail_key
from ethereal.progress import read_progress
from ethereal.process import run_process
from ethereal.runtime import build_runtime
from ethereal.submit import RenderRequest
from ethereal.webhook import send_webhook
from http_servers import file_server, webhook_server

FAKE = Path(__file__).with_name("fake_renderer.py")
TOKEN = "per-job-token-xyz"


@pytest.fixture(scope="module")
def audio(tmp_path_factory):
    path = tmp_path_factory.mktemp("audio") / "a.m4a"
    subprocess.run(["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "sine=frequency=440:duration=4", "-c:a", "aac", str(path)], check=True)
    server = file_server({"a.m4a": path})
    yield server.url + "/a.m4a?X-Amz-Signature=SIGVALUE"
    server.stop()


@pytest.fixture
def hook():
    server = webhook_server()
    yield server
    server.stop()


@pytest.fixture
def env(s3_server, tmp_path):
    return {**s3_server.env(), "PATH": "/usr/local/bin:/usr/bin:/bin", "TMPDIR": str(tmp_path), "EFS_RENDERER_ENTRY": str(FAKE), "MODAL_AUTH_TOKEN": "master-token"}


def runtime(env):
    rt = build_runtime(env, run=lambda argv, e, t, on_line: run_process(argv, e, t, io.StringIO(), on_line=on_line), node=sys.executable, render_timeout_s=120, concat_timeout_s=120)
    rt.choose_gl = lambda hardware: GlChoice("swiftshader", "SwiftShader (test)", GL_MODES["swiftshader"])
    return rt


def request(audio_url, hook, job_id, **kw):
    base = dict(job_id=job_id, preset="ethereal-flame", format="preview-360p", fps=30, audio_url=audio_url, output_key=f"renders/{job_id}/output.mp4", webhook_url=hook.url + "/api/webhooks/worker", webhook_token=TOKEN, gpu=None)
    return RenderRequest(**{**base, **kw})


def threads(req, rt, progress_key=None):
    pool = concurrent.futures.ThreadPoolExecutor(4)

    def run_segments(ranges):
        handles = [pool.submit(render_segment, req, r, req.gpu, rt, progress_key) for r in ranges]
        return gather(handles, get=lambda h, t: h.result(timeout=t), cancel=lambda h: h.cancel(), deadline_s=time.monotonic() + 120, clock=time.monotonic)

    return run_segments


def three_chunks(duration, fps, fmt, max_chunks):
    return [FrameRange(0, 0, 30), FrameRange(1, 30, 75), FrameRange(2, 75, None)]


def send(req):
    return lambda body: send_webhook(req.webhook_url, req.webhook_token, body, sleep=lambda _: None, attempts=2, timeout=10)


def fetch(s3_server, key, dest):
    cfg = storage.r2_config_from_env(s3_server.env())
    storage.download_file(storage.make_client(cfg), cfg.bucket, key, dest)
    return dest


def frame_hashes(path):
    out = subprocess.run(["ffmpeg", "-v", "error", "-i", str(path), "-map", "0:v", "-f", "framemd5", "-"], capture_output=True, text=True, check=True).stdout
    return [line.split(",")[-1].strip() for line in out.splitlines() if line and not line.startswith("#")]


def streams(path):
    out = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "stream=codec_type", "-of", "csv=p=0", str(path)], capture_output=True, text=True, check=True).stdout
    return sorted(out.split())


def calls(env):
    return [json.loads(line) for line in (Path(env["TMPDIR"]) / "fake_renderer_calls.jsonl").read_text().splitlines()]


class ProgressLog:
    """The shared progress store as a dict, keeping every value written (in order) per key."""

    def __init__(self):
        self.latest, self.history, self.lock = {}, [], threading.Lock()

    def put(self, key, value):
        with self.lock:
            self.latest[key] = value
            self.history.append((key, dict(value)))

    def stages(self, key):
        return [v["stage"] for k, v in self.history if k == key]


def test_single_render_uploads_the_mp4_and_reports_complete(audio, hook, env, s3_server, tmp_path):
    req = request(audio, hook, "job_single")
    rt = runtime(env)
    store = ProgressLog()
    rt.progress = store.put
    outcome = run_job(req, rt, threads(req, rt, "fc-SINGLE"), send(req), max_chunks=16, progress_key="fc-SINGLE")
    assert outcome["status"] == "complete", outcome
    assert outcome["webhookDelivered"] is True
    (posted,) = hook.requests
    body = json.loads(posted.body)
    assert posted.headers["authorization"] == f"Bearer {TOKEN}"
    assert body["jobId"] == "job_single" and body["status"] == "complete"
    assert body["result"]["videoKey"] == "renders/job_single/output.mp4" and body["result"]["format"] == "preview-360p"
    assert body["result"]["thumbnailKey"] == "renders/job_single/thumbnail.jpg"
    assert 3.9 <= body["result"]["durationSeconds"] <= 4.2
    thumb = fetch(s3_server, "renders/job_single/thumbnail.jpg", tmp_path / "t.jpg")
    assert thumb.read_bytes()[:2] == b"\xff\xd8"  # a JPEG
    # The chunk's reports went to <call id>:0 in order; the status endpoint would read the last.
    stages = store.stages("fc-SINGLE:0")
    assert stages[0] == "starting" and stages[-1] == "uploading" and "rendering" in stages
    assert store.latest["fc-SINGLE"] == {"stage": "starting", "chunkFrames": [120]}
    assert read_progress(store.latest.get, "fc-SINGLE") == {"stage": "uploading", "framesDone": 120, "framesTotal": 120}
    video = fetch(s3_server, "renders/job_single/output.mp4", tmp_path / "v.mp4")
    assert streams(video) == ["audio", "video"]
    (call,) = calls(env)
    assert call["argv"][0] == "render" and "--no-gpu" in call["argv"] and "--from" not in call["argv"]
    assert "--thumbnail" in call["argv"]
    assert not {"R2_SECRET_ACCESS_KEY", "R2_ACCESS_KEY_ID", "MODAL_AUTH_TOKEN"} & set(call["env"])
    assert not any(TOKEN in a or "master-token" in a or s3_server.secret_access_key in a for a in call["argv"])


def test_chunked_render_matches_the_single_render_frame_for_frame_and_cleans_up(audio, hook, env, s3_server, tmp_path):
    req_one = request(audio, hook, "job_one")
    rt = runtime(env)
    assert run_job(req_one, rt, threads(req_one, rt), send(req_one), max_chunks=16)["status"] == "complete"
    req = request(audio, hook, "job_chunked")
    store = ProgressLog()
    rt.progress = store.put
    outcome = run_job(req, rt, threads(req, rt, "fc-CHUNKED"), send(req), max_chunks=16, plan=three_chunks, progress_key="fc-CHUNKED")
    assert outcome["status"] == "complete", outcome
    # Each chunk reported under its own key; the job entry planned 30 + 45 + 45 frames and
    # moved to encoding (concat) then uploading; the summed view ends with every frame done.
    assert [store.stages(f"fc-CHUNKED:{i}")[-1] for i in range(3)] == ["uploading"] * 3
    assert store.stages("fc-CHUNKED") == ["starting", "encoding", "uploading"]
    assert store.latest["fc-CHUNKED"]["chunkFrames"] == [30, 45, 45]
    assert read_progress(store.latest.get, "fc-CHUNKED") == {"stage": "uploading", "framesDone": 120, "framesTotal": 120}
    single = fetch(s3_server, "renders/job_one/output.mp4", tmp_path / "one.mp4")
    chunked = fetch(s3_server, "renders/job_chunked/output.mp4", tmp_path / "chunked.mp4")
    assert len(frame_hashes(single)) == 120
    assert frame_hashes(chunked) == frame_hashes(single)
    assert streams(chunked) == ["audio", "video"]
    renders = [c["argv"] for c in calls(env) if c["argv"][0] == "render"][1:]
    ranges = sorted((a[a.index("--from") + 1], a[a.index("--to") + 1] if "--to" in a else None) for a in renders)
    assert ranges == [("0", "30"), ("30", "75"), ("75", None)]
    assert [c["argv"][0] for c in calls(env)][-1] == "concat"
    cfg = storage.r2_config_from_env(s3_server.env())
    listed = storage.make_client(cfg).list_objects_v2(Bucket=cfg.bucket, Prefix="renders/job_chunked/")
    assert [o["Key"] for o in listed["Contents"]] == ["renders/job_chunked/output.mp4", "renders/job_chunked/thumbnail.jpg"]
    assert json.loads(hook.requests[-1].body)["result"]["videoKey"] == "renders/job_chunked/output.mp4"
    assert json.loads(hook.requests[-1].body)["result"]["thumbnailKey"] == "renders/job_chunked/thumbnail.jpg"


def test_renderer_failure_reports_failed_with_its_reason_and_uploads_nothing(audio, hook, env, s3_server):
    req = request(audio, hook, "job_fail", preset="fail-me")
    rt = runtime(env)
    outcome = run_job(req, rt, threads(req, rt), send(req), max_chunks=16)
    assert outcome["status"] == "failed" and "chromium crashed at frame 120" in outcome["error"]
    body = json.loads(hook.requests[-1].body)
    assert body["status"] == "failed" and "status 2" in body["error"]
    cfg = storage.r2_config_from_env(s3_server.env())
    assert storage.make_client(cfg).list_objects_v2(Bucket=cfg.bucket, Prefix="renders/job_fail/").get("KeyCount", 0) == 0


def test_unreachable_audio_reports_failed_with_the_http_status(audio, hook, env):
    req = request(audio.replace("a.m4a", "gone.m4a"), hook, "job_404")
    rt = runtime(env)
    outcome = run_job(req, rt, threads(req, rt), send(req), max_chunks=16)
    assert outcome["status"] == "failed" and "HTTP 404" in outcome["error"]
    assert json.loads(hook.requests[-1].body) == {"jobId": "job_404", "status": "failed", "error": outcome["error"]}
    assert "SIGVALUE" not in outcome["error"]


def test_crash_inside_a_chunk_is_reported_without_internals(audio, hook, env):
    req = request(audio, hook, "job_crash")
    rt = runtime(env)

    def boom(ranges):
        raise KeyError("internal detail")

    outcome = run_job(req, rt, boom, send(req), max_chunks=16)
    assert outcome == {"status": "failed", "error": "render crashed (KeyError)", "webhookDelivered": True}


def test_webhook_that_never_answers_still_returns_the_outcome(audio, env):
    dead = webhook_server([503] * 10)
    try:
        req = request(audio, dead, "job_nohook", preset="fail-me")
        rt = runtime(env)
        outcome = run_job(req, rt, threads(req, rt), send(req), max_chunks=16)
    finally:
        dead.stop()
    assert outcome["status"] == "failed" and outcome["webhookDelivered"] is False


def test_gather_cancels_the_rest_when_the_deadline_passes():
    done = threading.Event()
    pool = concurrent.futures.ThreadPoolExecutor(1)
    fast = pool.submit(lambda: {"index": 0})
    slow = pool.submit(done.wait, 30)
    queued = pool.submit(lambda: {"index": 2})
    cancelled = []
    try:
        with pytest.raises(SegmentsTimeout, match="2 of 3"):
            gather([fast, slow, queued], get=lambda h, t: h.result(timeout=t), cancel=lambda h: cancelled.append(h) or h.cancel(), deadline_s=time.monotonic() + 0.5, clock=time.monotonic)
        assert cancelled == [slow, queued]
    finally:
        done.set()
        pool.shutdown()


def test_segment_and_thumbnail_keys_sit_next_to_the_output():
    assert segment_key("renders/j/output.mp4", 3) == "renders/j/output.parts/0003.ts"
    assert thumbnail_key("renders/j/output.mp4") == "renders/j/thumbnail.jpg"


def test_chunk_frames_count_each_range_the_last_to_the_end():
    assert chunk_frames([FrameRange(0, 0, 30), FrameRange(1, 30, 75), FrameRange(2, 75, None)], 120) == [30, 45, 45]
    assert chunk_frames([FrameRange(0, 0, None)], 7) == [7]


def test_real_renderer_cli_renders_two_chunks_and_concatenates_through_the_pipeline(hook, s3_server, tmp_path):
    """The actual services/renderer CLI (tsx, Debian Chromium with SwiftShader, ffmpeg) driven
    with the argv renderer_cli builds: 1 s of audio as two chunks, then concat."""
    repo = Path(__file__).resolve().parents[2]
    tsx = repo / "node_modules/.bin/tsx"
    assert tsx.exists(), "run `npm ci` first: the renderer CLI runs through tsx"
    src = tmp_path / "a.m4a"
    subprocess.run(["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "sine=frequency=220:duration=1", "-c:a", "aac", str(src)], check=True)
    server = file_server({"a.m4a": src})
    try:
        import os

        env = {**s3_server.env(), "PATH": os.environ["PATH"], "HOME": str(tmp_path), "TMPDIR": str(tmp_path), "EFS_RENDERER_NODE": str(tsx), "EFS_RENDERER_ENTRY": str(repo / "services/renderer/src/cli.ts")}
        rt = build_runtime(env, run=lambda argv, e, t, on_line: run_process(argv, e, t, io.StringIO(), on_line=on_line), render_timeout_s=300, concat_timeout_s=120)
        req = request(server.url + "/a.m4a", hook, "job_real")
        halves = lambda d, fps, fmt, n: [FrameRange(0, 0, 15), FrameRange(1, 15, None)]  # noqa: E731
        outcome = run_job(req, rt, threads(req, rt), send(req), max_chunks=16, plan=halves)
    finally:
        server.stop()
    assert outcome["status"] == "complete", outcome
    video = fetch(s3_server, "renders/job_real/output.mp4", tmp_path / "real.mp4")
    assert streams(video) == ["audio", "video"]
    assert 30 <= len(frame_hashes(video)) <= 32  # AAC priming can add a frame; the last chunk runs to the end
    result = json.loads(hook.requests[-1].body)["result"]
    assert result["format"] == "preview-360p" and result["thumbnailKey"] == "renders/job_real/thumbnail.jpg"
    thumb = fetch(s3_server, "renders/job_real/thumbnail.jpg", tmp_path / "real.jpg")
    assert thumb.read_bytes()[:2] == b"\xff\xd8"
