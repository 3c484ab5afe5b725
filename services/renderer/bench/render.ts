// bench:render — one 10 s clip at 1280×720, 30 fps, default preset, measured three ways:
// (a) the renderer end to end, (b) naive baseline: page.screenshot() PNGs on disk + ffmpeg,
// (c) ceiling: the same frames drawn with gl.finish() and no readback or encoding, measured
// right before and right after (a) and averaged; (a′) (a) through in-page WebCodecs instead of
// libx264, between the two ceiling runs. Then, end to end: (d) flat-1080p-landscape in
// draft and in final quality side by side (BENCH_1080P_SECONDS, default 3), with the final
// file's blockiness and delivered/target bitrate; (e) 360-mono-8k (BENCH_8K_FRAMES, default 3;
// 0 skips; the long 8K renders are bench:render-8k).
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { analyzeAudio } from "@efs/core/audio/analyze";
import { RENDER_FORMATS, type RenderFormat } from "@efs/core/formats";
import { DEFAULT_PRESET, resolveVisualConfig } from "@efs/visual/presets";
import { runFfmpeg } from "../src/ffmpeg";
import { captureJob, type RenderOptions, renderVideo } from "../src/render";
import { openCaptureSession } from "../src/session";
import { makeAudio } from "../test/helpers/media";
import { videoBlockiness, videoKbps } from "../test/helpers/quality";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const SECONDS_1080P = Number(process.env.BENCH_1080P_SECONDS ?? 3);
const FRAMES_8K = Number(process.env.BENCH_8K_FRAMES ?? 3);
const FPS = 30;
const FORMAT: RenderFormat = {
  name: "bench-720p",
  width: 1280,
  height: 720,
  projection: "flat",
  stereo: "mono",
  videoKbps: 5_000,
  gpu: false,
};
const dir = mkdtempSync(join(tmpdir(), "efs-bench-"));
const log = (s: string) => process.stderr.write(`${s}\n`);
const base1080 = (audioPath: string): RenderOptions => ({
  audioPath,
  preset: DEFAULT_PRESET,
  format: "flat-1080p-landscape",
  fps: FPS,
  durationSec: SECONDS_1080P,
  out: join(dir, "unused.mp4"),
  cacheDir: false,
});

