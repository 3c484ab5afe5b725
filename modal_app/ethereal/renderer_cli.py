"""The one place that knows how to invoke the Node renderer (services/renderer) in the container.

Contract (services/renderer/src/cli.ts), run as `tsx <entry> …`:
  <entry> render --audio A --preset P --format F --fps N [--quality draft|final] [--from I]
                      [--to J] [--duration S] [--visual V.json] --gpu|--no-gpu [--thumbnail T.jpg]
                      --out FILE
    --from/--to: frame range [I, J) (no --to: to the last frame); a range writes a
    video-only MPEG-TS chunk with the same encoder settings as a full render.
  <entry> concat --audio A --format F [--duration S] [--thumbnail T.jpg] --out OUT.mp4 CHUNK1.ts …
    joins the chunks with stream copy, muxes the audio once, writes +faststart and 360 metadata.
  --thumbnail writes a JPEG of a representative frame of the final video.
  Both print `progress {"stage","framesDone","framesTotal","fps","etaSec"}` lines (ethereal/progress.py).
The child gets a scrubbed environment (no R2 keys, no tokens) plus EFS_CHROMIUM_FLAGS (JSON array:
the GL flags the WebGL probe chose, replacing the renderer's defaults), EFS_CHROMIUM_GL (the mode's
name, for logs) and EFS_VIDEO_ENCODER (h264_nvenc where the GPU has NVENC and the frame fits).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Mapping, Sequence

# Where app.py puts the renderer workspaces and their npm packages in the image; the CLI runs
# from source through tsx.
RENDERER_ROOT = "/opt/efs/app"
RENDERER_ENTRY = f"{RENDERER_ROOT}/services/renderer/src/cli.ts"
RENDERER_NODE = f"{RENDERER_ROOT}/node_modules/.bin/tsx"

# Environment variables the renderer may see (no R2 keys, no auth tokens).
ENV_ALLOWLIST = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "NVIDIA_DRIVER_CAPABILITIES", "NVIDIA_VISIBLE_DEVICES", "LD_LIBRARY_PATH", "VK_ICD_FILENAMES", "__EGL_VENDOR_LIBRARY_DIRS", "EFS_CHROMIUM_PATH")


# argv for rendering frames [start, end) (end None: to the last frame) into `out`.
def render_argv(
    *,
    node: str,
    entry: str,
    audio: Path,
    preset: str,
    fmt: str,
    fps: int,
    out: Path,
    gpu: bool,
    start: int | None = None,
    end: int | None = None,
    duration_sec: float | None = None,
    visual_file: Path | None = None,
    quality: str | None = None,
    thumbnail: Path | None = None,
) -> list[str]:
    argv = [node, entry, "render", "--audio", str(audio), "--preset", preset, "--format", fmt, "--fps", str(fps)]
    if quality is not None:
        argv += ["--quality", quality]
    if start is not None:
        argv += ["--from", str(start)]
    if end is not None:
        argv += ["--to", str(end)]
    if duration_sec is not None:
        argv += ["--duration", f"{duration_sec:g}"]
    if visual_file is not None:
        argv += ["--visual", str(visual_file)]
    argv.append("--gpu" if gpu else "--no-gpu")
    if thumbnail is not None:
        argv += ["--thumbnail", str(thumbnail)]
    return [*argv, "--out", str(out)]


# argv for joining segments (stream copy) and muxing the audio once into `out`.
def concat_argv(
    *,
    node: str,
    entry: str,
    audio: Path,
    fmt: str,
    out: Path,
    segments: Sequence[Path],
    duration_sec: float | None = None,
    thumbnail: Path | None = None,
) -> list[str]:
    argv = [node, entry, "concat", "--audio", str(audio), "--format", fmt]
    if duration_sec is not None:
        argv += ["--duration", f"{duration_sec:g}"]
    if thumbnail is not None:
        argv += ["--thumbnail", str(thumbnail)]
    return [*argv, "--out", str(out), *map(str, segments)]


# The child environment: allow-listed variables only, plus the GL choice.
def child_env(parent: Mapping[str, str], gl_mode: str, gl_flags: Sequence[str], encoder: str | None = None) -> dict[str, str]:
    env = {k: v for k, v in parent.items() if k in ENV_ALLOWLIST}
    if gl_flags:
        env["EFS_CHROMIUM_GL"] = gl_mode
        env["EFS_CHROMIUM_FLAGS"] = json.dumps(list(gl_flags))
    if encoder:
        env["EFS_VIDEO_ENCODER"] = encoder
    return env


# Writes the visual overrides to a JSON file for --visual (None when there are none).
def write_visual(visual: dict, directory: Path) -> Path | None:
    if not visual:
        return None
    path = directory / "visual.json"
    path.write_text(json.dumps(visual))
    return path


# The renderer entry: $EFS_RENDERER_ENTRY when set (local runs, tests), else the image path.
def renderer_entry(env: Mapping[str, str] = os.environ) -> str:
    return env.get("EFS_RENDERER_ENTRY") or RENDERER_ENTRY


# The program that runs the entry: $EFS_RENDERER_NODE when set, else the image's tsx.
def renderer_node(env: Mapping[str, str] = os.environ) -> str:
    return env.get("EFS_RENDERER_NODE") or RENDERER_NODE
