// The studio in a browser: `next start` (built once), a real worker process, the local
// renderer process, real ffmpeg and Debian Chromium through playwright-core. Unlock → `efs
// smoke` (passing and failing) leaves an empty library → upload → ready → play → live preview
// draws and follows the audio, in portrait, square and 360° (drag to look) → preview-360p render
// whose progress moves → title, file name, thumbnail, plays in the page → delete a track → pages
// and search → a sub-second track → a 360° render in the viewer. Screenshots land in
// .test-artifacts/ on failure.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { CHROMIUM_HEADLESS_FLAGS } from "@efs/core/chromium-flags";
import { openJobStore } from "@efs/core/jobs/store";
import type { JobStore } from "@efs/core/jobs/types";
import { createStorage } from "@efs/core/storage/create";
import type { Storage } from "@efs/core/storage/types";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { efsCommand } from "../../../../test-support/efs-cli";
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
const STORAGE_SECRET = "ef".repeat(32);
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
let renderId: string;
let store: JobStore;
let storage: Storage;
const notFound: string[] = [];

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
    LOCAL_STORAGE_SECRET: STORAGE_SECRET,
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
    {
      WORKER_POLL_MS: "300",
      WORKER_TMP_DIR: dir,
      // Progress is read from the renderer often, and a cancelled job notices within 2 s.
      WORKER_PROGRESS_INTERVAL_MS: "300",
      WORKER_LEASE_MS: "6000",
    },
    workerLog,
  );
  store = await openJobStore({ url: `file:${join(dir, "data", "efs.db")}` });
  storage = await createStorage({
    backend: "local",
    root: join(dir, "data", "storage"),
    signingSecret: STORAGE_SECRET,
    publicBaseUrl: web.url,
  });
  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: CHROMIUM_FLAGS,
  });
  page = await browser.newPage({ viewport: { width: 1000, height: 900 } });
  // Every same-origin 404 a page causes (a missing favicon was one on every page).
  page.on("response", (r) => {
    if (r.status() === 404 && r.url().startsWith(web.url) && !r.url().includes("/api/"))
      notFound.push(r.url());
  });
}, 25 * 60_000);

afterAll(async () => {
  store?.close();
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
// The named colour nearest to the pixel at (x, y), as fractions of a PNG screenshot's size.
function rgbAt(png: Buffer, x: number, y: number): string {
  const [w, h] = [64, 36];
  const scale = ["-vf", `scale=${w}:${h}:flags=neighbor`];
  const rgb = execFileSync(
    "ffmpeg",
    ["-v", "error", "-i", "pipe:0", ...scale, "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"],
    { input: png, maxBuffer: 1 << 20 },
  );
  const i = (Math.min(h - 1, Math.floor(y * h)) * w + Math.min(w - 1, Math.floor(x * w))) * 3;
  const px = [rgb[i]!, rgb[i + 1]!, rgb[i + 2]!];
  const named: Record<string, number[]> = {
    red: [255, 0, 0],
    green: [0, 128, 0],
    blue: [0, 0, 255],
    yellow: [255, 255, 0],
    white: [255, 255, 255],
  };
  const dist = (c: number[]) => c.reduce((sum, v, k) => sum + (v - px[k]!) ** 2, 0);
  return Object.entries(named).sort((a, b) => dist(a[1]!) - dist(b[1]!))[0]![0];
}
const mean = (b: Buffer) => b.reduce((s, v) => s + v, 0) / b.length;
const diff = (a: Buffer, b: Buffer) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs((a[i] ?? 0) - (b[i] ?? 0));
  return s / a.length;
};

// Runs `efs smoke` against the studio (the local target, unlocked with the access key).
function smoke(args: string[]): Promise<{ code: number; json: SmokeJson }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(
      process.execPath,
      [...efsCommand(), "smoke", "--target", "local", "--url", web.url, "--json", ...args],
      {
        cwd: dir,
        env: {
          PATH: process.env.PATH,
          HOME: dir,
          CI: "true",
          NO_COLOR: "1",
          STUDIO_ACCESS_KEY: ACCESS_KEY,
        } as unknown as NodeJS.ProcessEnv,
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", () => {});
    child.on("error", reject);
    child.on("close", (code) => {
      try {
        resolvePromise({ code: code ?? -1, json: JSON.parse(out) as SmokeJson });
      } catch {
        reject(new Error(`efs smoke printed no JSON (exit ${code}):\n${out}`));
      }
    });
  });
}
interface SmokeJson {
  data: { stages: Array<{ id: string; status: string; detail: string }> };
}

