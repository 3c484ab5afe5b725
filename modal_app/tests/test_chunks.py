"""Chunk planning: contiguous, GOP-aligned, capped ranges that cover every frame."""

from __future__ import annotations

import pytest
from ethereal.chunks import FrameRange, plan_chunks, total_frames
from ethereal.formats import RENDER_FORMATS

FLAT = RENDER_FORMATS["flat-1080p-landscape"]
K4 = RENDER_FORMATS["flat-4k-landscape"]
K8 = RENDER_FORMATS["360-mono-8k"]


def covered(ranges, frames):
    out = []
    for r in ranges:
        out.extend(range(r.start, r.end if r.end is not None else frames))
    return out


def test_short_render_is_one_open_ended_range():
    assert plan_chunks(30, 30, FLAT) == [FrameRange(0, 0, None)]
    assert plan_chunks(15, 30, K8) == [FrameRange(0, 0, None)]


@pytest.mark.parametrize(("fmt", "seconds", "fps"), [(FLAT, 600, 30), (K4, 300, 60), (K8, 200, 30), (K8, 3600, 60), (K4, 61, 30)])
def test_ranges_are_contiguous_cover_every_frame_once_and_start_on_gop_boundaries(fmt, seconds, fps):
    ranges = plan_chunks(seconds, fps, fmt)
    frames = total_frames(seconds, fps)
    assert covered(ranges, frames) == list(range(frames))
    assert [r.index for r in ranges] == list(range(len(ranges)))
    assert all(r.start % (fps // 2) == 0 for r in ranges)
    assert ranges[-1].end is None
    assert all(a.end == b.start for a, b in zip(ranges, ranges[1:]))


def test_bigger_frames_get_more_chunks_for_the_same_duration():
    assert len(plan_chunks(300, 30, FLAT)) < len(plan_chunks(300, 30, K4)) < len(plan_chunks(300, 30, K8))


def test_chunk_count_is_capped():
    assert len(plan_chunks(3600, 60, K8)) == 16
    assert len(plan_chunks(3600, 60, K8, max_chunks=4)) == 4
    assert len(plan_chunks(3600, 60, K8, max_chunks=1)) == 1


def test_chunks_are_never_shorter_than_the_minimum():
    # 8K wants 20 s chunks; 45 s gives 2 chunks, not 3.
    assert len(plan_chunks(45, 30, K8)) == 2


def test_total_frames_rounds_up_partial_frames():
    assert total_frames(10.0, 30) == 300
    assert total_frames(10.01, 30) == 301
    assert total_frames(0.001, 30) == 1


def test_bad_inputs_raise():
    with pytest.raises(ValueError):
        plan_chunks(0, 30, FLAT)
    with pytest.raises(ValueError):
        plan_chunks(10, 30, FLAT, max_chunks=0)
