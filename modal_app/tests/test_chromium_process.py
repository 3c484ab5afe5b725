"""WebGL back-end choice with the real Debian Chromium, and the renderer child-process runner."""

from __future__ import annotations

import io
import logging
import shutil
import sys
import time

import pytest
from ethereal import renderer_cli
from ethereal.chromium import GL_MODES, choose_gl, is_hardware_renderer, parse_probe_output, probe_webgl
from ethereal.process import ProcessError, run_process

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def test_real_chromium_reports_swiftshader_with_the_software_flags():
    renderer = probe_webgl(CHROMIUM, GL_MODES["swiftshader"], timeout=120)
    assert "SwiftShader" in renderer, renderer
    assert not is_hardware_renderer(renderer)


def test_without_an_nvidia_gpu_the_choice_falls_back_to_swiftshader_loudly(caplog):
    caplog.set_level(logging.INFO, logger="ethereal.chromium")
    # Without a Vulkan driver Chromium can hang on the vulkan flags: the probe's timeout ends it.
    choice = choose_gl(lambda flags: probe_webgl(CHROMIUM, flags, timeout=15 if "--enable-unsafe-swiftshader" not in flags else 120), want_hardware=True)
    assert choice.mode == "swiftshader" and not choice.hardware
    assert "SwiftShader" in choice.renderer
    assert "HARDWARE WEBGL UNAVAILABLE" in caplog.text
    assert "egl" in caplog.text and "vulkan" in caplog.text


def test_a_hanging_probe_is_killed_with_its_process_group_at_the_timeout(tmp_path):
    fake = tmp_path / "chromium"
    fake.write_text("#!/bin/sh\nsleep 300 &\nsleep 300\n")
    fake.chmod(0o755)
    t0 = time.monotonic()
    assert probe_webgl(str(fake), GL_MODES["egl"], timeout=1) == "probe failed: no answer within 1s"
    assert time.monotonic() - t0 < 15


def test_nvidia_renderer_from_egl_is_chosen_first():
    answers = {"egl": "ANGLE (NVIDIA Corporation, NVIDIA L40S/PCIe/SSE2, OpenGL ES 3.2)"}
    probed = []

    def probe(flags):
        mode = next(m for m, f in GL_MODES.items() if f == flags)
        probed.append(mode)
        return answers.get(mode, "llvmpipe")

    choice = choose_gl(probe, want_hardware=True)
    assert (choice.mode, choice.hardware, probed) == ("egl", True, ["egl"])


def test_vulkan_is_tried_when_egl_gives_software():
    def probe(flags):
        return "ANGLE (NVIDIA, Vulkan 1.3 (NVIDIA L4))" if "--use-angle=vulkan" in flags else "ANGLE (Mesa, llvmpipe)"

    assert choose_gl(probe, want_hardware=True).mode == "vulkan"


def test_cpu_renders_do_not_probe_hardware(caplog):
    probed = []
    choice = choose_gl(lambda f: probed.append(f) or "SwiftShader", want_hardware=False)
    assert choice.mode == "swiftshader" and probed == [GL_MODES["swiftshader"]]
    assert "UNAVAILABLE" not in caplog.text


def test_renderer_string_classification():
    assert is_hardware_renderer("ANGLE (NVIDIA Corporation, NVIDIA H100 80GB HBM3/PCIe/SSE2, OpenGL ES 3.2)")
    assert not is_hardware_renderer("ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero)), SwiftShader driver)")
    assert not is_hardware_renderer("ANGLE (Mesa/X.org, llvmpipe (LLVM 15.0.6 256 bits), OpenGL ES 3.2)")
    assert parse_probe_output("<body>WEBGL_RENDERER=abc (x)=END</body>") == "abc (x)"
    assert parse_probe_output("<body></body>") is None


def test_process_output_is_echoed_and_success_returns():
    echo = io.StringIO()
    run_process([sys.executable, "-c", "print('frame 1'); print('frame 2')"], {"PATH": "/usr/bin:/bin"}, 30, echo)
    assert echo.getvalue() == "frame 1\nframe 2\n"


def test_process_failure_carries_the_exit_status_and_output_tail():
    with pytest.raises(ProcessError) as info:
        run_process([sys.executable, "-c", "import sys; print('boom at frame 120'); sys.exit(3)"], {}, 30, io.StringIO())
    assert "status 3" in str(info.value) and "boom at frame 120" in str(info.value)


def test_process_is_killed_at_its_timeout_with_its_children():
    t0 = time.monotonic()
    code = "import subprocess, time; subprocess.Popen(['sleep', '60']); time.sleep(60)"
    with pytest.raises(ProcessError, match="timeout"):
        run_process([sys.executable, "-c", code], {"PATH": "/usr/bin:/bin"}, 1.5, io.StringIO())
    assert time.monotonic() - t0 < 20


def test_child_environment_drops_secrets_and_carries_the_gl_choice():
    parent = {"PATH": "/bin", "R2_SECRET_ACCESS_KEY": "s", "MODAL_AUTH_TOKEN": "t", "R2_ACCESS_KEY_ID": "k", "EFS_CHROMIUM_PATH": "/usr/bin/chromium"}
    env = renderer_cli.child_env(parent, "egl", GL_MODES["egl"], "libx264")
    assert "R2_SECRET_ACCESS_KEY" not in env and "MODAL_AUTH_TOKEN" not in env and "R2_ACCESS_KEY_ID" not in env
    assert env["PATH"] == "/bin" and env["EFS_CHROMIUM_GL"] == "egl" and env["EFS_VIDEO_ENCODER"] == "libx264"
    assert env["EFS_CHROMIUM_PATH"] == "/usr/bin/chromium"


def test_render_argv_has_the_range_and_no_secrets(tmp_path):
    argv = renderer_cli.render_argv(node="node", entry="/opt/cli.js", audio=tmp_path / "a", preset="p", fmt="360-mono-8k", fps=60, out=tmp_path / "o.ts", gpu=True, start=30, end=None, duration_sec=12.5)
    assert argv[:3] == ["node", "/opt/cli.js", "render"]
    assert argv[argv.index("--from") + 1] == "30" and "--to" not in argv
    assert argv[argv.index("--duration") + 1] == "12.5" and "--gpu" in argv
    assert argv[-2:] == ["--out", str(tmp_path / "o.ts")]
    assert "--quality" not in argv
    final = renderer_cli.render_argv(node="node", entry="/opt/cli.js", audio=tmp_path / "a", preset="p", fmt="flat-4k-landscape", fps=30, out=tmp_path / "o.mp4", gpu=False, quality="final")
    assert final[final.index("--quality") + 1] == "final"