// Every object in the studio's storage.
async function allKeys(): Promise<string[]> {
  const keys: string[] = [];
  for (const prefix of ["uploads/", "audio/", "previews/", "renders/"]) {
    for await (const o of storage.list(prefix)) keys.push(o.key);
  }
  return keys;
}

// Uploads `file` from the library page and waits until its item is Ready; returns its id.
async function uploadAndWait(file: string, name: string): Promise<string> {
  await page.goto(web.url);
  await page.setInputFiles('[data-testid="file-input"]', file);
  const item = page.locator('[data-testid="library"] li').filter({ hasText: name });
  await item.waitFor({ timeout: 60_000 });
  await expect
    .poll(() => item.locator('[data-testid="job-status"]').textContent(), {
      timeout: 180_000,
      interval: 1000,
    })
    .toBe("Ready");
  return (await item.getAttribute("data-job-id")) ?? "";
}

// Drags across the middle of `selector` by dx pixels with the mouse.
async function dragAcross(selector: string, dx: number): Promise<void> {
  const box = (await page.locator(selector).boundingBox())!;
  const x = box.x + box.width / 2;
  const y = box.y + box.height / 2;
  await page.mouse.move(x, y);
  await page.mouse.down();
  await page.mouse.move(x + dx, y + dx / 4, { steps: 8 });
  await page.mouse.up();
}

