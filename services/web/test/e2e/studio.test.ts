// The studio in a browser: `next start` (built once), a real worker process, the local
// renderer process, real ffmpeg and Debian Chromium through playwright-core. Unlock → upload
// → ready → play → live preview canvas draws and follows the audio → preview-360p render →
// download the MP4. Screenshots land in .test-artifacts/ on failure.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { CHROMIUM_HEADLESS_FLAGS } from "@efs/core/chromium-flags";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import {
  ensureWebBuild,
  freePort,
  startWebServer,
  stopGroup,
  type WebServer,
} from "../../../../test-support/web-server";

const ROOT = resolve(import.meta.dirname, "../../../..");
const ARTIFACTS = join(ROOT, ".test-artifacts");
const ACCESS_KEY = "e2e-access-key-4f2a9c1e";
const CHROMIUM_FLAGS = [...CHROMIUM_HEADLESS_FLAGS, "--autoplay-policy=no-user-gesture-required"];

let dir: string;
let web: WebServer;
let worker: ChildProcess;
let renderer: ChildProcess;
let workerLog: string[] = [];
let rendererLog: string[] = [];
const webLog: string[] = [];
let browser: Browser;
let page: Page;
let audioFile: string;
let audioId: string;

function screenshotOnFailure(name: string): void {
  onTestFailed(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    await page
      ?.screenshot({ path: join(ARTIFACTS, `web-e2e-${name}.png`), fullPage: true })
      .catch(() => undefined);
    console.error(
      `--- web log ---\n${web?.logTail(60)}\n--- worker log ---\n${workerLog.slice(-60).join("\n")}\n--- renderer log ---\n${rendererLog.slice(-60).join("\n")}`,
    );
  });
}

beforeAll(async () => {
  await ensureWebBuild();
  dir = await mkdtemp(join(tmpdir(), "efs-web-e2e-"));
  audioFile = join(dir, "pulse.mp3");
  // 20 s of a 220 Hz tone pulsing at 2 Hz over soft noise: loud and quiet moments to react to.
  execFileSync("ffmpeg", [
    "-hide_banner",
    "-v",
    "error",
    "-f",
    "lavfi",
    "-i",
    "aevalsrc=0.8*sin(2*PI*220*t)*(0.5+0.5*sin(2*PI*2*t))+0.05*random(0):s=44100:d=20",
    "-ac",
    "2",
    "-b:a",
    "128k",
    audioFile,
  ]);
  const webhookSecret = "cd".repeat(32);
  const rendererPort = await freePort();
  const env = {
    EFS_DATA_DIR: join(dir, "data"),
    STUDIO_ACCESS_KEY: ACCESS_KEY,
    INTERNAL_WEBHOOK_SECRET: webhookSecret,
    LOCAL_STORAGE_SECRET: "ef".repeat(32),
    RENDER_BACKEND: "local",
    RENDERER_URL: `http://127.0.0.1:${rendererPort}`,
    RENDERER_AUTH_TOKEN: "e2e-renderer-token-7d3b",
  };
  web = await startWebServer({ env, onLine: (line) => webLog.push(line) });
  const start = (script: string, args: string[], extra: Record<string, string>, log: string[]) => {
    const child = spawn(process.execPath, ["--import", "tsx", script, ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env, NEXT_PUBLIC_APP_URL: web.url, ...extra },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    const collect = (d: Buffer) => log.push(...d.toString().split("\n").filter(Boolean));
    child.stdout?.on("data", collect);
    child.stderr?.on("data", collect);
    return child;
  };
  renderer = start(
    "services/renderer/src/cli.ts",
    ["serve", "--port", String(rendererPort)],
    {},
    rendererLog,
  );
  await waitListening(env.RENDERER_URL, renderer, rendererLog);
  worker = start(
    "services/worker/src/main.ts",
    [],
    { WORKER_POLL_MS: "300", WORKER_TMP_DIR: dir },
    workerLog,
  );
  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: CHROMIUM_FLAGS,
  });
  page = await browser.newPage({ viewport: { width: 1000, height: 900 } });
}, 25 * 60_000);

afterAll(async () => {
  await browser?.close();
  if (worker) await stopGroup(worker);
  if (renderer) await stopGroup(renderer);
  await web?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
  workerLog = [];
  rendererLog = [];
});

// Waits until the renderer answers HTTP at `url` (any status), failing with its log if it exits.
async function waitListening(url: string, child: ChildProcess, log: string[]): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`renderer exited (${child.exitCode}):\n${log.join("\n")}`);
    try {
      await (await fetch(url, { signal: AbortSignal.timeout(3_000) })).arrayBuffer();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 300));
    }
  }
  throw new Error(`renderer did not listen on ${url} within 120 s:\n${log.join("\n")}`);
}

