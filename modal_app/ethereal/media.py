"""ffprobe helpers."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path


class MediaError(Exception):
    """ffprobe could not read the file."""


# Duration in seconds of a media file, from ffprobe's format section.
def probe_duration(path: Path, ffprobe: str = "ffprobe", timeout: float = 60.0) -> float:
    proc = subprocess.run(
        [ffprobe, "-v", "error", "-show_entries", "format=duration", "-of", "json", str(path)],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if proc.returncode != 0:
        raise MediaError(f"ffprobe could not read {path.name}: {proc.stderr.strip()[:300]}")
    try:
        duration = float(json.loads(proc.stdout)["format"]["duration"])
    except (KeyError, ValueError, TypeError, json.JSONDecodeError):
        raise MediaError(f"ffprobe reported no duration for {path.name}") from None
    if duration <= 0:
        raise MediaError(f"{path.name} has no duration")
    return duration
