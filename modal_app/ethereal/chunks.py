"""Chunk planning: split a render's frames into contiguous ranges for parallel containers."""

from __future__ import annotations

import math
from dataclasses import dataclass

from .formats import RenderFormat

DEFAULT_MAX_CHUNKS = 16
# Below this a chunk costs more in container start-up than it saves.
MIN_CHUNK_SECONDS = 20.0


@dataclass(frozen=True)
class FrameRange:
    index: int
    start: int
    # Exclusive end; None for the last chunk, which runs to the renderer's own last frame.
    end: int | None


# Seconds of video one container should render, by frame size (bigger frames → shorter chunks).
def target_chunk_seconds(fmt: RenderFormat) -> float:
    pixels = fmt.width * fmt.height
    if pixels <= 2_100_000:  # up to 1080p
        return 180.0
    if pixels <= 9_000_000:  # 4K flat and 360 4K
        return 60.0
    return 20.0  # 8K mono / stereo


# Number of frames the renderer produces for `duration_s` at `fps` (the renderer's convention: ceil).
def total_frames(duration_s: float, fps: int) -> int:
    return max(1, math.ceil(duration_s * fps - 1e-6))


# The frame ranges for a render: one range when short, else N ranges (N ≤ max_chunks) whose
# starts are multiples of the GOP length so chunked output matches a single render.
def plan_chunks(duration_s: float, fps: int, fmt: RenderFormat, max_chunks: int = DEFAULT_MAX_CHUNKS) -> list[FrameRange]:
    if duration_s <= 0 or fps <= 0:
        raise ValueError("duration and fps must be positive")
    if max_chunks < 1:
        raise ValueError("max_chunks must be at least 1")
    frames = total_frames(duration_s, fps)
    gop = max(1, fps // 2)
    wanted = math.ceil(duration_s / target_chunk_seconds(fmt))
    by_min_length = max(1, int(duration_s // MIN_CHUNK_SECONDS))
    n = max(1, min(wanted, max_chunks, by_min_length))
    if n == 1:
        return [FrameRange(0, 0, None)]
    gops = math.ceil(frames / gop)
    starts = sorted({(gops * i // n) * gop for i in range(n)})
    return [
        FrameRange(i, start, starts[i + 1] if i + 1 < len(starts) else None) for i, start in enumerate(starts)
    ]
