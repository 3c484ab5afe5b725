// Still frames straight from the capture page (no encoding): golden-frame and projection
// tests, previews. Pixels are RGBA, rows top-down.
import { runChild } from "@efs/core/proc/run";
import type { CaptureJob, PageInfo } from "./page/job";
import type { CaptureSession } from "./session";

type PageApi = {
  __efs: { init(j: CaptureJob): Promise<PageInfo>; pixels(i: number, eye: number): string };
};

// Switches the session's page to `job` (same browser, new visuals).
export async function switchJob(session: CaptureSession, job: CaptureJob): Promise<PageInfo> {
  return session.page.evaluate((j) => (window as unknown as PageApi).__efs.init(j), job);
}

// Draws frame `index` of the current job and returns its RGBA pixels (`eye` 1: the right eye
// of a stereo job).
export async function readFrame(session: CaptureSession, index: number, eye = 0): Promise<Buffer> {
  const b64 = await session.page.evaluate(
    (i, e) => (window as unknown as PageApi).__efs.pixels(i, e),
    index,
    eye,
  );
  return Buffer.from(b64, "base64");
}

// Encodes RGBA pixels as a PNG file with ffmpeg.
export async function writePng(
  path: string,
  rgba: Buffer,
  width: number,
  height: number,
): Promise<void> {
  await pipeFfmpeg(
    [
      "-f",
      "rawvideo",
      "-pix_fmt",
      "rgba",
      "-s",
      `${width}x${height}`,
      "-i",
      "pipe:0",
      "-frames:v",
      "1",
      "-y",
      path,
    ],
    rgba,
  );
}

// Decodes an image or video frame to RGBA pixels with ffmpeg.
export async function readRgba(path: string, opts: { frame?: number } = {}): Promise<Buffer> {
  const sel =
    opts.frame !== undefined ? ["-vf", `select=eq(n\\,${opts.frame})`, "-vsync", "0"] : [];
  return pipeFfmpeg([
    "-i",
    path,
    ...sel,
    "-frames:v",
    "1",
    "-f",
    "rawvideo",
    "-pix_fmt",
    "rgba",
    "pipe:1",
  ]);
}

async function pipeFfmpeg(args: string[], input?: Buffer): Promise<Buffer> {
  const out: Buffer[] = [];
  const res = await runChild("ffmpeg", ["-v", "error", "-nostdin", ...args], {
    input,
    onStdout: (d) => out.push(d),
    installHint: "apt-get install ffmpeg",
  });
  if (res.exitCode !== 0) throw new Error(`ffmpeg failed: ${res.stderr.trim()}`);
  return Buffer.concat(out);
}

// Peak signal-to-noise ratio between two RGBA buffers over RGB (Infinity when identical).
export function psnr(a: Buffer, b: Buffer): number {
  if (a.length !== b.length)
    throw new Error(`image sizes differ: ${a.length} vs ${b.length} bytes`);
  let se = 0;
  let n = 0;
  for (let i = 0; i < a.length; i += 4) {
    for (let c = 0; c < 3; c++) {
      const d = a[i + c]! - b[i + c]!;
      se += d * d;
      n++;
    }
  }
  if (se === 0) return Number.POSITIVE_INFINITY;
  return 10 * Math.log10((255 * 255) / (se / n));
}
