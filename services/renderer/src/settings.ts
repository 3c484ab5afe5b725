// The renderer's settings from its environment, parsed and validated once at the edge (the
// renderer's cli.ts and server.ts through serve.ts, and `efs render`) and passed down as a
// typed object: nothing below the entry points reads process.env. A bad value is a one-line
// ConfigError naming the variable, before anything starts.
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError } from "@efs/core/config";
import { type Env, enumVar, plainVar } from "@efs/core/config/read";

export const VIDEO_ENCODERS = ["libx264", "h264_nvenc"] as const;
export type VideoEncoder = (typeof VIDEO_ENCODERS)[number];

export interface RendererSettings {
  /** EFS_FFMPEG_PATH, else `ffmpeg` on PATH. */
  readonly ffmpegPath: string;
  /** EFS_CHROMIUM_PATH, else /usr/bin/chromium. */
  readonly chromiumPath: string;
  /** EFS_CHROMIUM_FLAGS (a JSON array chosen by the Modal probe): replaces the GL flags. */
  readonly chromiumGlFlags: readonly string[] | null;
  /** EFS_VIDEO_ENCODER for raw frames: libx264 (default) or h264_nvenc (GPUs with NVENC). */
  readonly videoEncoder: VideoEncoder;
  /** EFS_RENDERER_TMP_DIR, else `<os temp>/efs-renderer`: the scratch folders' root. */
  readonly scratchRoot: string;
}

// Reads the renderer's variables from `env`; throws ConfigError naming a malformed one.
export function rendererSettings(env: Env): RendererSettings {
  // Set but empty counts as unset for these (as the renderer always treated them).
  const set = (name: string) => (env[name] === "" ? { ...env, [name]: undefined } : env);
  return Object.freeze({
    ffmpegPath: plainVar(env, "EFS_FFMPEG_PATH") ?? "ffmpeg",
    chromiumPath: plainVar(env, "EFS_CHROMIUM_PATH") ?? "/usr/bin/chromium",
    chromiumGlFlags: chromiumFlags(env.EFS_CHROMIUM_FLAGS),
    videoEncoder:
      enumVar(set("EFS_VIDEO_ENCODER"), "EFS_VIDEO_ENCODER", VIDEO_ENCODERS) ?? "libx264",
    scratchRoot:
      plainVar(set("EFS_RENDERER_TMP_DIR"), "EFS_RENDERER_TMP_DIR") ??
      join(tmpdir(), "efs-renderer"),
  });
}

/** The settings of a renderer with no variables set (library callers, tests). */
export const DEFAULT_RENDERER_SETTINGS: RendererSettings = rendererSettings({});

function chromiumFlags(raw: string | undefined): readonly string[] | null {
  if (!raw) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    parsed = undefined;
  }
  if (!Array.isArray(parsed) || !parsed.every((f) => typeof f === "string")) {
    throw new ConfigError(
      "EFS_CHROMIUM_FLAGS",
      'EFS_CHROMIUM_FLAGS must be a JSON array of strings (e.g. ["--use-gl=angle"])',
    );
  }
  return Object.freeze(parsed as string[]);
}
