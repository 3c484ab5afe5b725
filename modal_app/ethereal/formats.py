"""Render formats: mirror of services/core/src/formats.ts (a test checks they match)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RenderFormat:
    name: str
    width: int
    height: int
    projection: str
    stereo: str
    gpu: bool


def _f(name: str, width: int, height: int, projection: str, stereo: str, gpu: bool) -> RenderFormat:
    return RenderFormat(name, width, height, projection, stereo, gpu)


RENDER_FORMATS: dict[str, RenderFormat] = {
    f.name: f
    for f in (
        _f("preview-360p", 640, 360, "flat", "mono", False),
        _f("flat-1080p-landscape", 1920, 1080, "flat", "mono", False),
        _f("flat-1080p-portrait", 1080, 1920, "flat", "mono", False),
        _f("flat-1080p-square", 1080, 1080, "flat", "mono", False),
        _f("flat-4k-landscape", 3840, 2160, "flat", "mono", True),
        _f("flat-4k-portrait", 2160, 3840, "flat", "mono", True),
        _f("360-mono-4k", 4096, 2048, "equirect", "mono", True),
        _f("360-mono-8k", 7680, 3840, "equirect", "mono", True),
        _f("360-stereo-8k", 5760, 5760, "equirect", "top-bottom", True),
    )
}

RENDER_FPS = (30, 60)


# The format named `name`, or None when it is not a known render format.
def get_format(name: object) -> RenderFormat | None:
    return RENDER_FORMATS.get(name) if isinstance(name, str) else None
