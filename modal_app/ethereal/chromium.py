"""Chromium WebGL back-end selection: hardware (NVIDIA EGL or Vulkan) when present, else SwiftShader, loudly."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

log = logging.getLogger("ethereal.chromium")

COMMON_FLAGS = (
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)

# RENDERING.md: flags that give hardware WebGL on NVIDIA headless, in the order tried.
# (`--use-gl=egl` no longer exists and silently disables WebGL.) The chosen tuple is handed to
# the renderer as EFS_CHROMIUM_FLAGS, which replaces its own GL flags.
GL_MODES: dict[str, tuple[str, ...]] = {
    "egl": ("--use-gl=angle", "--use-angle=gl-egl", "--ignore-gpu-blocklist", "--enable-gpu"),
    "vulkan": ("--use-angle=vulkan", "--enable-features=Vulkan", "--disable-vulkan-surface", "--ignore-gpu-blocklist", "--enable-gpu"),
    "swiftshader": ("--use-angle=swiftshader", "--enable-unsafe-swiftshader", "--ignore-gpu-blocklist"),
}
HARDWARE_MODES = ("egl", "vulkan")

PROBE_HTML = """<!doctype html><html><body><script>
let r = "none";
try {
  const c = document.createElement("canvas");
  const g = c.getContext("webgl2") || c.getContext("webgl");
  if (g) {
    const e = g.getExtension("WEBGL_debug_renderer_info");
    r = e ? g.getParameter(e.UNMASKED_RENDERER_WEBGL) : g.getParameter(g.RENDERER);
  }
} catch (x) { r = "error: " + x; }
document.body.textContent = "WEBGL_RENDERER=" + r + "=END";
</script></body></html>"""


@dataclass(frozen=True)
class GlChoice:
    mode: str
    renderer: str
    flags: tuple[str, ...]

    @property
    def hardware(self) -> bool:
        return self.mode in HARDWARE_MODES


# True when a WebGL renderer string names real NVIDIA hardware (not SwiftShader/llvmpipe).
def is_hardware_renderer(renderer: str) -> bool:
    low = renderer.lower()
    return "nvidia" in low and "swiftshader" not in low and "llvmpipe" not in low


# Parses the renderer string out of `chromium --dump-dom` output of PROBE_HTML.
def parse_probe_output(dom: str) -> str | None:
    start = dom.find("WEBGL_RENDERER=")
    end = dom.find("=END", start)
    if start < 0 or end < 0:
        return None
    return dom[start + len("WEBGL_RENDERER=") : end]


# The WebGL renderer Chromium reports with `flags` (runs headless --dump-dom on a probe page).
# A back-end without a driver can hang Chromium: after `timeout` its whole process group is killed.
def probe_webgl(chromium: str, flags: tuple[str, ...], timeout: float = 30.0) -> str:
    with tempfile.TemporaryDirectory(prefix="efs-glprobe-") as tmp:
        page = Path(tmp) / "probe.html"
        page.write_text(PROBE_HTML)
        argv = [chromium, "--headless", *COMMON_FLAGS, *flags, f"--user-data-dir={tmp}/profile", "--dump-dom", page.as_uri()]
        try:
            proc = subprocess.Popen(  # noqa: S603
                argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL, text=True, start_new_session=True
            )
        except OSError as exc:
            return f"probe failed: {exc.__class__.__name__}"
        try:
            out, _ = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            out = None
        finally:
            try:
                os.killpg(proc.pid, signal.SIGKILL)  # Chromium's GPU/zygote children too
            except ProcessLookupError:
                pass
            proc.wait()
    if out is None:
        return f"probe failed: no answer within {timeout:.0f}s"
    return parse_probe_output(out) or f"probe failed: exit {proc.returncode}"


# Tries the hardware modes in order and returns the first that reports NVIDIA; otherwise logs
# loudly and returns SwiftShader. `probe(flags)` is injectable for tests.
def choose_gl(probe: Callable[[tuple[str, ...]], str], want_hardware: bool) -> GlChoice:
    tried: list[str] = []
    if want_hardware:
        for mode in HARDWARE_MODES:
            renderer = probe(GL_MODES[mode])
            log.info("WebGL with %s flags reports: %s", mode, renderer)
            if is_hardware_renderer(renderer):
                return GlChoice(mode, renderer, GL_MODES[mode])
            tried.append(f"{mode}: {renderer}")
    renderer = probe(GL_MODES["swiftshader"])
    if want_hardware:
        log.error(
            "!!! HARDWARE WEBGL UNAVAILABLE — falling back to SwiftShader (CPU) !!! tried %s; "
            "check NVIDIA_DRIVER_CAPABILITIES includes graphics and the EGL/Vulkan vendor files exist",
            "; ".join(tried),
        )
    log.info("WebGL with swiftshader flags reports: %s", renderer)
    return GlChoice("swiftshader", renderer, GL_MODES["swiftshader"])
