import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { concatChunks, type RenderProgress, renderVideo } from "../src/render";
import { psnr } from "../src/snapshot";
import {
  decodeFrames,
  decodeImage,
  makeAudio,
  meanLuma,
  probe,
  topLevelTypes,
} from "./helpers/media";

const dir = mkdtempSync(join(tmpdir(), "efs-render-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const audio = makeAudio(join(dir, "a.wav"), 1);
const cacheDir = join(dir, "cache");

describe("renderVideo (preview-360p, real Chromium + ffmpeg)", () => {
  let full = "";

  it("renders a valid H.264 High / AAC 48 kHz MP4 with moov first and reports progress", async () => {
    full = join(dir, "full.mp4");
    const thumb = join(dir, "thumb.jpg");
    const events: RenderProgress[] = [];
    const r = await renderVideo({
      audioPath: audio,
      preset: "ethereal-flame",
      format: "preview-360p",
      out: full,
      thumbnail: thumb,
      cacheDir,
      onProgress: (p) => events.push(p),
    });
    expect(r.frames).toBe(30);
    const p = probe(full);
    expect(p.video).toMatchObject({
      codec_name: "h264",
      profile: "High",
      width: 640,
      height: 360,
      pix_fmt: "yuv420p",
    });
    expect(p.audio).toMatchObject({ codec_name: "aac", sample_rate: "48000", channels: 2 });
    expect(Math.abs(Number(p.video.duration) - 1)).toBeLessThanOrEqual(1 / 30 + 1e-3);
    expect(Math.abs(p.durationSec - 1)).toBeLessThanOrEqual(1 / 30 + 1e-3);
    const types = topLevelTypes(full);
    expect(types.indexOf("moov")).toBeLessThan(types.indexOf("mdat"));
    // Stages in order: starting → rendering (frames rising to the total) → encoding.
    const stages = events.map((e) => e.stage).filter((s, i, a) => s !== a[i - 1]);
    expect(stages).toEqual(["starting", "rendering", "encoding"]);
    const frames = events.filter((e) => e.stage === "rendering");
    expect(frames.at(-1)).toMatchObject({ framesDone: 30, framesTotal: 30 });
    expect(frames.every((e, i) => i === 0 || e.framesDone >= frames[i - 1]!.framesDone)).toBe(true);
    // The thumbnail: a 640×360 JPEG of a frame from inside the video, never the first one.
    expect(probe(thumb).video).toMatchObject({ codec_name: "mjpeg", width: 640, height: 360 });
    const image = decodeImage(thumb, 640, 360);
    const scores = decodeFrames(full, 640, 360).map((f) => psnr(f, image));
    const best = scores.indexOf(Math.max(...scores));
    expect(scores[best]).toBeGreaterThan(30);
    expect(best).toBeGreaterThan(0);
    expect(meanLuma(image)).toBeGreaterThan(8);
  }, 240_000);

  it("two frame ranges concatenated match the full render frame by frame", async () => {
    const a = join(dir, "a.ts");
    const b = join(dir, "b.ts");
    await renderVideo({
      audioPath: audio,
      preset: "ethereal-flame",
      format: "preview-360p",
      from: 0,
      to: 13,
      out: a,
      cacheDir,
    });
    await renderVideo({
      audioPath: audio,
      preset: "ethereal-flame",
      format: "preview-360p",
      from: 13,
      out: b,
      cacheDir,
    });
    const joined = join(dir, "joined.mp4");
    await concatChunks({ chunks: [a, b], audioPath: audio, format: "preview-360p", out: joined });
    const fa = decodeFrames(full, 640, 360);
    const fb = decodeFrames(joined, 640, 360);
    expect(fb.length).toBe(30);
    expect(fa.length).toBe(30);
    const worst = Math.min(...fa.map((f, i) => psnr(f, fb[i]!)));
    expect(worst).toBeGreaterThan(32);
    expect(Math.abs(probe(joined).durationSec - probe(full).durationSec)).toBeLessThan(1e-3);
  }, 240_000);

  it("cancels on abort: rejects and leaves no output file", async () => {
    const out = join(dir, "cancelled.mp4");
    const ac = new AbortController();
    const p = renderVideo({
      audioPath: audio,
      preset: "ethereal-flame",
      format: "preview-360p",
      out,
      cacheDir,
      signal: ac.signal,
      onProgress: (e) => {
        if (e.framesDone >= 10) ac.abort(new Error("user cancelled"));
      },
    });
    await expect(p).rejects.toThrow(/cancelled/);
    expect(existsSync(out)).toBe(false);
  }, 240_000);

  it("rejects bad options with the fix in the message, before doing any work", async () => {
    const base = {
      audioPath: audio,
      preset: "ethereal-flame",
      format: "preview-360p",
      out: join(dir, "x.mp4"),
    };
    await expect(renderVideo({ ...base, format: "vhs" })).rejects.toThrow(
      /unknown format "vhs"; choose one of preview-360p/,
    );
    await expect(renderVideo({ ...base, preset: "disco" })).rejects.toThrow(
      /unknown preset "disco"; choose one of ethereal-flame/,
    );
    await expect(renderVideo({ ...base, fps: 24 })).rejects.toThrow(/--fps must be 30 or 60/);
    await expect(renderVideo({ ...base, from: 10, to: 5 })).rejects.toThrow(
      /--to \(5\) must be greater than --from \(10\)/,
    );
    expect(existsSync(base.out)).toBe(false);
  });
});
