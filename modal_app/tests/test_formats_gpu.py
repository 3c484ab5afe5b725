"""Format table parity with services/core/src/formats.ts, GPU and encoder choice."""

from __future__ import annotations

import re

from conftest import REPO_ROOT
from ethereal.formats import RENDER_FORMATS, RENDER_FPS
from ethereal.gpu import DEFAULT_GPU, NVENC_GPUS, choose_encoder, choose_gpu, normalize_gpu

TS = (REPO_ROOT / "services/core/src/formats.ts").read_text()


def ts_formats():
    out = {}
    for m in re.finditer(r'"([a-z0-9-]+)":\s*f\(\{(.*?)\}\)', TS, re.S):
        body = m.group(2)
        field = lambda k: re.search(rf"\b{k}:\s*([^,\n]+)", body).group(1).strip().strip('"')  # noqa: E731
        out[m.group(1)] = {
            "width": int(field("width").replace("_", "")),
            "height": int(field("height").replace("_", "")),
            "projection": field("projection"),
            "stereo": field("stereo"),
            "gpu": field("gpu") == "true",
        }
    return out


def test_python_formats_match_the_typescript_table():
    ts = ts_formats()
    assert len(ts) >= 9, "could not parse formats.ts"
    py = {n: {"width": f.width, "height": f.height, "projection": f.projection, "stereo": f.stereo, "gpu": f.gpu} for n, f in RENDER_FORMATS.items()}
    assert py == ts


def test_fps_match_the_typescript_list():
    m = re.search(r"RENDER_FPS = \[([^\]]*)\]", TS)
    assert tuple(int(x) for x in m.group(1).split(",")) == RENDER_FPS


def test_360_and_4k_formats_use_a_gpu_by_default_and_1080p_does_not():
    for name, fmt in RENDER_FORMATS.items():
        expected = DEFAULT_GPU if ("4k" in name or "8k" in name) else None
        assert choose_gpu(fmt, None, DEFAULT_GPU) == expected, name


def test_a_requested_gpu_wins_even_for_cpu_formats():
    assert choose_gpu(RENDER_FORMATS["preview-360p"], "T4", DEFAULT_GPU) == "T4"


def test_default_gpu_has_nvenc():
    assert DEFAULT_GPU in NVENC_GPUS


def test_encoder_uses_nvenc_only_where_the_gpu_has_it_and_the_frame_fits():
    k4 = RENDER_FORMATS["flat-4k-landscape"]
    assert choose_encoder("L4", k4) == "h264_nvenc"
    assert choose_encoder("L40S", RENDER_FORMATS["360-mono-4k"]) == "h264_nvenc"
    for gpu in ("A100", "A100-80GB", "H100", "H200"):
        assert choose_encoder(gpu, k4) == "libx264"
    assert choose_encoder("L40S", RENDER_FORMATS["360-mono-8k"]) == "libx264"
    assert choose_encoder(None, RENDER_FORMATS["flat-1080p-landscape"]) == "libx264"


def test_gpu_names_are_normalized_or_refused():
    assert normalize_gpu(" l40s ") == "L40S"
    assert normalize_gpu("a100-80gb") == "A100-80GB"
    assert normalize_gpu("L4:2") is None
    assert normalize_gpu(4) is None
