// `efs render` handler: validates flags, renders (or joins chunks) and reports the result.
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { EfsError, interruption, usageError } from "../../errors";
import type { CommandResult, Runtime } from "../../runtime";
import { parseRenderArgs } from "./args";
import { progressBar } from "./progress-bar";

// Renders per the flags; returns {out, frames, durationSec, quality, mode, webglRenderer} as
// --json data.
export async function render(rt: Runtime, raw: Record<string, unknown>): Promise<CommandResult> {
  const a = parseRenderArgs(raw);
  const audio = resolve(rt.cwd, a.audio);
  const out = resolve(rt.cwd, a.out);
  if (!existsSync(audio))
    throw usageError(`audio file not found: ${a.audio}`, "pass --audio with an existing file");
  const { concatChunks, renderVideo } = await import("@efs/renderer/render");
  const settings = await readRendererSettings(rt);
  if (a.concat) {
    const chunks = a.concat.map((c) => resolve(rt.cwd, c));
    const missing = chunks.find((c) => !existsSync(c));
    if (missing)
      throw usageError(`chunk not found: ${missing}`, "render the ranges first with --from/--to");
    await concatChunks({
      chunks,
      audioPath: audio,
      format: a.format,
      durationSec: a.durationSec,
      out,
      signal: rt.signal,
      settings,
    });
    rt.out.success(`joined ${chunks.length} chunks → ${out}`);
    return { data: { out, chunks: chunks.length } };
  }
  let visual: unknown;
  if (a.visualFile) {
    try {
      visual = JSON.parse(await readFile(resolve(rt.cwd, a.visualFile), "utf8"));
    } catch (e) {
      throw usageError(
        `--visual ${a.visualFile} is not a readable JSON file: ${e instanceof Error ? e.message : String(e)}`,
        "pass a JSON object of visual-config overrides",
      );
    }
  }
  const bar = progressBar(process.stderr, "rendering", !rt.out.json);
  let progress = { done: 0, total: 0 };
  try {
    const r = await renderVideo({
      audioPath: audio,
      preset: a.preset,
      visual,
      format: a.format,
      fps: a.fps,
      quality: a.quality,
      durationSec: a.durationSec,
      from: a.from,
      to: a.to,
      gpu: a.gpu,
      capture: a.capture,
      out,
      signal: rt.signal,
      settings,
      onProgress: (p) => {
        progress = { done: p.framesDone, total: p.framesTotal };
        if (p.stage === "rendering") bar.update(p);
      },
      log: (l) => rt.out.debug(l),
    });
    bar.done();
    rt.out.success(
      `${r.frames} frames (${r.quality}, ${r.mode}, ${r.webglRenderer}) in ${(r.wallMs / 1000).toFixed(1)} s → ${out}`,
    );
    return {
      data: {
        out,
        frames: r.frames,
        durationSec: r.durationSec,
        quality: r.quality,
        mode: r.mode,
        webglRenderer: r.webglRenderer,
      },
    };
  } catch (e) {
    bar.done();
    if (rt.signal.aborted) {
      throw interruption(
        rt.signal,
        `${progress.total ? `${progress.done} of ${progress.total} frames rendered` : "no frame rendered yet"}; ${existsSync(out) ? `a partial ${out} was left` : `nothing was written to ${out}`}`,
        "run the same efs render command again (it starts over; --from/--to render a frame range)",
      );
    }
    const msg = e instanceof Error ? e.message : String(e);
    if (/unknown preset|invalid visual config|--to|--from|--duration/.test(msg))
      throw usageError(msg, "see efs render --help and docs/rendering.md");
    throw new EfsError(`render failed: ${msg}`, {
      fix: "run with --debug for the renderer log; efs doctor checks Chromium and ffmpeg",
      cause: e,
    });
  }
}

// The renderer's variables (EFS_FFMPEG_PATH, EFS_CHROMIUM_PATH, EFS_CHROMIUM_FLAGS,
// EFS_VIDEO_ENCODER, EFS_RENDERER_TMP_DIR) from efs's environment; a malformed one is a usage
// error naming it, before anything starts.
async function readRendererSettings(rt: Runtime) {
  const { rendererSettings } = await import("@efs/renderer/settings");
  const { ConfigError } = await import("@efs/core/config");
  try {
    return rendererSettings(rt.env);
  } catch (e) {
    if (e instanceof ConfigError) {
      throw usageError(e.message, "fix or unset that variable in your environment");
    }
    throw e;
  }
}
