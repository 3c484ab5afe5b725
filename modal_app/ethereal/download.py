"""Streaming download of the source audio to disk (never whole in memory)."""

from __future__ import annotations

import urllib.error
import urllib.request
from pathlib import Path

MAX_AUDIO_BYTES = 2 * 1024**3
CHUNK_BYTES = 1024 * 1024


class DownloadError(Exception):
    """The audio could not be fetched; the message names the HTTP status or error class, never the URL's query."""


# Streams `url` into `dest` in 1 MiB chunks; DownloadError on HTTP errors, timeouts or oversize bodies.
def download_to_file(url: str, dest: Path, *, timeout: float = 60.0, max_bytes: int = MAX_AUDIO_BYTES) -> int:
    request = urllib.request.Request(url, headers={"User-Agent": "ethereal-modal/1"})
    written = 0
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response, dest.open("wb") as out:  # noqa: S310
            length = response.headers.get("Content-Length")
            if length and length.isdigit() and int(length) > max_bytes:
                raise DownloadError(f"audio is {int(length)} bytes, over the {max_bytes}-byte limit")
            while chunk := response.read(CHUNK_BYTES):
                written += len(chunk)
                if written > max_bytes:
                    raise DownloadError(f"audio is over the {max_bytes}-byte limit")
                out.write(chunk)
    except DownloadError:
        dest.unlink(missing_ok=True)
        raise
    except urllib.error.HTTPError as exc:
        dest.unlink(missing_ok=True)
        raise DownloadError(f"audio download answered HTTP {exc.code}; the signed URL may have expired") from None
    except (OSError, ValueError) as exc:
        dest.unlink(missing_ok=True)
        raise DownloadError(f"audio download failed ({exc.__class__.__name__})") from None
    if written == 0:
        dest.unlink(missing_ok=True)
        raise DownloadError("audio download was empty")
    return written

