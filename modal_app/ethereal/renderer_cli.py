"""The one place that knows how to invoke the Node renderer (services/renderer) in the container.

Contract assumed (services/renderer RenderOptions / concatChunks; align with its CLI as it lands):
  node <entry> render --audio A --preset P --format F --fps N [--from I] [--to J]
                      [--duration S] [--visual V.json] --gpu|--no-gpu --out FILE
    --from/--to: frame range [I, J) (no --to: to the last frame); a range writes a
    video-only MPEG-TS chunk with the same encoder settings as a full render.
  node <entry> concat --audio A --format F [--duration S] --out OUT.mp4 CHUNK1.ts CHUNK2.ts …
    joins the chunks with stream copy, muxes the audio once, writes +faststart and 360 metadata.
The child gets a scrubbed environment (no R2 keys, no tokens) plus hints it may use:
EFS_CHROMIUM_GL / EFS_CHROMIUM_FLAGS (the GL back-end the probe found) and EFS_VIDEO_ENCODER.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Mapping, Sequence

# Where app.py copies the built renderer bundle in the image.
RENDERER_ROOT = "/opt/efs/renderer"
RENDERER_ENTRY = f"{RENDERER_ROOT}/dist/cli.js"

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
) -> list[str]:
    argv = [node, entry, "render", "--audio", str(audio), "--preset", preset, "--format", fmt, "--fps", str(fps)]
    if start is not None:
        argv += ["--from", str(start)]
    if end is not None:
        argv += ["--to", str(end)]
    if duration_sec is not None:
        argv += ["--duration", f"{duration_sec:g}"]
    if visual_file is not None:
        argv += ["--visual", str(visual_file)]
    argv.append("--gpu" if gpu else "--no-gpu")
    return [*argv, "--out", str(out)]


# argv for joining segments (stream copy) and muxing the audio once into `out`.
def concat_argv(
    *, node: str, entry: str, audio: Path, fmt: str, out: Path, segments: Sequence[Path], duration_sec: float | None = None
) -> list[str]:
    argv = [node, entry, "concat", "--audio", str(audio), "--format", fmt]
    if duration_sec is not None:
        argv += ["--duration", f"{duration_sec:g}"]
    return [*argv, "--out", str(out), *map(str, segments)]


# The child environment: allow-listed variables only, plus the GL choice.
def child_env(parent: Mapping[str, str], gl_mode: str, gl_flags: Sequence[str], encoder: str | None = None) -> dict[str, str]:
    env = {k: v for k, v in parent.items() if k in ENV_ALLOWLIST}
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
