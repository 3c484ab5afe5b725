"""GPU choice for a render and the video encoder that GPU allows."""

from __future__ import annotations

from .formats import RenderFormat

# Modal GPU type strings (PROVIDERS.md §5). Count suffixes (":2") are not useful for one
# Chromium process and are refused.
KNOWN_GPUS = ("T4", "L4", "A10", "L40S", "A100", "A100-80GB", "H100", "H200", "B200")

# GPUs with an NVENC block (RENDERING.md: A100/H100/H200 have none; B200 has none either).
NVENC_GPUS = frozenset({"T4", "L4", "A10", "L40S"})

# NVENC H.264 is limited to 4096x4096.
NVENC_H264_MAX_SIDE = 4096

# L40S: NVENC for everything up to 4K, strong graphics (rasterisation) throughput for 8K.
DEFAULT_GPU = "L40S"


# Canonical spelling of a GPU name ("l40s" -> "L40S"), or None when Modal has no such type.
def normalize_gpu(name: object) -> str | None:
    if not isinstance(name, str):
        return None
    upper = name.strip().upper()
    return upper if upper in KNOWN_GPUS else None


# The GPU a render runs on: the request's choice, else the default for GPU formats, else None (CPU).
def choose_gpu(fmt: RenderFormat, requested: str | None, default_gpu: str) -> str | None:
    if requested:
        return requested
    return default_gpu if fmt.gpu else None


# The ffmpeg H.264 encoder for this GPU and frame size: h264_nvenc where the GPU has NVENC
# and the frame fits its limit, else libx264 on the CPUs.
def choose_encoder(gpu: str | None, fmt: RenderFormat) -> str:
    fits = fmt.width <= NVENC_H264_MAX_SIDE and fmt.height <= NVENC_H264_MAX_SIDE
    return "h264_nvenc" if gpu in NVENC_GPUS and fits else "libx264"
