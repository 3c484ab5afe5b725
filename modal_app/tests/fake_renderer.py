#!/usr/bin/env python3
"""Stand-in for the Node renderer CLI (same argv contract, see ethereal/renderer_cli.py), built on real
ffmpeg: frame i is a pure function of i (testsrc2), H.264 at constant QP with a closed GOP of fps/2, so a chunked
render concatenates to the same frames as a single one. Records each call (argv, env keys) to
$TMPDIR/fake_renderer_calls.jsonl for the tests. Prints the renderer's `progress {…}` lines and writes
--thumbnail (a frame of the output) like the real one."""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
from pathlib import Path

SIZES = {"preview-360p": (640, 360), "flat-1080p-landscape": (1920, 1080)}
CALLS = Path(os.environ.get("TMPDIR", "/tmp")) / "fake_renderer_calls.jsonl"


def ffprobe_duration(path: str) -> float:
    out = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", path], capture_output=True, text=True, check=True)
    return float(out.stdout.strip())


def encode_args(fps: int) -> list[str]:
    gop = max(1, fps // 2)
    return ["-c:v", "libx264", "-preset", "ultrafast", "-qp", "20", "-pix_fmt", "yuv420p", "-g", str(gop), "-keyint_min", str(gop), "-sc_threshold", "0", "-bf", "0", "-x264-params", "open-gop=0"]


def render(a: argparse.Namespace) -> None:
    if a.preset == "fail-me":
        print("boom: chromium crashed at frame 120", flush=True)
        sys.exit(2)
    w, h = SIZES[a.format]
    duration = ffprobe_duration(a.audio)
    if a.duration is not None:
        duration = min(duration, a.duration)
    total = math.ceil(duration * a.fps - 1e-9)
    start = a.start or 0
    end = min(a.end if a.end is not None else total, total)
    progress("starting", 0, 0)
    progress("rendering", 0, end - start, etaSec=1)
    progress("rendering", (end - start) // 2, end - start, etaSec=1)
    src = f"testsrc2=size={w}x{h}:rate={a.fps},trim=start_frame={start}:end_frame={end},setpts=PTS-STARTPTS"
    if a.start is None and a.end is None:
        cmd = ["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", src, "-i", a.audio, "-map", "0:v", "-map", "1:a", *encode_args(a.fps), "-c:a", "aac", "-t", f"{total / a.fps}", "-movflags", "+faststart", a.out]
    else:
        cmd = ["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", src, *encode_args(a.fps), "-output_ts_offset", f"{start / a.fps}", "-f", "mpegts", a.out]
    subprocess.run(cmd, check=True)
    progress("rendering", end - start, end - start, etaSec=0)
    print(f"rendered frames {start}..{end - 1}", flush=True)
    if a.start is None and a.end is None:
        progress("encoding", end - start, end - start)
        thumbnail(a)


def progress(stage: str, done: int, total: int, **extra) -> None:
    print("progress " + json.dumps({"stage": stage, "framesDone": done, "framesTotal": total, "fps": 1.0, **extra}), flush=True)


def thumbnail(a: argparse.Namespace) -> None:
    if a.thumbnail:
        subprocess.run(["ffmpeg", "-v", "error", "-y", "-ss", "1", "-i", a.out, "-frames:v", "1", a.thumbnail], check=True)


def concat(a: argparse.Namespace) -> None:
    cmd = ["ffmpeg", "-v", "error", "-y", "-i", "concat:" + "|".join(a.chunks), "-i", a.audio, "-map", "0:v", "-map", "1:a", "-c:v", "copy", "-c:a", "aac", "-shortest", "-movflags", "+faststart", a.out]
    subprocess.run(cmd, check=True)
    thumbnail(a)


def main() -> None:
    with CALLS.open("a") as fh:
        fh.write(json.dumps({"argv": sys.argv[1:], "env": sorted(os.environ)}) + "\n")
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("render")
    r.add_argument("--audio", required=True)
    r.add_argument("--preset", required=True)
    r.add_argument("--format", required=True)
    r.add_argument("--fps", type=int, required=True)
    r.add_argument("--quality", choices=["draft", "final"])
    r.add_argument("--from", dest="start", type=int)
    r.add_argument("--to", dest="end", type=int)
    r.add_argument("--duration", type=float)
    r.add_argument("--visual")
    g = r.add_mutually_exclusive_group(required=True)
    g.add_argument("--gpu", action="store_true")
    g.add_argument("--no-gpu", action="store_true")
    r.add_argument("--thumbnail")
    r.add_argument("--out", required=True)
    c = sub.add_parser("concat")
    c.add_argument("--audio", required=True)
    c.add_argument("--format", required=True)
    c.add_argument("--duration", type=float)
    c.add_argument("--thumbnail")
    c.add_argument("--out", required=True)
    c.add_argument("chunks", nargs="+")
    a = p.parse_args()
    render(a) if a.cmd == "render" else concat(a)


if __name__ == "__main__":
    main()