// Mean luminance and mean absolute difference of two PNG screenshots (decoded by ffmpeg).
function gray(png: Buffer): Buffer {
  return execFileSync(
    "ffmpeg",
    ["-v", "error", "-i", "pipe:0", "-f", "rawvideo", "-pix_fmt", "gray", "pipe:1"],
    {
      input: png,
      maxBuffer: 64 * 1024 * 1024,
    },
  );
}
const mean = (b: Buffer) => b.reduce((s, v) => s + v, 0) / b.length;
const diff = (a: Buffer, b: Buffer) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs((a[i] ?? 0) - (b[i] ?? 0));
  return s / a.length;
};

describe("the studio in a browser", () => {
  it("unlocks with the access key", async () => {
    screenshotOnFailure("unlock");
    await page.goto(web.url);
    await page.waitForURL(/\/unlock/);
    await page.fill('input[name="key"]', "wrong-key");
    await page.click('button[type="submit"]');
    await expect
      .poll(() => page.locator('form p[role="alert"]').textContent(), { timeout: 15_000 })
      .toMatch(/not right/);
    await page.fill('input[name="key"]', ACCESS_KEY);
    await page.click('button[type="submit"]');
    await page.waitForURL(`${web.url}/`);
    await page.getByRole("heading", { name: "Your audio" }).waitFor();
    const cookies = await page.context().cookies();
    expect(cookies.find((c) => c.name === "efs_session")?.httpOnly).toBe(true);
  }, 60_000);

  it("uploads a generated audio file and sees it become ready", async () => {
    screenshotOnFailure("upload");
    await page.setInputFiles('[data-testid="file-input"]', audioFile);
    const item = page.locator('[data-testid="library"] li').filter({ hasText: "pulse" });
    await item.waitFor({ timeout: 60_000 });
    await expect
      .poll(() => item.locator('[data-testid="job-status"]').textContent(), {
        timeout: 180_000,
        interval: 1000,
      })
      .toBe("Ready");
    audioId = (await item.getAttribute("data-job-id")) ?? "";
    expect(audioId).toMatch(/^job_/);
  }, 240_000);

  it("plays the prepared audio with its waveform", async () => {
    screenshotOnFailure("play");
    await page.goto(`${web.url}/audio/${audioId}`);
    const player = page.locator('[data-testid="player"]');
    await player.waitFor();
    await page.evaluate(() =>
      (document.querySelector('[data-testid="player"]') as HTMLAudioElement).play(),
    );
    await expect
      .poll(() => player.evaluate((el: HTMLAudioElement) => el.currentTime), { timeout: 30_000 })
      .toBeGreaterThan(0.5);
    const shot = gray(await page.locator('[data-testid="waveform"]').screenshot());
    expect(mean(shot)).toBeGreaterThan(5);
  }, 60_000);

  it("draws the live preview on the visual page and follows the audio", async () => {
    screenshotOnFailure("visual");
    await page.goto(`${web.url}/visual/${audioId}`);
    const canvas = page.locator('[data-testid="preview-canvas"]');
    await canvas.waitFor({ timeout: 60_000 });
    await expect
      .poll(() => page.locator('[data-testid="feature-source"]').textContent(), { timeout: 30_000 })
      .toMatch(/analysed features/);
    const audio = page.locator('[data-testid="player"]');
    // Paused at 0: the frame is a pure function of time, so it holds still.
    await page.waitForTimeout(1500);
    const still1 = gray(await canvas.screenshot());
    await page.waitForTimeout(800);
    const still2 = gray(await canvas.screenshot());
    expect(mean(still1)).toBeGreaterThan(3);
    expect(diff(still1, still2)).toBeLessThan(0.5);
    // Playing: frames change with the audio.
    await audio.evaluate((el: HTMLAudioElement) => el.play());
    await expect
      .poll(() => audio.evaluate((el: HTMLAudioElement) => el.currentTime), { timeout: 30_000 })
      .toBeGreaterThan(1);
    const moving1 = gray(await canvas.screenshot());
    expect(mean(moving1)).toBeGreaterThan(3);
    // SwiftShader on a loaded 2-core box may take a while per frame: wait for the next one.
    await expect
      .poll(async () => diff(moving1, gray(await canvas.screenshot())), {
        timeout: 30_000,
        interval: 500,
      })
      .toBeGreaterThan(0.5);
    expect(await audio.evaluate((el: HTMLAudioElement) => el.paused)).toBe(false);
  }, 120_000);

  it("renders a preview-360p video from the visual page and downloads the MP4", async () => {
    screenshotOnFailure("render");
    await page.getByRole("button", { name: "Render video…" }).click();
    await page.selectOption('[data-testid="render-format"]', "preview-360p");
    await page.check('[data-testid="render-partial"]');
    await page.fill('[data-testid="render-seconds"]', "2");
    await page.getByRole("button", { name: "Start render" }).click();
    const link = page.locator('[data-testid="render-download"]');
    const failed = page.locator('dialog [data-status="failed"]');
    await link.or(failed).waitFor({ timeout: 420_000 });
    if ((await failed.count()) > 0) throw new Error(`render failed: ${await failed.textContent()}`);
    const href = await link.getAttribute("href");
    expect(href).toMatch(/\/api\/storage\/renders\/.+\.mp4\?exp=\d+.*&sig=[0-9a-f]{64}/);
    const res = await fetch(href!);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename=".+\.mp4"/);
    const mp4 = join(dir, "download.mp4");
    await writeFile(mp4, Buffer.from(await res.arrayBuffer()));
    const probe = JSON.parse(
      execFileSync("ffprobe", [
        "-v",
        "error",
        "-show_streams",
        "-show_format",
        "-of",
        "json",
        mp4,
      ]).toString(),
    ) as { streams: Array<Record<string, unknown>>; format: { duration: string } };
    const video = probe.streams.find((st) => st.codec_type === "video");
    expect(video).toMatchObject({
      codec_name: "h264",
      width: 640,
      height: 360,
      pix_fmt: "yuv420p",
    });
    expect(probe.streams.some((st) => st.codec_type === "audio")).toBe(true);
    expect(Number(probe.format.duration)).toBeGreaterThan(1.8);
    expect(Number(probe.format.duration)).toBeLessThan(2.5);
    const renderId = /renders\/(job_[0-9a-z]+)\//.exec(href!)?.[1];
    await expect
      .poll(() => webLog.some((l) => l.includes(`[Webhook] Render complete for job ${renderId}`)), {
        timeout: 10_000,
      })
      .toBe(true);

    await page.goto(`${web.url}/renders`);
    const card = page.locator(`[data-testid="renders"] [data-job-id="${renderId}"]`);
    await card.waitFor();
    expect(await card.locator("video.thumb, img.thumb").count()).toBe(1);
    expect(await card.getByRole("link", { name: "Download MP4" }).getAttribute("href")).toMatch(
      /sig=/,
    );
  }, 480_000);

  it("fits a phone screen: no sideways scrolling on the library, player, visual and renders pages", async () => {
    screenshotOnFailure("phone");
    const phone = await browser.newPage({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
    });
    await phone.context().addCookies(await page.context().cookies());
    try {
      for (const path of ["/", `/audio/${audioId}`, `/visual/${audioId}`, "/renders"]) {
        await phone.goto(`${web.url}${path}`);
        await phone.locator("h1").first().waitFor();
        const overflow = await phone.evaluate(
          () => document.documentElement.scrollWidth - window.innerWidth,
        );
        expect(overflow, path).toBeLessThanOrEqual(0);
      }
    } finally {
      await phone.close();
    }
  }, 120_000);

  it("falls back to live Web Audio analysis when an item has no precomputed features", async () => {
    screenshotOnFailure("live-analysis");
    const storageDir = join(dir, "data", "storage", "audio", audioId);
    for (const name of await readdir(storageDir)) {
      if (name.startsWith("features")) await rm(join(storageDir, name));
    }
    await page.goto(`${web.url}/visual/${audioId}`);
    await expect
      .poll(() => page.locator('[data-testid="feature-source"]').textContent(), { timeout: 30_000 })
      .toMatch(/live analysis/);
    const canvas = page.locator('[data-testid="preview-canvas"]');
    await canvas.waitFor({ timeout: 60_000 });
    const audio = page.locator('[data-testid="player"]');
    await audio.evaluate((el: HTMLAudioElement) => el.play());
    await expect
      .poll(() => audio.evaluate((el: HTMLAudioElement) => el.currentTime), { timeout: 30_000 })
      .toBeGreaterThan(1);
    // The visual is rebuilt every few seconds with the newly analysed frames: shoot the stage.
    const frame = gray(await page.locator(".stage").screenshot());
    expect(mean(frame)).toBeGreaterThan(3);
  }, 120_000);
});
