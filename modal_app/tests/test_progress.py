"""Render progress: the renderer's progress lines, and chunked renders summed, checked against
contracts/modal-status.json (the same fixtures the TypeScript side reads)."""

from __future__ import annotations

import pytest
from conftest import load_contract
from ethereal.progress import aggregate, chunk_key, parse_progress_line, read_progress, valid_progress

CONTRACT = load_contract("modal-status.json")
RUNNING = [c for c in CONTRACT["valid"] if "progress" in c["body"]]


@pytest.mark.parametrize("case", RUNNING, ids=lambda c: c["name"])
def test_fixture_progress_is_valid_and_round_trips_through_a_renderer_line(case):
    progress = case["body"]["progress"]
    assert valid_progress(progress) == progress
    line = 'progress {"stage": "%s", "framesDone": %d, "framesTotal": %d, "fps": 2.5%s}' % (
        progress["stage"],
        progress["framesDone"],
        progress["framesTotal"],
        f', "etaSec": {progress["etaSec"]}' if "etaSec" in progress else "",
    )
    assert parse_progress_line(line) == progress


@pytest.mark.parametrize("case", CONTRACT["invalidProgress"], ids=lambda c: c["name"])
def test_malformed_progress_is_ignored(case):
    assert valid_progress(case["progress"]) is None


def test_other_output_lines_are_not_progress():
    assert parse_progress_line("analysis: 312 ms") is None
    assert parse_progress_line("progress not json") is None
    assert parse_progress_line('progress {"stage": "dancing", "framesDone": 1, "framesTotal": 2}') is None


@pytest.mark.parametrize("case", CONTRACT["chunked"], ids=lambda c: c["name"])
def test_chunked_renders_report_the_sum_of_their_chunks(case):
    assert aggregate(case["job"], case["chunks"]) == case["progress"]
    store = {"fc-X": case["job"], **{chunk_key("fc-X", i): c for i, c in enumerate(case["chunks"]) if c}}
    assert read_progress(store.get, "fc-X") == case["progress"]


def test_nothing_is_known_before_the_job_planned_its_chunks():
    assert read_progress({}.get, "fc-NEW") is None
