// The renderer's environment, parsed once at its entry points (settings.ts).
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError } from "@efs/core/config";
import { describe, expect, it } from "vitest";
import { rendererSettings } from "../src/settings";

describe("rendererSettings", () => {
  it("uses the defaults when nothing is set (or a variable is empty where it always was)", () => {
    const defaults = {
      ffmpegPath: "ffmpeg",
      chromiumPath: "/usr/bin/chromium",
      chromiumGlFlags: null,
      videoEncoder: "libx264",
      scratchRoot: join(tmpdir(), "efs-renderer"),
    };
    expect(rendererSettings({})).toEqual(defaults);
    expect(
      rendererSettings({ EFS_RENDERER_TMP_DIR: "", EFS_CHROMIUM_FLAGS: "", EFS_VIDEO_ENCODER: "" }),
    ).toEqual(defaults);
  });

  it("reads each variable", () => {
    expect(
      rendererSettings({
        EFS_FFMPEG_PATH: "/opt/ffmpeg",
        EFS_CHROMIUM_PATH: "/opt/chromium",
        EFS_CHROMIUM_FLAGS: '["--use-gl=angle","--use-angle=gl-egl"]',
        EFS_VIDEO_ENCODER: "h264_nvenc",
        EFS_RENDERER_TMP_DIR: "/var/tmp/r",
      }),
    ).toEqual({
      ffmpegPath: "/opt/ffmpeg",
      chromiumPath: "/opt/chromium",
      chromiumGlFlags: ["--use-gl=angle", "--use-angle=gl-egl"],
      videoEncoder: "h264_nvenc",
      scratchRoot: "/var/tmp/r",
    });
  });

  it.each([
    ["EFS_CHROMIUM_FLAGS", "--use-gl=angle", /EFS_CHROMIUM_FLAGS must be a JSON array of strings/],
    ["EFS_CHROMIUM_FLAGS", "[1,2]", /EFS_CHROMIUM_FLAGS must be a JSON array of strings/],
    ["EFS_VIDEO_ENCODER", "x265", /EFS_VIDEO_ENCODER must be one of libx264, h264_nvenc/],
    ["EFS_FFMPEG_PATH", "", /EFS_FFMPEG_PATH is empty/],
  ])("refuses %s=%j, naming it", (name, value, message) => {
    let err: unknown;
    try {
      rendererSettings({ [name]: value });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).variable).toBe(name);
    expect((err as Error).message).toMatch(message);
  });

  it("the renderer's command line stops at start on a malformed variable, before any work", () => {
    const r = spawnSync(
      process.execPath,
      [
        "--import",
        "tsx",
        "services/renderer/src/cli.ts",
        "render",
        "--audio",
        "/nonexistent.wav",
        "--format",
        "preview-360p",
        "--out",
        join(tmpdir(), "never.mp4"),
      ],
      { env: { ...process.env, EFS_CHROMIUM_FLAGS: "not json" }, encoding: "utf8" },
    );
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toMatch(/^error: EFS_CHROMIUM_FLAGS must be a JSON array of strings/);
  }, 60_000);
});
