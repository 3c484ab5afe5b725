// bench:render-8k — the long 8K renders: 30 s of 360-mono-8k and 10 s of 360-stereo-8k, end to
// end, with the browser's resident memory sampled every second. Fails (exit 1) when a render
// does not complete, its memory grows, or its stream leaves its H.264 level. About an hour on an
// idle 2-core CPU box (2.5–4 s per 8K frame under SwiftShader; docs/rendering.md); minutes on a GPU.
//   BENCH_8K_MONO_SECONDS (30), BENCH_8K_STEREO_SECONDS (10); 0 skips that render.
//   BENCH_8K_KEEP: a folder to keep each finished video in (to look at), else it is deleted.
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RENDER_FORMATS, type RenderFormatName } from "@efs/core/formats";
import { DEFAULT_PRESET } from "@efs/visual/presets";
import { AVC_LEVELS, fitsLevel } from "../src/page/avc-level";
import type { MemorySample } from "../src/process-memory";
import { renderVideo } from "../src/render";
import { makeAudio } from "../test/helpers/media";

const RUNS: Array<[RenderFormatName, number]> = [
  ["360-mono-8k", Number(process.env.BENCH_8K_MONO_SECONDS ?? 30)],
  ["360-stereo-8k", Number(process.env.BENCH_8K_STEREO_SECONDS ?? 10)],
];
/** Growth allowed over the run, after the first frames (the page's buffers) are in place. */
const MAX_GROWTH_MB = 150;
const keep = process.env.BENCH_8K_KEEP || null;
if (keep) mkdirSync(keep, { recursive: true });
const dir = mkdtempSync(join(tmpdir(), "efs-bench-8k-"));
const log = (s: string) => process.stderr.write(`${s}\n`);
const results: string[] = [];
let failed = false;
// Ctrl-C / SIGTERM stop the render (Chromium and ffmpeg with it) and still remove the scratch
// folder; without this the folder with its audio and partial video stayed behind. A repeated
// signal is ignored rather than left to Node's default exit, which skipped the clean-up: a
// SIGINT sent to every process of `npm run bench:render-8k` (pkill -f) reached it twice, once
// directly and once relayed by tsx.
const controller = new AbortController();
for (const sig of ["SIGINT", "SIGTERM"] as const) {
  process.on(sig, () => {
    if (controller.signal.aborted) return;
    log(`${sig}: stopping the render`);
    process.exitCode = sig === "SIGINT" ? 130 : 143;
    controller.abort(new Error(`bench:render-8k interrupted (${sig})`));
  });
}

// Memory after warm-up (max over frames 2–5) and the peak after that.
function memoryFigures(samples: MemorySample[]): { warmMb: number; peakMb: number } | null {
  const warm = samples.filter((s) => s.framesDone >= 2 && s.framesDone <= 5);
  const later = samples.filter((s) => s.framesDone > 5);
  if (warm.length === 0 || later.length === 0) return null;
  return {
    warmMb: Math.max(...warm.map((s) => s.rssMb)),
    peakMb: Math.max(...later.map((s) => s.rssMb)),
  };
}

try {
  for (const [name, seconds] of RUNS) {
    if (!(seconds > 0) || controller.signal.aborted) continue;
    const f = RENDER_FORMATS[name];
    const audio = makeAudio(join(dir, `${name}.wav`), seconds);
    const out = join(dir, `${name}.mp4`);
    const samples: MemorySample[] = [];
    let lastLog = 0;
    const t0 = performance.now();
    log(`${name}: ${seconds} s (${seconds * 30} frames of ${f.width}×${f.height})`);
    const r = await renderVideo({
      audioPath: audio,
      preset: DEFAULT_PRESET,
      format: name,
      durationSec: seconds,
      out,
      cacheDir: false,
      signal: controller.signal,
      log,
      onMemory: (s) => {
        samples.push(s);
        if (s.sec - lastLog >= 300) {
          lastLog = s.sec;
          log(`  ${Math.round(s.sec)} s: ${s.framesDone} frames, browser ${s.rssMb} MB`);
        }
      },
    });
    const wall = (performance.now() - t0) / 1000;
    const probe = JSON.parse(
      execFileSync("ffprobe", [
        ...["-v", "error", "-select_streams", "v:0", "-show_entries"],
        ...["stream=width,height,level,refs,bit_rate,nb_frames", "-of", "json", out],
      ]).toString(),
    ).streams[0] as Record<string, string | number>;
    const mem = memoryFigures(samples);
    const growth = mem ? mem.peakMb - mem.warmMb : Number.NaN;
    const declared = AVC_LEVELS.find((l) => l.idc === Number(probe.level));
    const inLevel =
      declared !== undefined &&
      fitsLevel(
        {
          width: Number(probe.width),
          height: Number(probe.height),
          fps: 30,
          maxKbps: Number(probe.bit_rate) / 1000,
        },
        declared,
      );
    const ok = r.frames === seconds * 30 && inLevel && mem !== null && growth < MAX_GROWTH_MB;
    failed ||= !ok;
    const line = [
      `${name}:`,
      `frames=${r.frames}`,
      `size=${probe.width}x${probe.height}`,
      `level=${Number(probe.level) / 10}${inLevel ? "" : "(EXCEEDED)"}`,
      `kbps=${Math.round(Number(probe.bit_rate) / 1000)}`,
      `wall_s=${wall.toFixed(0)}`,
      `fps=${(r.frames / wall).toFixed(3)}`,
      `browser_mb_after_warmup=${mem?.warmMb ?? "?"}`,
      `browser_mb_peak=${mem?.peakMb ?? "?"}`,
      `growth_mb=${Number.isNaN(growth) ? "?" : growth.toFixed(0)}`,
      ok ? "ok" : "FAILED",
    ].join(" ");
    log(line);
    results.push(line);
    if (keep) {
      copyFileSync(out, join(keep, `${name}.mp4`));
      log(`  kept ${join(keep, `${name}.mp4`)}`);
    }
    rmSync(out, { force: true });
  }
} catch (e) {
  if (!controller.signal.aborted) throw e;
  log(e instanceof Error ? e.message : String(e));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
for (const line of results) console.log(line);
if (failed && !controller.signal.aborted) process.exitCode = 1;