try {
  // Bass pulses, a swelling tone and hi-hat-like noise bursts.
  const audio = makeAudio(
    join(dir, "clip.wav"),
    SECONDS,
    48_000,
    "0.6*sin(2*PI*55*t)*exp(-8*mod(t,0.5))+0.2*sin(2*PI*440*t)*(0.5+0.5*sin(2*PI*0.25*t))+0.05*(random(0)-0.5)*exp(-30*mod(t+0.25,0.5))",
  );
  const frames = SECONDS * FPS;

  // Shared setup for (b) and (c): same job, same page.
  const { features } = await analyzeAudio(audio, { fps: FPS, cacheDir: false });
  const job = captureJob(FORMAT, FPS, features, resolveVisualConfig(DEFAULT_PRESET));

  // (c) ceiling: draw + gl.finish only. Measured right before and right after (a) and
  // averaged, so a machine whose speed drifts (shared CPUs) is compared at the same moment.
  const drawOnly = async (): Promise<number> => {
    const s2 = await openCaptureSession(job);
    try {
      const res = (await s2.page.evaluate(
        (n: number) =>
          (
            window as unknown as { __efs: { run(...a: unknown[]): Promise<{ ms: number }> } }
          ).__efs.run(0, n, "draw-only", null),
        frames,
      )) as { ms: number };
      return res.ms / 1000;
    } finally {
      await s2.close();
    }
  };
  const drawBefore = await drawOnly();
  log(`(c) draw only, before (a): ${frames} frames in ${drawBefore.toFixed(1)} s`);

  // (a) end to end
  let t = performance.now();
  const r = await renderVideo({
    audioPath: audio,
    preset: DEFAULT_PRESET,
    format: FORMAT,
    fps: FPS,
    out: join(dir, "render.mp4"),
    cacheDir: false,
    log,
  });
  const renderSec = (performance.now() - t) / 1000;
  log(
    `(a) renderer: ${r.mode}, ${frames} frames in ${renderSec.toFixed(1)} s (${statSync(r.out).size} bytes)`,
  );

  // (a′) the same through in-page WebCodecs (--capture webcodecs), for the choice of default.
  t = performance.now();
  await renderVideo({
    audioPath: audio,
    preset: DEFAULT_PRESET,
    format: FORMAT,
    fps: FPS,
    out: join(dir, "render-webcodecs.mp4"),
    cacheDir: false,
    capture: "webcodecs",
  });
  const webcodecsSec = (performance.now() - t) / 1000;
  log(`(a′) WebCodecs: ${frames} frames in ${webcodecsSec.toFixed(1)} s`);

  const drawAfter = await drawOnly();
  log(`(c) draw only, after (a): ${frames} frames in ${drawAfter.toFixed(1)} s`);
  const drawSec = (drawBefore + drawAfter) / 2;

  // (b) naive baseline: screenshot each frame to a PNG file, then ffmpeg over the files.
  t = performance.now();
  const s1 = await openCaptureSession(job, {
    viewport: { width: FORMAT.width, height: FORMAT.height },
  });
  try {
    for (let i = 0; i < frames; i++) {
      await s1.page.evaluate(
        (n: number) => (window as unknown as { __efs: { draw(n: number): void } }).__efs.draw(n),
        i,
      );
      await s1.page.screenshot({
        path: join(dir, `f${String(i).padStart(5, "0")}.png`) as `${string}.png`,
      });
    }
  } finally {
    await s1.close();
  }
  await runFfmpeg([
    ...["-framerate", String(FPS), "-i", join(dir, "f%05d.png"), "-i", audio],
    ...[
      "-c:v",
      "libx264",
      "-preset",
      "veryfast",
      "-profile:v",
      "high",
      "-pix_fmt",
      "yuv420p",
      "-b:v",
      "5000k",
    ],
    ...[
      "-c:a",
      "aac",
      "-b:a",
      "384k",
      "-ar",
      "48000",
      "-movflags",
      "+faststart",
      join(dir, "baseline.mp4"),
    ],
  ]).done;
  const baselineSec = (performance.now() - t) / 1000;
  log(`(b) baseline: ${frames} frames in ${baselineSec.toFixed(1)} s`);

  const renderFps = frames / renderSec;
  const baselineFps = frames / baselineSec;
  const drawFps = frames / drawSec;
  const f = (x: number) => x.toFixed(2);

  // (d) 1080p, draft vs final: the same clip in each quality, end to end.
  const fps1080: Record<string, number> = {};
  let finalOut = "";
  for (const quality of ["draft", "final"] as const) {
    const out = join(dir, `1080p-${quality}.mp4`);
    const t1 = performance.now();
    const r1 = await renderVideo({ ...base1080(audio), out, quality });
    fps1080[quality] = r1.frames / ((performance.now() - t1) / 1000);
    log(`(d) 1080p ${quality}: ${r1.frames} frames at ${f(fps1080[quality]!)} fps end to end`);
    finalOut = out;
  }
  const target = RENDER_FORMATS["flat-1080p-landscape"];
  const blockiness = videoBlockiness(finalOut, target.width, target.height);
  const bitrateRatio = videoKbps(finalOut) / target.videoKbps;

  // (e) 8K
  let fps8k = Number.NaN;
  if (FRAMES_8K > 0) {
    const t2 = performance.now();
    const r2 = await renderVideo({
      audioPath: audio,
      preset: DEFAULT_PRESET,
      format: "360-mono-8k",
      durationSec: FRAMES_8K / FPS,
      out: join(dir, "8k.mp4"),
      cacheDir: false,
    });
    fps8k = r2.frames / ((performance.now() - t2) / 1000);
    log(`(e) 360-mono-8k: ${r2.frames} frames at ${fps8k.toFixed(3)} fps end to end`);
  }

  console.log(
    [
      `render_fps=${f(renderFps)} baseline_fps=${f(baselineFps)} draw_fps=${f(drawFps)}`,
      `ratio=${f(renderFps / baselineFps)} efficiency=${f(renderFps / drawFps)} realtime=${f(renderFps / FPS)}`,
      `webcodecs_fps=${f(frames / webcodecsSec)}`,
      `draft_fps_1080p=${f(fps1080.draft!)} final_fps_1080p=${f(fps1080.final!)}`,
      `blockiness_1080p=${f(blockiness)} bitrate_ratio_1080p=${f(bitrateRatio)}`,
      `fps_8k=${fps8k.toFixed(3)}`,
    ].join(" "),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
