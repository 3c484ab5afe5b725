"""Render progress for the status endpoint (contracts/modal-status.json, `progress` of a running call).

The renderer CLI prints `progress {"stage","framesDone","framesTotal","fps","etaSec"}` lines; each
chunk container stores its latest one under `<call id>:<chunk index>` and render_job stores the job's
own entry (chunk count, planned frames, and its stage once it concatenates or uploads) under
`<call id>`, in a key-value store shared by the containers (a modal.Dict in app.py, a dict in tests).
The status endpoint sums the chunks: frames done/total added up, the stage of the furthest-behind
chunk, the ETA of the slowest one."""

from __future__ import annotations

import json
from typing import Any, Callable, Mapping

STAGES = ("starting", "rendering", "encoding", "uploading")
LINE_PREFIX = "progress "

# (key, value) → None: stores an entry; (key) → value or None: reads one.
Put = Callable[[str, dict[str, Any]], None]
Get = Callable[[str], Any]


def chunk_key(call_id: str, index: int) -> str:
    return f"{call_id}:{index}"


# One renderer progress line as {stage, framesDone, framesTotal, etaSec?}; None for any other line.
def parse_progress_line(line: str) -> dict[str, Any] | None:
    if not line.startswith(LINE_PREFIX):
        return None
    try:
        raw = json.loads(line[len(LINE_PREFIX) :])
    except ValueError:
        return None
    return valid_progress(raw)


# A well-formed progress object (the contract's shape), or None.
def valid_progress(raw: Any) -> dict[str, Any] | None:
    if not isinstance(raw, Mapping) or raw.get("stage") not in STAGES:
        return None
    done, total = raw.get("framesDone"), raw.get("framesTotal")
    if not all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in (done, total)) or done > total:
        return None
    out: dict[str, Any] = {"stage": raw["stage"], "framesDone": done, "framesTotal": total}
    eta = raw.get("etaSec")
    if isinstance(eta, (int, float)) and not isinstance(eta, bool) and eta >= 0:
        out["etaSec"] = eta
    return out


# The job's progress from its own entry and its chunks' latest reports (None: nothing known yet).
def aggregate(job: Mapping[str, Any] | None, chunks: list[Mapping[str, Any] | None]) -> dict[str, Any] | None:
    if not job:
        return None
    planned = [int(n) for n in job.get("chunkFrames", [])]
    reports = [valid_progress(c) if c else None for c in chunks]
    done = sum(min(r["framesDone"], planned[i]) if r and i < len(planned) else 0 for i, r in enumerate(reports))
    total = sum(planned)
    own = job.get("stage")
    if own in ("encoding", "uploading"):  # every chunk finished; render_job joins or uploads
        return {"stage": own, "framesDone": total, "framesTotal": total}
    stages = [r["stage"] if r else "starting" for r in reports] or ["starting"]
    behind = min(stages, key=STAGES.index)
    out: dict[str, Any] = {"stage": behind, "framesDone": done, "framesTotal": total}
    rendering = [r for r in reports if r and r["stage"] == "rendering"]
    if behind == "rendering" and rendering and all("etaSec" in r for r in rendering):
        out["etaSec"] = max(r["etaSec"] for r in rendering)
    return out


# The status endpoint's progress for `call_id`, read from the shared store.
def read_progress(get: Get, call_id: str) -> dict[str, Any] | None:
    job = get(call_id)
    if not isinstance(job, Mapping):
        return None
    count = len(job.get("chunkFrames", []))
    return aggregate(job, [get(chunk_key(call_id, i)) for i in range(count)])
