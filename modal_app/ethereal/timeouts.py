"""Timeout budget: each outer timeout strictly exceeds everything it waits for, so the job
function is always alive to send the failure webhook."""

from __future__ import annotations

import math

from .webhook import webhook_budget_seconds

# The renderer child process in one container (killed after this).
RENDER_TIMEOUT_S = 3 * 3600
# Audio download + WebGL probe + segment upload around it.
SEGMENT_IO_BUDGET_S = 30 * 60
# Modal timeout of the segment functions.
SEGMENT_FN_TIMEOUT_S = RENDER_TIMEOUT_S + SEGMENT_IO_BUDGET_S
# How long the job waits for all segments (their Modal timeout + time queued for a GPU).
SEGMENTS_DEADLINE_S = SEGMENT_FN_TIMEOUT_S + 30 * 60
# The renderer's concat child process.
CONCAT_TIMEOUT_S = 30 * 60
# Audio download/probe, segment downloads and final upload in the job function.
JOB_IO_BUDGET_S = 30 * 60
WEBHOOK_BUDGET_S = math.ceil(webhook_budget_seconds())
MARGIN_S = 5 * 60
# Modal timeout of the job (coordinator) function.
JOB_FN_TIMEOUT_S = SEGMENTS_DEADLINE_S + CONCAT_TIMEOUT_S + JOB_IO_BUDGET_S + WEBHOOK_BUDGET_S + MARGIN_S
# Modal's maximum function timeout (24 h).
MODAL_MAX_TIMEOUT_S = 24 * 3600
# Web endpoints answer well within Modal's 150 s request cap.
ENDPOINT_TIMEOUT_S = 60