function makeTone(name: string, seconds: number): string {
  const file = join(dir, name);
  execFileSync("ffmpeg", [
    "-hide_banner",
    "-v",
    "error",
    "-f",
    "lavfi",
    "-i",
    `aevalsrc=0.6*sin(2*PI*330*t)*(0.5+0.5*sin(2*PI*3*t)):s=44100:d=${seconds}`,
    "-ac",
    "2",
    file,
  ]);
  return file;
}

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

  it("runs efs smoke, passing and failing, and leaves an empty library and empty storage", async () => {
    screenshotOnFailure("smoke");
    const passing = await smoke([]);
    expect(passing.code, JSON.stringify(passing.json.data.stages, null, 1)).toBe(0);
    expect(passing.json.data.stages.find((st) => st.id === "cleanup")?.detail).toMatch(
      /^2 test jobs deleted/,
    );
    // A smoke that fails half way (the ingest cannot finish in 1 s) cleans up as well.
    const failing = await smoke(["--no-render", "--timeout", "1"]);
    expect(failing.code, JSON.stringify(failing.json.data.stages, null, 1)).toBe(13);
    expect(failing.json.data.stages.find((st) => st.id === "cleanup")?.status).toBe("pass");
    await page.goto(web.url);
    await page.locator('[data-testid="library-empty"]').waitFor({ timeout: 30_000 });
    expect(await page.locator('[data-testid="library"] li').count()).toBe(0);
    // The failed smoke's ingest was still running: the worker removes what it wrote after.
    await expect.poll(allKeys, { timeout: 60_000, interval: 1000 }).toEqual([]);
    await page.reload();
    await expect
      .poll(() => page.locator('[data-testid="storage-usage"]').textContent(), { timeout: 15_000 })
      .toBe("Storage used: 0 B in 0 files");
    await page.goto(`${web.url}/renders`);
    await page.locator('[data-testid="renders-empty"]').waitFor();
  }, 600_000);

  it("uploads a generated audio file and sees it become ready", async () => {
    screenshotOnFailure("upload");
    audioId = await uploadAndWait(audioFile, "pulse");
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

  it("previews the chosen format: portrait, square and 360° with drag to look", async () => {
    screenshotOnFailure("formats");
    const canvas = page.locator('[data-testid="preview-canvas"]');
    const ratio = () =>
      canvas.evaluate((c: HTMLCanvasElement) => Math.round((c.width / c.height) * 1000) / 1000);
    for (const [format, want] of [
      ["flat-1080p-portrait", 0.563],
      ["flat-1080p-square", 1],
    ] as const) {
      await page.selectOption('[data-testid="preview-format"]', format);
      await expect.poll(ratio, { timeout: 60_000 }).toBe(want);
      const box = (await page.locator(".stage").boundingBox())!;
      expect(Math.round((box.width / box.height) * 100) / 100).toBeCloseTo(want, 1);
      await expect
        .poll(async () => mean(gray(await canvas.screenshot())), { timeout: 30_000 })
        .toBeGreaterThan(3);
      await page.screenshot({ path: join(ARTIFACTS, `web-e2e-preview-${format}.png`) });
    }
    await page.selectOption('[data-testid="preview-format"]', "360-mono-4k");
    const sphere = page.locator('[data-testid="sphere-viewer"]');
    await sphere.waitFor({ timeout: 60_000 });
    await expect
      .poll(async () => mean(gray(await sphere.screenshot())), { timeout: 60_000, interval: 500 })
      .toBeGreaterThan(3);
    // Paused: the picture only moves because the view turns.
    const before = gray(await sphere.screenshot());
    expect(await sphere.getAttribute("data-yaw")).toBe("0");
    await dragAcross('[data-testid="sphere-viewer"]', -240);
    await expect.poll(() => sphere.getAttribute("data-yaw"), { timeout: 5_000 }).not.toBe("0");
    expect(Number(await sphere.getAttribute("data-yaw"))).toBeGreaterThan(20); // dragged left: turned right
    await expect
      .poll(async () => diff(before, gray(await sphere.screenshot())), { timeout: 30_000 })
      .toBeGreaterThan(1);
    await page.screenshot({ path: join(ARTIFACTS, "web-e2e-preview-360.png") });
    await page.selectOption('[data-testid="preview-format"]', "flat-1080p-landscape");
    await canvas.waitFor({ timeout: 60_000 });
  }, 240_000);

  it("renders a preview-360p video in the quality picked, whose progress moves, named after its track, and downloads it", async () => {
    screenshotOnFailure("render");
    await page.getByRole("button", { name: "Render video…" }).click();
    // The quality follows the format's default (final above 1080p, else draft) until picked.
    const quality = (q: string) => page.locator(`[data-testid="render-quality-${q}"]`);
    await page.selectOption('[data-testid="render-format"]', "flat-4k-landscape");
    expect(await quality("final").isChecked()).toBe(true);
    await page.selectOption('[data-testid="render-format"]', "preview-360p");
    expect(await quality("draft").isChecked()).toBe(true);
    expect(await page.locator('[data-testid="render-quality"]').textContent()).toMatch(
      /Draft \(default for this format\)/,
    );
    await page.check('[data-testid="render-quality-final"]');
    await page.check('[data-testid="render-partial"]');
    await page.fill('[data-testid="render-seconds"]', "3");
    await page.screenshot({ path: join(ARTIFACTS, "web-e2e-render-dialog.png") });
    await page.getByRole("button", { name: "Start render" }).click();
    const status = page.locator("dialog [data-job-id]");
    await status.waitFor();
    renderId = (await status.getAttribute("data-job-id")) ?? "";
    const asked = (await (await page.request.get(`${web.url}/api/jobs/${renderId}`)).json()) as {
      job: { request: { quality?: string } };
    };
    expect(asked.job.request.quality).toBe("final");
    // Watch the bar in the page and progress.percent through the API until it completes.
    const bar: number[] = [];
    const api: number[] = [];
    const watching = (async () => {
      for (;;) {
        const res = await page.request.get(`${web.url}/api/jobs/${renderId}`);
        const { job } = (await res.json()) as {
          job: { status: string; progress: { percent?: number } | null };
        };
        if (job.status !== "pending" && job.status !== "processing") return;
        if (typeof job.progress?.percent === "number") api.push(job.progress.percent);
        const now = await page
          .locator('dialog [data-testid="job-progress"]')
          .getAttribute("aria-valuenow", { timeout: 500 })
          .catch(() => null);
        if (now !== null) bar.push(Number(now));
        await new Promise((r) => setTimeout(r, 250));
      }
    })();
    const link = page.locator('[data-testid="render-download"]');
    const failed = page.locator('dialog [data-status="failed"]');
    await link.or(failed).waitFor({ timeout: 420_000 });
    await watching;
    if ((await failed.count()) > 0) throw new Error(`render failed: ${await failed.textContent()}`);
    // The bar moved through at least two values on its way up, and the API's percent rose.
    const distinct = (xs: number[]) => [...new Set(xs)];
    expect(distinct(bar).length, `bar: ${bar}`).toBeGreaterThanOrEqual(2);
    expect(bar, `bar: ${bar}`).toEqual([...bar].sort((a, b) => a - b));
    expect(distinct(api).length, `api: ${api}`).toBeGreaterThanOrEqual(2);
    expect(api, `api: ${api}`).toEqual([...api].sort((a, b) => a - b));
    const href = await link.getAttribute("href");
    expect(href).toMatch(/\/api\/storage\/renders\/.+\.mp4\?exp=\d+.*&sig=[0-9a-f]{64}/);
    const res = await fetch(href!);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-disposition")).toMatch(
      /^attachment; filename="pulse-ethereal-flame-360p-preview\.mp4"/,
    );
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
    expect(Number(probe.format.duration)).toBeGreaterThan(2.8);
    expect(Number(probe.format.duration)).toBeLessThan(3.5);
    expect(/renders\/(job_[0-9a-z]+)\//.exec(href!)?.[1]).toBe(renderId);
    await expect
      .poll(() => webLog.some((l) => l.includes(`[Webhook] Render complete for job ${renderId}`)), {
        timeout: 10_000,
      })
      .toBe(true);

    await page.goto(`${web.url}/renders`);
    const card = page.locator(`[data-testid="renders"] [data-job-id="${renderId}"]`);
    await card.waitFor();
    expect(await card.locator('[data-testid="render-title"]').textContent()).toBe(
      "pulse · Ethereal Flame · 360p preview",
    );
    expect(await card.textContent()).toContain("first 3 s · final quality");
    // The thumbnail is the renderer's JPEG of a lit frame, not the video's black first frame.
    const thumb = card.locator("img.thumb");
    await expect
      .poll(() => thumb.evaluate((i: HTMLImageElement) => i.complete && i.naturalWidth))
      .toBe(640);
    expect(mean(gray(await thumb.screenshot()))).toBeGreaterThan(8);
    expect(await card.getByRole("link", { name: "Download MP4" }).getAttribute("href")).toMatch(
      /sig=/,
    );
    await page.screenshot({ path: join(ARTIFACTS, "web-e2e-renders.png"), fullPage: true });
    // Watch: it plays in the page.
    await card.getByRole("link", { name: "Watch", exact: true }).click();
    await page.waitForURL(`${web.url}/renders/${renderId}`);
    const player = page.locator('[data-testid="render-video"]');
    await player.waitFor();
    await player.evaluate((v: HTMLVideoElement) => {
      v.muted = true;
      return v.play();
    });
    await expect
      .poll(() => player.evaluate((v: HTMLVideoElement) => v.currentTime), { timeout: 30_000 })
      .toBeGreaterThan(0.5);
    await page.screenshot({ path: join(ARTIFACTS, "web-e2e-watch.png") });
  }, 480_000);

  it("deletes a track after a confirmation that says what goes: gone from the list and from storage", async () => {
    screenshotOnFailure("delete");
    const doomedId = await uploadAndWait(makeTone("doomed.wav", 2), "doomed");
    const usage = page.locator('[data-testid="storage-usage"]');
    const files = async () => Number(/in (\d+) file/.exec((await usage.textContent()) ?? "")?.[1]);
    await page.reload();
    await expect.poll(files).toBeGreaterThan(0);
    const before = await files();
    const item = page.locator(`[data-testid="library"] li[data-job-id="${doomedId}"]`);
    await item.getByRole("button", { name: "Delete" }).click();
    const dialog = page.locator('[data-testid="delete-dialog"]');
    await expect.poll(() => dialog.textContent()).toMatch(/Nothing else was made from it/);
    expect(await dialog.textContent()).toMatch(/Frees .+ \(\d+ files\)\. This cannot be undone\./);
    await page.screenshot({ path: join(ARTIFACTS, "web-e2e-delete-dialog.png") });
    await dialog.getByRole("button", { name: "Delete", exact: true }).click();
    await item.waitFor({ state: "detached" });
    await expect.poll(files).toBeLessThan(before);
    expect((await allKeys()).filter((k) => k.includes(doomedId))).toEqual([]);
    expect((await page.request.get(`${web.url}/api/jobs/${doomedId}`)).status()).toBe(404);
    // The other track, with its render, is untouched; deleting it would say so.
    const pulse = page.locator(`[data-testid="library"] li[data-job-id="${audioId}"]`);
    await pulse.getByRole("button", { name: "Delete" }).click();
    await expect.poll(() => dialog.textContent()).toMatch(/its 1 render\./);
    await dialog.getByRole("button", { name: "Keep it" }).click();
    await expect.poll(() => dialog.count()).toBe(0);
    expect((await page.request.get(`${web.url}/api/jobs/${renderId}`)).status()).toBe(200);
  }, 300_000);

  it("fits a phone screen: no sideways scrolling on the library, player, visual and renders pages", async () => {
    screenshotOnFailure("phone");
    const phone = await browser.newPage({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
    });
    await phone.context().addCookies(await page.context().cookies());
    try {
      for (const path of [
        "/",
        `/audio/${audioId}`,
        `/visual/${audioId}`,
        "/renders",
        `/renders/${renderId}`,
      ]) {
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

  it("pages through a library of more than a page and finds a track by its title", async () => {
    screenshotOnFailure("paging");
    for (let i = 1; i <= 25; i++) {
      const job = await store.create({
        type: "ingest",
        payload: { source: { kind: "url", url: `https://example.com/${i}.mp3` } },
      });
      await store.claim({ owner: "seed", leaseMs: 60_000, types: ["ingest"] });
      const title = `Seeded ${String(i).padStart(2, "0")}`;
      expect(await store.complete(job.id, { title, durationSec: 60 + i, keys: {} })).toBe(true);
      await new Promise((r) => setTimeout(r, 3)); // ids sort by creation time, to the ms
    }
    await page.goto(web.url);
    const items = page.locator('[data-testid="library"] li');
    await expect.poll(() => items.count()).toBe(20);
    expect(await items.first().textContent()).toContain("Seeded 25");
    await page.getByRole("button", { name: "Older →" }).click();
    await expect
      .poll(() => page.locator('[data-testid="page-number"]').textContent())
      .toBe("Page 2");
    await expect
      .poll(() => page.locator('[data-testid="library"]').textContent())
      .toContain("pulse");
    expect(await items.count()).toBe(6); // 26 tracks: 20 + 6
    await page.getByRole("button", { name: "← Newer" }).click();
    await expect
      .poll(() => page.locator('[data-testid="page-number"]').textContent())
      .toBe("Page 1");
    await page.fill('[data-testid="library-search"]', "seeded 07");
    await expect.poll(() => items.count()).toBe(1);
    expect(await items.first().textContent()).toContain("Seeded 07");
    await page.screenshot({ path: join(ARTIFACTS, "web-e2e-library-search.png"), fullPage: true });
    await page.fill('[data-testid="library-search"]', "");
    await expect.poll(() => items.count()).toBe(20);
  }, 120_000);

  it("shows a sub-second track's real length and renders its first 0.4 seconds", async () => {
    screenshotOnFailure("sub-second");
    const blipId = await uploadAndWait(makeTone("blip.wav", 0.4), "blip");
    const item = page.locator(`[data-testid="library"] li[data-job-id="${blipId}"]`);
    expect(await item.textContent()).toContain("0.4 s");
    await page.goto(`${web.url}/visual/${blipId}`);
    await page.getByRole("button", { name: "Render video…" }).click();
    await page.selectOption('[data-testid="render-format"]', "preview-360p");
    await page.check('[data-testid="render-partial"]');
    expect(await page.inputValue('[data-testid="render-seconds"]')).toBe("0.4");
    await page.getByRole("button", { name: "Start render" }).click();
    const link = page.locator('[data-testid="render-download"]');
    const failed = page.locator('dialog [data-status="failed"]');
    const refused = page.locator("dialog form .error");
    await link.or(failed).or(refused).waitFor({ timeout: 300_000 });
    if ((await refused.count()) > 0) throw new Error(`refused: ${await refused.textContent()}`);
    if ((await failed.count()) > 0) throw new Error(`render failed: ${await failed.textContent()}`);
    const mp4 = join(dir, "blip.mp4");
    await writeFile(
      mp4,
      Buffer.from(await (await fetch((await link.getAttribute("href"))!)).arrayBuffer()),
    );
    const seconds = Number(
      execFileSync("ffprobe", [
        "-v",
        "error",
        "-show_entries",
        "format=duration",
        "-of",
        "csv=p=0",
        mp4,
      ])
        .toString()
        .trim(),
    );
    expect(seconds).toBeGreaterThan(0.3);
    expect(seconds).toBeLessThan(0.6);
  }, 360_000);

  it("plays a 360° render in the drag-to-look viewer", async () => {
    screenshotOnFailure("player-360");
    // A 360 render as the renderer stores it, made here (a real 4K 360 render takes minutes on
    // this CPU): a 2:1 equirect whose quarters of longitude have their own colour — behind-left
    // red, front-left green, front-right blue, behind-right yellow — under a white polar cap.
    const video = join(dir, "equirect.mp4");
    const band = (c: string) => `color=c=${c}:s=256x448:r=30:d=4`;
    const inputs = [band("red"), band("green"), band("blue"), band("yellow")];
    inputs.push("color=c=white:s=1024x64:r=30:d=4", "sine=frequency=440:duration=4");
    execFileSync("ffmpeg", [
      ...["-v", "error"],
      ...inputs.flatMap((i) => ["-f", "lavfi", "-i", i]),
      ...["-filter_complex", "[0][1][2][3]hstack=inputs=4[ring];[4][ring]vstack[v]"],
      ...["-map", "[v]", "-map", "5:a", "-c:v", "libx264", "-pix_fmt", "yuv420p"],
      ...["-c:a", "aac", "-shortest", "-movflags", "+faststart", video],
    ]);
    const job = await store.create({
      type: "render",
      payload: {
        audioId,
        preset: "aurora",
        format: "360-mono-4k",
        fps: 30,
        title: "pulse · Aurora · 360° 4K",
      },
    });
    await store.claim({ owner: "seed", leaseMs: 60_000, types: ["render"] });
    const videoKey = `renders/${job.id}/output.mp4`;
    await storage.put(videoKey, await readFile(video), { contentType: "video/mp4" });
    await store.complete(job.id, { videoKey, format: "360-mono-4k", durationSeconds: 4 });
    await page.goto(`${web.url}/renders/${job.id}`);
    const sphere = page.locator('[data-testid="sphere-viewer"]');
    await sphere.waitFor();
    await page.getByRole("button", { name: "Play" }).click();
    const player = page.locator('[data-testid="render-video"]');
    await expect
      .poll(() => player.evaluate((v: HTMLVideoElement) => v.currentTime), { timeout: 30_000 })
      .toBeGreaterThan(0.5);
    await page.getByRole("button", { name: "Pause" }).click();
    // Facing front: the view is the renderer's projection — front-left green on the left,
    // front-right blue on the right, not mirrored.
    const colourAt = async (x: number, y: number) => rgbAt(await sphere.screenshot(), x, y);
    await expect.poll(() => colourAt(0.25, 0.5), { timeout: 30_000 }).toBe("green");
    expect(await colourAt(0.75, 0.5)).toBe("blue");
    // Dragging right turns left: behind-left (red) comes into view on the left.
    await dragAcross('[data-testid="sphere-viewer"]', 500);
    expect(Number(await sphere.getAttribute("data-yaw"))).toBeLessThan(-20);
    await expect.poll(() => colourAt(0.1, 0.5), { timeout: 15_000 }).toBe("red");
    // Dragging down looks up, at the white cap (the top of the picture is up, not down).
    const box = (await sphere.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + 20);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height - 20, { steps: 8 });
    await page.mouse.up();
    expect(Number(await sphere.getAttribute("data-pitch"))).toBeGreaterThan(30);
    await expect.poll(() => colourAt(0.5, 0.5), { timeout: 15_000 }).toBe("white");
    await page.screenshot({ path: join(ARTIFACTS, "web-e2e-player-360.png") });
  }, 180_000);

  it("serves a favicon and an app icon: no page asked for something that is not there", async () => {
    for (const path of ["/favicon.ico", "/icon.svg", "/apple-icon.png", "/manifest.webmanifest"]) {
      const res = await fetch(`${web.url}${path}`);
      expect(res.status, path).toBe(200);
    }
    expect(notFound).toEqual([]);
  });

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
