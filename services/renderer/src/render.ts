// Renders audio + preset + format into an MP4 (or, for a frame range, a video-only MPEG-TS
// chunk): analysis in Node, drawing in Chromium, frames out by WebCodecs or raw readback.
import { mkdtemp, rename, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { analyzeAudio } from "@efs/core/audio/analyze";
import type { AudioFeatures } from "@efs/core/audio/features";
import {
  isRenderFormat,
  RENDER_FORMAT_NAMES,
  RENDER_FORMATS,
  type RenderFormat,
} from "@efs/core/formats";
import {
  defaultQuality,
  isRenderQuality,
  RENDER_QUALITIES,
  type RenderQuality,
} from "@efs/core/quality";
import type { VisualConfig } from "@efs/visual/config";
import { resolveVisualConfig } from "@efs/visual/presets";
import { audioArgs, chunkArgs, type MuxOptions, muxArgs, runFfmpeg } from "./ffmpeg";
import { injectSphericalMetadata } from "./mp4/spherical";
import type { CaptureJob, CaptureMode, RunResult } from "./page/job";
import { type MemorySample, type MemorySampler, sampleProcessTree } from "./process-memory";
import { makeScratchDir } from "./scratch";
import { type CaptureSession, openCaptureSession } from "./session";
import { DEFAULT_RENDERER_SETTINGS, type RendererSettings } from "./settings";
import { probeDuration, writeThumbnail } from "./thumbnail";

export interface RenderProgress {
  /** starting (analysis, browser), rendering (frames), encoding (mux, 360 metadata, thumbnail). */
  stage: "starting" | "rendering" | "encoding";
  framesDone: number;
  /** 0 while starting (the frame count is known once the audio is analysed). */
  framesTotal: number;
  fps: number;
  etaSec: number;
}

export interface RenderOptions {
  audioPath: string;
  preset: string;
  /** Partial visual-config override merged onto the preset. */
  visual?: unknown;
  /** A format name from formats.ts (or, for benchmarks and tests, a custom format object). */
  format: string | RenderFormat;
  fps?: number;
  /** "draft" or "final" (core/quality.ts); default: final above 1080p, else draft. */
  quality?: RenderQuality;
  /** Render only the first N seconds of the audio. */
  durationSec?: number;
  /** Frame range [from, to): writes a video-only MPEG-TS chunk to `out` (join with concatChunks). */
  from?: number;
  to?: number;
  out: string;
  /** Also write a JPEG thumbnail of a representative frame here (whole renders only). */
  thumbnail?: string;
  capture?: "auto" | "webcodecs" | "raw";
  /** Where frames become I420: "auto" = in JS under SwiftShader, in a shader on a GPU. */
  i420Conversion?: "auto" | "gpu" | "cpu";
  gpu?: boolean | "auto";
  cacheDir?: string | false;
  signal?: AbortSignal;
  onProgress?: (p: RenderProgress) => void;
  /** The browser's resident memory (all its processes), sampled every second while frames are made. */
  onMemory?: (s: MemorySample) => void;
  log?: (line: string) => void;
  /** Test hook: extra objects at fixed view directions. */
  markers?: CaptureJob["markers"];
  /** Programs, encoder and scratch root from the environment, parsed at the entry point
   * (settings.ts); default: no variables set. */
  settings?: RendererSettings;
}

export interface RenderResult {
  out: string;
  frames: number;
  durationSec: number;
  quality: RenderQuality;
  mode: CaptureMode;
  webglRenderer: string;
  wallMs: number;
  /** Peak resident memory of the browser's processes while frames were made (MB; null off Linux). */
  browserPeakRssMb: number | null;
}

// Validates the options that do not need I/O, the visual config (preset + override) parsed
// here once; throws with the fix in the message.
export function checkRenderOptions(o: RenderOptions): {
  format: RenderFormat;
  fps: number;
  quality: RenderQuality;
  config: VisualConfig;
} {
  let format: RenderFormat;
  if (typeof o.format !== "string") format = o.format;
  else if (isRenderFormat(o.format)) format = RENDER_FORMATS[o.format];
  else
    throw new Error(
      `unknown format "${o.format}"; choose one of ${RENDER_FORMAT_NAMES.join(", ")}`,
    );
  const fps = checkFps(o);
  if (o.durationSec !== undefined && !(o.durationSec > 0)) {
    throw new Error(`--duration must be a positive number of seconds (got ${o.durationSec})`);
  }
  for (const k of ["from", "to"] as const) {
    const v = o[k];
    if (v !== undefined && (!Number.isInteger(v) || v < 0))
      throw new Error(`--${k} must be a frame index ≥ 0 (got ${v})`);
  }
  if (o.from !== undefined && o.to !== undefined && o.to <= o.from) {
    throw new Error(`--to (${o.to}) must be greater than --from (${o.from})`);
  }
  if (o.quality !== undefined && !isRenderQuality(o.quality)) {
    throw new Error(
      `--quality must be one of ${RENDER_QUALITIES.join(", ")} (got ${JSON.stringify(o.quality)})`,
    );
  }
  const config = resolveVisualConfig(o.preset, o.visual);
  return { format, fps, quality: o.quality ?? defaultQuality(format), config };
}

function checkFps(o: RenderOptions): number {
  const fps = o.fps ?? 30;
  if (fps !== 30 && fps !== 60) throw new Error(`--fps must be 30 or 60 (got ${fps})`);
  return fps;
}

// Builds the page job for a format (bitrate ×1.5 at 60 fps, closed GOP of half the rate,
// the format's default quality). Renders use output "offscreen"; "canvas" is for still
// frames, screenshots and draw-only runs.
export function captureJob(
  format: RenderFormat,
  fps: number,
  features: AudioFeatures,
  config: unknown,
  markers?: CaptureJob["markers"],
  output: CaptureJob["output"] = "canvas",
): CaptureJob {
  const eyeHeight = format.stereo === "top-bottom" ? format.height / 2 : format.height;
  return {
    config,
    features,
    fps,
    width: format.width,
    height: eyeHeight,
    projection: format.projection,
    stereo: format.stereo,
    bitrate: Math.round(format.videoKbps * (fps === 60 ? 1.5 : 1) * 1000),
    gop: Math.max(1, Math.round(fps / 2)),
    markers,
    quality: defaultQuality(format),
    output,
  };
}

// Runs frames [from, to) through an open session into a video-only MPEG-TS file. A failure
// says what died: ffmpeg (with its error), the browser or the page (with its last memory
// figure), or the page's own error.
export async function captureChunk(
  session: CaptureSession,
  job: CaptureJob,
  range: { from: number; to: number },
  out: string,
  opts: {
    mode: "webcodecs" | "raw";
    settings?: RendererSettings;
    signal?: AbortSignal;
    onFrames?: (done: number) => void;
    onMemory?: (s: MemorySample) => void;
  },
): Promise<RunResult & { browserPeakRssMb: number | null }> {
  const stacked = job.stereo === "top-bottom" ? 2 : 1;
  const settings = opts.settings ?? DEFAULT_RENDERER_SETTINGS;
  const ff = runFfmpeg(
    chunkArgs({
      input: opts.mode === "webcodecs" ? "h264" : "i420",
      width: job.width,
      height: job.height * stacked,
      fps: job.fps,
      videoKbps: Math.round(job.bitrate / 1000),
      gop: job.gop,
      from: range.from,
      out,
      encoder: settings.videoEncoder,
    }),
    { ffmpegPath: settings.ffmpegPath, signal: opts.signal },
  );
  let framesDone = 0;
  session.server.setSink(ff.stdin);
  session.server.onProgress((done) => {
    framesDone = done;
    opts.onFrames?.(done);
  });
  const pid = session.process.pid;
  const memory: MemorySampler | null = pid
    ? sampleProcessTree(pid, () => framesDone, opts.onMemory)
    : null;
  const onAbort = () => void session.page.evaluate("window.__efs.abort()").catch(() => {});
  opts.signal?.addEventListener("abort", onAbort, { once: true });
  try {
    const result = (await Promise.race([
      session.page.evaluate(
        (f: number, t: number, m: string, c: string | null) =>
          (
            window as unknown as { __efs: { run: (...a: unknown[]) => Promise<RunResult> } }
          ).__efs.run(f, t, m, c),
        range.from,
        range.to,
        opts.mode,
        session.info.webcodecsCodec,
      ),
      ff.done.then(() => {
        throw new Error("ffmpeg exited before the page finished sending frames");
      }),
    ])) as RunResult;
    ff.stdin.end();
    await ff.done;
    return { ...result, browserPeakRssMb: memory?.peakMb() ?? null };
  } catch (e) {
    // ffmpeg dying makes the page's next upload fail too: give its own error a moment to land.
    const ffError = await Promise.race([
      ff.done.then(
        () => null,
        (x: unknown) => x,
      ),
      new Promise<null>((r) => setTimeout(() => r(null), 500)),
    ]);
    ff.kill();
    await ff.done.catch(() => {});
    if (opts.signal?.aborted) throw opts.signal.reason ?? new Error("render cancelled");
    throw explainCaptureFailure(e, {
      ffmpeg: ffError,
      death: session.death(),
      framesDone,
      framesTotal: range.to - range.from,
      memory: memory?.last(),
    });
  } finally {
    memory?.stop();
    opts.signal?.removeEventListener("abort", onAbort);
    session.server.setSink(null);
    session.server.onProgress(null);
  }
}

function explainCaptureFailure(
  e: unknown,
  o: {
    ffmpeg: unknown;
    death: string | null;
    framesDone: number;
    framesTotal: number;
    memory: MemorySample | undefined;
  },
): Error {
  const at = `after ${o.framesDone} of ${o.framesTotal} frames`;
  if (o.ffmpeg instanceof Error) return new Error(`${o.ffmpeg.message} (${at})`, { cause: e });
  if (o.death) {
    const mem = o.memory
      ? `; its processes held ${Math.round(o.memory.rssMb)} MB at the last sample`
      : "";
    return new Error(`${o.death} ${at}${mem}`, { cause: e });
  }
  // puppeteer prefixes page errors with the protocol call; the page's message is the cause.
  const msg = (e instanceof Error ? e.message : String(e)).replace(/^Error: /, "");
  return new Error(`capture failed ${at}: ${msg}`, { cause: e });
}

// Renders a file end to end; see RenderOptions for ranges and cancellation. Audio analysis,
// the browser start and the soundtrack's AAC encode run side by side; the browser closes
// while the final mux runs.
export async function renderVideo(o: RenderOptions): Promise<RenderResult> {
  const t0 = performance.now();
  const { format, fps, quality, config } = checkRenderOptions(o);
  const ms = (t: number) => `${Math.round(performance.now() - t)} ms`;
  const isChunk = o.from !== undefined || o.to !== undefined;
  const settings = o.settings ?? DEFAULT_RENDERER_SETTINGS;
  const tmp = await makeScratchDir("render", settings.scratchRoot);
  o.onProgress?.({ stage: "starting", framesDone: 0, framesTotal: 0, fps: 0, etaSec: 0 });
  const planned = analyzeAudio(o.audioPath, { fps, cacheDir: o.cacheDir, signal: o.signal }).then(
    ({ features }) => {
      o.log?.(`analysis: ${ms(t0)}`);
      return planRender(o, features, fps, format, config, quality);
    },
  );
  const audio = isChunk
    ? null
    : planned.then(async (p) => {
        const path = join(tmp, "audio.m4a");
        await runFfmpeg(
          audioArgs({ audioPath: o.audioPath, durationSec: p.durationSec, out: path }),
          { ffmpegPath: settings.ffmpegPath, signal: o.signal },
        ).done;
        return path;
      });
  audio?.catch(() => {});
  let session: CaptureSession | null = null;
  try {
    session = await openCaptureSession(
      planned.then((p) => p.job),
      { gpu: o.gpu, log: o.log, settings },
    );
    o.log?.(`browser + page + sky bake: ${ms(t0)} since start`);
    const { job, from, to, durationSec } = await planned;
    const mode = pickMode(o.capture ?? "auto", session.info.webcodecsCodec, format);
    o.log?.(
      `capture: ${mode}, ${format.width}×${format.height} @ ${fps} fps, ${quality} quality, frames ${from}..${to - 1}`,
    );
    const chunkPath = isChunk ? `${o.out}.partial` : join(tmp, "video.ts");
    const started = performance.now();
    const r = await captureChunk(session, job, { from, to }, chunkPath, {
      mode,
      settings,
      signal: o.signal,
      onMemory: o.onMemory,
      onFrames: (done) => {
        const secs = (performance.now() - started) / 1000;
        const rate = secs > 0 ? done / secs : 0;
        o.onProgress?.({
          stage: "rendering",
          framesDone: done,
          framesTotal: to - from,
          fps: rate,
          etaSec: rate > 0 ? (to - from - done) / rate : 0,
        });
      },
    });
    o.log?.(
      `capture: ${r.frames} frames in ${ms(started)} (${((r.frames * 1000) / r.ms).toFixed(2)} fps in page); browser memory peak ${r.browserPeakRssMb ?? "?"} MB`,
    );
    const closing = session.close();
    const tMux = performance.now();
    o.onProgress?.({
      stage: "encoding",
      framesDone: to - from,
      framesTotal: to - from,
      fps: 0,
      etaSec: 0,
    });
    if (isChunk) {
      await rename(chunkPath, o.out);
    } else {
      await muxFinal({
        chunks: [chunkPath],
        audio: { path: await audio!, encoded: true },
        out: o.out,
        format,
        ffmpegPath: settings.ffmpegPath,
        signal: o.signal,
      });
    }
    o.log?.(`mux: ${ms(tMux)}`);
    if (o.thumbnail && !isChunk) {
      await thumbnailOf(o.out, o.thumbnail, durationSec, format, {
        ffmpegPath: settings.ffmpegPath,
        signal: o.signal,
        log: o.log,
      });
    }
    await closing;
    return {
      out: o.out,
      frames: r.frames,
      durationSec,
      quality,
      mode,
      webglRenderer: session.info.webglRenderer,
      wallMs: performance.now() - t0,
      browserPeakRssMb: r.browserPeakRssMb,
    };
  } finally {
    await session?.close();
    await audio?.catch(() => {});
    await rm(tmp, { recursive: true, force: true });
    await rm(`${o.out}.partial`, { force: true });
  }
}

// The frame range, duration and page job for a render, once the audio is analysed.
function planRender(
  o: RenderOptions,
  features: AudioFeatures,
  fps: number,
  format: RenderFormat,
  config: unknown,
  quality: RenderQuality,
): { job: CaptureJob; from: number; to: number; durationSec: number } {
  const total = Math.min(
    features.frameCount,
    o.durationSec !== undefined ? Math.ceil(o.durationSec * fps - 1e-9) : features.frameCount,
  );
  const from = o.from ?? 0;
  const to = Math.min(o.to ?? total, total);
  if (from >= to)
    throw new Error(`frame range ${from}..${o.to} is outside the audio's ${total} frames`);
  const durationSec =
    o.durationSec !== undefined
      ? Math.min(o.durationSec, features.durationSec)
      : features.durationSec;
  const job: CaptureJob = {
    ...captureJob(format, fps, features, config, o.markers, "offscreen"),
    quality,
    i420Conversion: o.i420Conversion ?? "auto",
  };
  return { job, from, to, durationSec };
}

// "auto" is raw frames into libx264: at the same bitrate it has no visible blocking in the dark
// sky (boundary/interior gradient ratio ≈1.3 against WebCodecs' 2.0–3.3), meets its bitrate
// where WebCodecs delivered a quarter to a half of it at 4K, and measured as fast here
// (docs/rendering.md "Encoding"). WebCodecs stays available on request.
function pickMode(
  want: "auto" | "webcodecs" | "raw",
  codec: string | null,
  format: RenderFormat,
): "webcodecs" | "raw" {
  if (want === "webcodecs" && !codec) {
    throw new Error(
      `WebCodecs H.264 cannot encode ${format.name} (${format.width}×${format.height}) here; use --capture raw`,
    );
  }
  return want === "auto" ? "raw" : want;
}

// Joins chunks, muxes the audio once, and writes 360 metadata for equirect formats.
export async function muxFinal(o: {
  chunks: string[];
  audio: MuxOptions["audio"];
  durationSec?: number;
  out: string;
  format: RenderFormat;
  ffmpegPath: string;
  signal?: AbortSignal;
}): Promise<void> {
  const dir = await mkdtemp(join(dirname(o.out), ".efs-mux-"));
  try {
    const tmpOut = join(dir, "out.mp4");
    await runFfmpeg(
      muxArgs({ chunks: o.chunks, audio: o.audio, durationSec: o.durationSec, out: tmpOut }),
      { ffmpegPath: o.ffmpegPath, signal: o.signal },
    ).done;
    if (o.format.projection === "equirect") {
      const spherical = join(dir, "spherical.mp4");
      await injectSphericalMetadata(tmpOut, spherical, { stereo: o.format.stereo });
      await rename(spherical, o.out);
    } else {
      await rename(tmpOut, o.out);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

// Concatenates range chunks (rendered with identical settings) into the final MP4.
export async function concatChunks(o: {
  chunks: string[];
  audioPath: string;
  format: string;
  durationSec?: number;
  out: string;
  /** Also write a JPEG thumbnail of a representative frame here. */
  thumbnail?: string;
  signal?: AbortSignal;
  /** As RenderOptions.settings. */
  settings?: RendererSettings;
}): Promise<void> {
  if (!isRenderFormat(o.format)) throw new Error(`unknown format "${o.format}"`);
  if (o.chunks.length === 0) throw new Error("no chunks to concatenate");
  const format = RENDER_FORMATS[o.format];
  const { ffmpegPath } = o.settings ?? DEFAULT_RENDERER_SETTINGS;
  await muxFinal({ ...o, audio: { path: o.audioPath, encoded: false }, format, ffmpegPath });
  if (o.thumbnail) {
    const seconds = await probeDuration(o.out);
    await thumbnailOf(o.out, o.thumbnail, seconds, format, {
      ffmpegPath,
      signal: o.signal,
      log: (l) => process.stderr.write(`${l}\n`),
    });
  }
}

// Writes the thumbnail; a failure is logged, never fails the render (the video is what matters).
async function thumbnailOf(
  video: string,
  out: string,
  durationSec: number,
  format: RenderFormat,
  o: { ffmpegPath: string; signal?: AbortSignal; log?: (line: string) => void },
): Promise<void> {
  const { signal, log } = o;
  try {
    const { timeSec } = await writeThumbnail(video, out, {
      durationSec,
      format,
      ffmpegPath: o.ffmpegPath,
      signal,
    });
    log?.(`thumbnail: frame at ${timeSec.toFixed(2)} s → ${out}`);
  } catch (e) {
    if (signal?.aborted) throw e;
    log?.(`thumbnail: not written (${e instanceof Error ? e.message : String(e)})`);
  }
}
