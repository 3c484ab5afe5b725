import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { analyzeAudio } from "@efs/core/audio/analyze";
import { RENDER_FORMATS } from "@efs/core/formats";
import { resolveVisualConfig } from "@efs/visual/presets";
import { afterAll, describe, expect, it } from "vitest";
import type { CaptureJob } from "../src/page/job";
import { pageGc } from "../src/page/upload";
import { type MemorySample, sampleProcessTree } from "../src/process-memory";
import { captureChunk, captureJob } from "../src/render";
import { type CaptureSession, openCaptureSession } from "../src/session";
import { rendererSettings } from "../src/settings";
import { makeAudio } from "./helpers/media";

// Every raw frame leaves the page as a Blob POST. Without releasing them, Chromium's memory
// grew by each 44 MB 8K frame until fetch failed after ≈0.35–0.6 GB, so no 8K render could
// finish. This sends 1.3 GB of 8K-sized frames through the page's real sending loop (no
// drawing, so it takes seconds; the 30 s 8K renders are in bench/render-8k.ts).
const dir = mkdtempSync(join(tmpdir(), "efs-frame-memory-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const FRAME = 7680 * 3840 * 1.5;
const FRAMES = 30;

async function previewSession(): Promise<{ session: CaptureSession; job: CaptureJob }> {
  const audio = makeAudio(join(dir, "a.wav"), 1);
  const { features } = await analyzeAudio(audio, { fps: 30, cacheDir: false });
  const format = RENDER_FORMATS["preview-360p"];
  const job: CaptureJob = {
    ...captureJob(format, 30, features, resolveVisualConfig("ethereal-flame")),
    output: "offscreen",
  };
  return { session: await openCaptureSession(job), job };
}

describe("frames leave the page with the browser's memory flat", () => {
  it("sends 30 frames of 8K I420 (1.3 GB) with Chromium's resident memory flat", async () => {
    const { session } = await previewSession();
    let received = 0;
    let framesDone = 0;
    session.server.setSink(
      new Writable({
        write(chunk: Buffer, _enc, cb) {
          received += chunk.length;
          framesDone = Math.floor(received / FRAME);
          cb();
        },
      }),
    );
    const samples: MemorySample[] = [];
    const pid = session.process.pid!;
    const sampler = sampleProcessTree(
      pid,
      () => framesDone,
      (s) => samples.push(s),
      200,
    );
    try {
      await session.page.evaluate(
        (n: number, b: number) =>
          (
            window as unknown as { __efs: { flood(n: number, b: number): Promise<unknown> } }
          ).__efs.flood(n, b),
        FRAMES,
        FRAME,
      );
    } finally {
      sampler.stop();
      await session.close();
    }
    expect(received).toBe(FRAMES * FRAME);
    // Baseline: once the first frames are out (the page's buffers exist); then no growth.
    const warm = samples.filter((s) => s.framesDone >= 2 && s.framesDone <= 4);
    const later = samples.filter((s) => s.framesDone > 4);
    expect(warm.length).toBeGreaterThan(0);
    expect(later.length).toBeGreaterThan(0);
    const base = Math.max(...warm.map((s) => s.rssMb));
    const peak = Math.max(...later.map((s) => s.rssMb));
    // Without the release the growth is the frames themselves (≥ 400 MB, or fetch fails).
    expect(peak - base).toBeLessThan(150);
  }, 180_000);

  it("refuses to send frames when the page cannot collect them, naming the flag", () => {
    expect(() => pageGc()).toThrow(/--js-flags=--expose-gc/);
  });
});

describe("a failed capture names its cause", () => {
  it("says Chromium died, after how many frames, and how much memory it held", async () => {
    const { session, job } = await previewSession();
    const browser = session.process;
    try {
      const run = captureChunk(session, job, { from: 0, to: 30 }, join(dir, "killed.ts"), {
        mode: "raw",
        onFrames: (done) => {
          if (done >= 5) browser.kill("SIGKILL");
        },
      });
      await expect(run).rejects.toThrow(
        /^Chromium exited \(SIGKILL, e\.g\. the out-of-memory killer\) after \d+ of 30 frames; its processes held \d+ MB at the last sample$/,
      );
    } finally {
      await session.close();
    }
  }, 120_000);

  it("reports ffmpeg's own error when the encoder dies mid-render", async () => {
    const fake = join(dir, "ffmpeg");
    writeFileSync(
      fake,
      "#!/bin/sh\nhead -c 1000000 >/dev/null\necho 'x264 [error]: fake encoder broke' >&2\nexit 1\n",
    );
    chmodSync(fake, 0o755);
    const { session, job } = await previewSession();
    try {
      const run = captureChunk(session, job, { from: 0, to: 30 }, join(dir, "broken.ts"), {
        mode: "raw",
        settings: rendererSettings({ EFS_FFMPEG_PATH: fake }),
      });
      await expect(run).rejects.toThrow(
        /^ffmpeg failed \(exit 1\): x264 \[error\]: fake encoder broke \(after \d+ of 30 frames\)$/,
      );
    } finally {
      await session.close();
    }
  }, 120_000);
});
