"""Running the renderer as a child process: output streamed to our log, tail kept for errors, hard timeout."""

from __future__ import annotations

import collections
import os
import signal
import subprocess
import sys
import threading
from typing import Callable, Mapping, Sequence, TextIO


class ProcessError(Exception):
    """The child failed or timed out; the message carries the exit status and the tail of its output."""


# Runs argv with `env`, echoing its output lines to `echo` (and each line, stripped, to `on_line`);
# ProcessError on non-zero exit or after `timeout` s.
def run_process(
    argv: Sequence[str],
    env: Mapping[str, str],
    timeout: float,
    echo: TextIO = sys.stdout,
    tail_lines: int = 20,
    on_line: Callable[[str], None] | None = None,
) -> None:
    tail: collections.deque[str] = collections.deque(maxlen=tail_lines)
    proc = subprocess.Popen(  # noqa: S603 - argv built by renderer_cli, no shell
        list(argv),
        env=dict(env),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        errors="replace",
        start_new_session=True,
    )
    timed_out = threading.Event()

    def kill() -> None:
        timed_out.set()
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    timer = threading.Timer(timeout, kill)
    timer.start()
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            echo.write(line)
            tail.append(line.rstrip())
            if on_line is not None:
                on_line(line.rstrip())
        code = proc.wait()
    finally:
        timer.cancel()
        if proc.poll() is None:
            kill()
            proc.wait()
    name = os.path.basename(argv[2] if len(argv) > 2 else argv[0])
    if timed_out.is_set():
        raise ProcessError(f"renderer {name} exceeded its {timeout:.0f}s timeout")
    if code != 0:
        last = " | ".join(line for line in tail if line)[-600:]
        raise ProcessError(f"renderer {name} exited with status {code}: {last}")
