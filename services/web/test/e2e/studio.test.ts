// The studio in a browser: `next start` (built once), a real worker process, the local
// renderer process, real ffmpeg and Debian Chromium through puppeteer-core. Unlock → `efs
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
import puppeteer, { type Browser, type ElementHandle, type Page } from "puppeteer-core";
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
  await mkdir(ARTIFACTS, { recursive: true });
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
  browser = await puppeteer.launch({
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: CHROMIUM_FLAGS,
    defaultViewport: { width: 1000, height: 900 },
  });
  page = await browser.newPage();
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

// What the tests ask of the page, by CSS selector (the first match, like querySelector).
const text = (sel: string) => page.$eval(sel, (el) => el.textContent).catch(() => null);
const attr = (sel: string, name: string) =>
  page.$eval(sel, (el, n) => el.getAttribute(n), name).catch(() => null);
const count = async (sel: string) => (await page.$$(sel)).length;
// Waits for a visible element matching `sel`.
async function visible(sel: string, timeout = 30_000): Promise<ElementHandle<Element>> {
  const el = await page.waitForSelector(sel, { visible: true, timeout });
  if (!el) throw new Error(`${sel} did not appear`);
  return el;
}
// A PNG screenshot of the element matching `sel`.
const shoot = async (sel: string) => Buffer.from(await (await visible(sel)).screenshot());
// Calls `fn` on the element matching `sel` in the page.
function on<E extends Element, R>(sel: string, fn: (el: E) => R | Promise<R>): Promise<R> {
  return page.$eval(sel, fn as (el: Element) => R | Promise<R>);
}
// Replaces an input's text the way a user does, so React sees it: puppeteer's fill types the
// value; an empty value is select-all and delete.
async function fill(sel: string, value: string): Promise<void> {
  if (value) return page.locator(sel).fill(value);
  await (await visible(sel)).focus();
  await page.keyboard.down("Control");
  await page.keyboard.press("KeyA");
  await page.keyboard.up("Control");
  await page.keyboard.press("Backspace");
}
async function select(sel: string, value: string): Promise<void> {
  await visible(sel);
  await page.select(sel, value);
}
async function check(sel: string): Promise<void> {
  const box = await visible(sel);
  if (!(await box.evaluate((el) => (el as HTMLInputElement).checked))) await box.click();
}
// Clicks the visible button, link or heading inside `scope` whose accessible name (aria-label,
// else its text) is `name` — or contains it, case-insensitively, unless `exact`.
async function byRole(
  role: "button" | "link" | "heading",
  name: string,
  opts: { scope?: string; exact?: boolean; timeout?: number } = {},
): Promise<ElementHandle<Element>> {
  const handle = await page.waitForFunction(
    (scope, role, name, exact) => {
      const tags = { button: "button", link: "a[href]", heading: "h1,h2,h3,h4,h5,h6" }[role];
      const roots = scope ? [...document.querySelectorAll(scope)] : [document];
      for (const root of roots) {
        for (const el of root.querySelectorAll(tags)) {
          const n = (el.getAttribute("aria-label") ?? el.textContent ?? "")
            .replace(/\s+/g, " ")
            .trim();
          const hit = exact ? n === name : n.toLowerCase().includes(name.toLowerCase());
          if (hit && el.getClientRects().length > 0) return el;
        }
      }
      return null;
    },
    { timeout: opts.timeout ?? 30_000, polling: 100 },
    opts.scope ?? "",
    role,
    name,
    opts.exact ?? false,
  );
  return handle as ElementHandle<Element>;
}
const clickRole = async (...args: Parameters<typeof byRole>) => (await byRole(...args)).click();
// Waits until the page's URL matches `want`.
async function waitForURL(want: RegExp | string, timeout = 30_000): Promise<void> {
  const ok = () => (typeof want === "string" ? page.url() === want : want.test(page.url()));
  const end = Date.now() + timeout;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`page stayed at ${page.url()}, expected ${want}`);
    await sleep(100);
  }
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
// GET from the studio with the page's cookies (the session).
async function apiGet(path: string): Promise<Response> {
  const cookies = await browser.cookies();
  const cookie = cookies.map((c) => `${c.name}=${c.value}`).join("; ");
  return fetch(`${web.url}${path}`, { headers: { cookie } });
}

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
  const input = (await page.waitForSelector(
    '[data-testid="file-input"]',
  )) as ElementHandle<HTMLInputElement>;
  await input.uploadFile(file);
  // The library item showing `name`: its id and status.
  const item = () =>
    page.$$eval(
      '[data-testid="library"] li',
      (lis, name) => {
        const li = lis.find((l) => l.textContent?.includes(name));
        return li
          ? {
              id: li.getAttribute("data-job-id"),
              status: li.querySelector('[data-testid="job-status"]')?.textContent ?? null,
            }
          : null;
      },
      name,
    );
  await expect.poll(item, { timeout: 60_000 }).not.toBeNull();
  await expect
    .poll(async () => (await item())?.status, { timeout: 180_000, interval: 1000 })
    .toBe("Ready");
  return (await item())?.id ?? "";
}

// Drags across the middle of `selector` by dx pixels with the mouse.
async function dragAcross(selector: string, dx: number): Promise<void> {
  const box = (await (await visible(selector)).boundingBox())!;
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
    await waitForURL(/\/unlock/);
    await fill('input[name="key"]', "wrong-key");
    await (await visible('button[type="submit"]')).click();
    await expect.poll(() => text('form p[role="alert"]'), { timeout: 15_000 }).toMatch(/not right/);
    await fill('input[name="key"]', ACCESS_KEY);
    await (await visible('button[type="submit"]')).click();
    await waitForURL(`${web.url}/`);
    await byRole("heading", "Your audio");
    const cookies = await browser.cookies();
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
    await visible('[data-testid="library-empty"]', 30_000);
    expect(await count('[data-testid="library"] li')).toBe(0);
    // The failed smoke's ingest was still running: the worker removes what it wrote after.
    await expect.poll(allKeys, { timeout: 60_000, interval: 1000 }).toEqual([]);
    await page.reload();
    await expect
      .poll(() => text('[data-testid="storage-usage"]'), { timeout: 15_000 })
      .toBe("Storage used: 0 B in 0 files");
    await page.goto(`${web.url}/renders`);
    await visible('[data-testid="renders-empty"]');
  }, 600_000);

  it("uploads a generated audio file and sees it become ready", async () => {
    screenshotOnFailure("upload");
    audioId = await uploadAndWait(audioFile, "pulse");
    expect(audioId).toMatch(/^job_/);
  }, 240_000);

  it("plays the prepared audio with its waveform", async () => {
    screenshotOnFailure("play");
    await page.goto(`${web.url}/audio/${audioId}`);
    const player = '[data-testid="player"]';
    await visible(player);
    await page.evaluate(() =>
      (document.querySelector('[data-testid="player"]') as HTMLAudioElement).play(),
    );
    await expect
      .poll(() => on(player, (el: HTMLAudioElement) => el.currentTime), { timeout: 30_000 })
      .toBeGreaterThan(0.5);
    const shot = gray(await shoot('[data-testid="waveform"]'));
    expect(mean(shot)).toBeGreaterThan(5);
  }, 60_000);

  it("draws the live preview on the visual page and follows the audio", async () => {
    screenshotOnFailure("visual");
    await page.goto(`${web.url}/visual/${audioId}`);
    const canvas = '[data-testid="preview-canvas"]';
    await visible(canvas, 60_000);
    await expect
      .poll(() => text('[data-testid="feature-source"]'), { timeout: 30_000 })
      .toMatch(/analysed features/);
    const audio = '[data-testid="player"]';
    // Paused at 0: the frame is a pure function of time, so it holds still.
    await sleep(1500);
    const still1 = gray(await shoot(canvas));
    await sleep(800);
    const still2 = gray(await shoot(canvas));
    expect(mean(still1)).toBeGreaterThan(3);
    expect(diff(still1, still2)).toBeLessThan(0.5);
    // Playing: frames change with the audio.
    await on(audio, (el: HTMLAudioElement) => el.play());
    await expect
      .poll(() => on(audio, (el: HTMLAudioElement) => el.currentTime), { timeout: 30_000 })
      .toBeGreaterThan(1);
    const moving1 = gray(await shoot(canvas));
    expect(mean(moving1)).toBeGreaterThan(3);
    // SwiftShader on a loaded 2-core box may take a while per frame: wait for the next one.
    await expect
      .poll(async () => diff(moving1, gray(await shoot(canvas))), {
        timeout: 30_000,
        interval: 500,
      })
      .toBeGreaterThan(0.5);
    expect(await on(audio, (el: HTMLAudioElement) => el.paused)).toBe(false);
  }, 120_000);

  it("previews the chosen format: portrait, square and 360° with drag to look", async () => {
    screenshotOnFailure("formats");
    const canvas = '[data-testid="preview-canvas"]';
    const ratio = () =>
      on(canvas, (c: HTMLCanvasElement) => Math.round((c.width / c.height) * 1000) / 1000);
    for (const [format, want] of [
      ["flat-1080p-portrait", 0.563],
      ["flat-1080p-square", 1],
    ] as const) {
      await select('[data-testid="preview-format"]', format);
      await expect.poll(ratio, { timeout: 60_000 }).toBe(want);
      const box = (await (await visible(".stage")).boundingBox())!;
      expect(Math.round((box.width / box.height) * 100) / 100).toBeCloseTo(want, 1);
      await expect
        .poll(async () => mean(gray(await shoot(canvas))), { timeout: 30_000 })
        .toBeGreaterThan(3);
      await page.screenshot({ path: join(ARTIFACTS, `web-e2e-preview-${format}.png`) });
    }
    await select('[data-testid="preview-format"]', "360-mono-4k");
    const sphere = '[data-testid="sphere-viewer"]';
    await visible(sphere, 60_000);
    await expect
      .poll(async () => mean(gray(await shoot(sphere))), { timeout: 60_000, interval: 500 })
      .toBeGreaterThan(3);
    // Paused: the picture only moves because the view turns.
    const before = gray(await shoot(sphere));
    expect(await attr(sphere, "data-yaw")).toBe("0");
    await dragAcross(sphere, -240);
    await expect.poll(() => attr(sphere, "data-yaw"), { timeout: 5_000 }).not.toBe("0");
    expect(Number(await attr(sphere, "data-yaw"))).toBeGreaterThan(20); // dragged left: turned right
    await expect
      .poll(async () => diff(before, gray(await shoot(sphere))), { timeout: 30_000 })
      .toBeGreaterThan(1);
    await page.screenshot({ path: join(ARTIFACTS, "web-e2e-preview-360.png") });
    await select('[data-testid="preview-format"]', "flat-1080p-landscape");
    await visible(canvas, 60_000);
  }, 240_000);

  it("renders a preview-360p video in the quality picked, whose progress moves, named after its track, and downloads it", async () => {
    screenshotOnFailure("render");
    await clickRole("button", "Render video…");
    // The quality follows the format's default (final above 1080p, else draft) until picked.
    const checked = (q: string) =>
      page.$eval(`[data-testid="render-quality-${q}"]`, (el) => (el as HTMLInputElement).checked);
    await select('[data-testid="render-format"]', "flat-4k-landscape");
    expect(await checked("final")).toBe(true);
    await select('[data-testid="render-format"]', "preview-360p");
    expect(await checked("draft")).toBe(true);
    expect(await text('[data-testid="render-quality"]')).toMatch(
      /Draft \(default for this format\)/,
    );
    await check('[data-testid="render-quality-final"]');
    await check('[data-testid="render-partial"]');
    await fill('[data-testid="render-seconds"]', "3");
    await page.screenshot({ path: join(ARTIFACTS, "web-e2e-render-dialog.png") });
    await clickRole("button", "Start render");
    const status = "dialog [data-job-id]";
    await visible(status);
    renderId = (await attr(status, "data-job-id")) ?? "";
    const asked = (await (await apiGet(`/api/jobs/${renderId}`)).json()) as {
      job: { request: { quality?: string } };
    };
    expect(asked.job.request.quality).toBe("final");
    // Watch the bar in the page and progress.percent through the API until it completes.
    const bar: number[] = [];
    const api: number[] = [];
    const watching = (async () => {
      for (;;) {
        const res = await apiGet(`/api/jobs/${renderId}`);
        const { job } = (await res.json()) as {
          job: { status: string; progress: { percent?: number } | null };
        };
        if (job.status !== "pending" && job.status !== "processing") return;
        if (typeof job.progress?.percent === "number") api.push(job.progress.percent);
        const now = await attr('dialog [data-testid="job-progress"]', "aria-valuenow");
        if (now !== null) bar.push(Number(now));
        await new Promise((r) => setTimeout(r, 250));
      }
    })();
    const link = '[data-testid="render-download"]';
    const failed = 'dialog [data-status="failed"]';
    await visible(`${link}, ${failed}`, 420_000);
    await watching;
    if ((await count(failed)) > 0) throw new Error(`render failed: ${await text(failed)}`);
    // The bar moved through at least two values on its way up, and the API's percent rose.
    const distinct = (xs: number[]) => [...new Set(xs)];
    expect(distinct(bar).length, `bar: ${bar}`).toBeGreaterThanOrEqual(2);
    expect(bar, `bar: ${bar}`).toEqual([...bar].sort((a, b) => a - b));
    expect(distinct(api).length, `api: ${api}`).toBeGreaterThanOrEqual(2);
    expect(api, `api: ${api}`).toEqual([...api].sort((a, b) => a - b));
    const href = await attr(link, "href");
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
    const card = `[data-testid="renders"] [data-job-id="${renderId}"]`;
    await visible(card);
    expect(await text(`${card} [data-testid="render-title"]`)).toBe(
      "pulse · Ethereal Flame · 360p preview",
    );
    expect(await text(card)).toContain("first 3 s · final quality");
    // The thumbnail is the renderer's JPEG of a lit frame, not the video's black first frame.
    const thumb = `${card} img.thumb`;
    await expect
      .poll(() => on(thumb, (i: HTMLImageElement) => i.complete && i.naturalWidth))
      .toBe(640);
    expect(mean(gray(await shoot(thumb)))).toBeGreaterThan(8);
    const download = await byRole("link", "Download MP4", { scope: card });
    expect(await download.evaluate((a) => a.getAttribute("href"))).toMatch(/sig=/);
    await page.screenshot({ path: join(ARTIFACTS, "web-e2e-renders.png"), fullPage: true });
    // Watch: it plays in the page.
    await clickRole("link", "Watch", { scope: card, exact: true });
    await waitForURL(`${web.url}/renders/${renderId}`);
    const player = '[data-testid="render-video"]';
    await visible(player);
    await on(player, (v: HTMLVideoElement) => {
      v.muted = true;
      return v.play();
    });
    await expect
      .poll(() => on(player, (v: HTMLVideoElement) => v.currentTime), { timeout: 30_000 })
      .toBeGreaterThan(0.5);
    await page.screenshot({ path: join(ARTIFACTS, "web-e2e-watch.png") });
  }, 480_000);

  it("deletes a track after a confirmation that says what goes: gone from the list and from storage", async () => {
    screenshotOnFailure("delete");
    const doomedId = await uploadAndWait(makeTone("doomed.wav", 2), "doomed");
    const usage = '[data-testid="storage-usage"]';
    const files = async () => Number(/in (\d+) file/.exec((await text(usage)) ?? "")?.[1]);
    await page.reload();
    await expect.poll(files).toBeGreaterThan(0);
    const before = await files();
    const item = `[data-testid="library"] li[data-job-id="${doomedId}"]`;
    await clickRole("button", "Delete", { scope: item });
    const dialog = '[data-testid="delete-dialog"]';
    await expect.poll(() => text(dialog)).toMatch(/Nothing else was made from it/);
    expect(await text(dialog)).toMatch(/Frees .+ \(\d+ files\)\. This cannot be undone\./);
    await page.screenshot({ path: join(ARTIFACTS, "web-e2e-delete-dialog.png") });
    await clickRole("button", "Delete", { scope: dialog, exact: true });
    await page.waitForFunction((sel) => !document.querySelector(sel), {}, item);
    await expect.poll(files).toBeLessThan(before);
    expect((await allKeys()).filter((k) => k.includes(doomedId))).toEqual([]);
    expect((await apiGet(`/api/jobs/${doomedId}`)).status).toBe(404);
    // The other track, with its render, is untouched; deleting it would say so.
    const pulse = `[data-testid="library"] li[data-job-id="${audioId}"]`;
    await clickRole("button", "Delete", { scope: pulse });
    await expect.poll(() => text(dialog)).toMatch(/its 1 render\./);
    await clickRole("button", "Keep it", { scope: dialog });
    await expect.poll(() => count(dialog)).toBe(0);
    expect((await apiGet(`/api/jobs/${renderId}`)).status).toBe(200);
  }, 300_000);

  it("fits a phone screen: no sideways scrolling on the library, player, visual and renders pages", async () => {
    screenshotOnFailure("phone");
    // Same browser context as `page`, so the same session cookie.
    const phone = await browser.newPage();
    await phone.setViewport({ width: 390, height: 844, isMobile: true, hasTouch: true });
    try {
      for (const path of [
        "/",
        `/audio/${audioId}`,
        `/visual/${audioId}`,
        "/renders",
        `/renders/${renderId}`,
      ]) {
        await phone.goto(`${web.url}${path}`);
        await phone.waitForSelector("h1", { visible: true });
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
    const items = '[data-testid="library"] li';
    await expect.poll(() => count(items)).toBe(20);
    expect(await text(items)).toContain("Seeded 25");
    await clickRole("button", "Older →");
    await expect.poll(() => text('[data-testid="page-number"]')).toBe("Page 2");
    await expect.poll(() => text('[data-testid="library"]')).toContain("pulse");
    expect(await count(items)).toBe(6); // 26 tracks: 20 + 6
    await clickRole("button", "← Newer");
    await expect.poll(() => text('[data-testid="page-number"]')).toBe("Page 1");
    await fill('[data-testid="library-search"]', "seeded 07");
    await expect.poll(() => count(items)).toBe(1);
    expect(await text(items)).toContain("Seeded 07");
    await page.screenshot({ path: join(ARTIFACTS, "web-e2e-library-search.png"), fullPage: true });
    await fill('[data-testid="library-search"]', "");
    await expect.poll(() => count(items)).toBe(20);
  }, 120_000);

  it("shows a sub-second track's real length and renders its first 0.4 seconds", async () => {
    screenshotOnFailure("sub-second");
    const blipId = await uploadAndWait(makeTone("blip.wav", 0.4), "blip");
    const item = `[data-testid="library"] li[data-job-id="${blipId}"]`;
    expect(await text(item)).toContain("0.4 s");
    await page.goto(`${web.url}/visual/${blipId}`);
    await clickRole("button", "Render video…");
    await select('[data-testid="render-format"]', "preview-360p");
    await check('[data-testid="render-partial"]');
    expect(await on('[data-testid="render-seconds"]', (i: HTMLInputElement) => i.value)).toBe(
      "0.4",
    );
    await clickRole("button", "Start render");
    const link = '[data-testid="render-download"]';
    const failed = 'dialog [data-status="failed"]';
    const refused = "dialog form .error";
    await visible(`${link}, ${failed}, ${refused}`, 300_000);
    if ((await count(refused)) > 0) throw new Error(`refused: ${await text(refused)}`);
    if ((await count(failed)) > 0) throw new Error(`render failed: ${await text(failed)}`);
    const mp4 = join(dir, "blip.mp4");
    await writeFile(
      mp4,
      Buffer.from(await (await fetch((await attr(link, "href"))!)).arrayBuffer()),
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
    const sphere = '[data-testid="sphere-viewer"]';
    await visible(sphere);
    await clickRole("button", "Play");
    const player = '[data-testid="render-video"]';
    await expect
      .poll(() => on(player, (v: HTMLVideoElement) => v.currentTime), { timeout: 30_000 })
      .toBeGreaterThan(0.5);
    await clickRole("button", "Pause");
    // Facing front: the view is the renderer's projection — front-left green on the left,
    // front-right blue on the right, not mirrored.
    const colourAt = async (x: number, y: number) => rgbAt(await shoot(sphere), x, y);
    await expect.poll(() => colourAt(0.25, 0.5), { timeout: 30_000 }).toBe("green");
    expect(await colourAt(0.75, 0.5)).toBe("blue");
    // Dragging right turns left: behind-left (red) comes into view on the left.
    await dragAcross(sphere, 500);
    expect(Number(await attr(sphere, "data-yaw"))).toBeLessThan(-20);
    await expect.poll(() => colourAt(0.1, 0.5), { timeout: 15_000 }).toBe("red");
    // Dragging down looks up, at the white cap (the top of the picture is up, not down).
    const box = (await (await visible(sphere)).boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + 20);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height - 20, { steps: 8 });
    await page.mouse.up();
    expect(Number(await attr(sphere, "data-pitch"))).toBeGreaterThan(30);
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
      .poll(() => text('[data-testid="feature-source"]'), { timeout: 30_000 })
      .toMatch(/live analysis/);
    await visible('[data-testid="preview-canvas"]', 60_000);
    const audio = '[data-testid="player"]';
    await on(audio, (el: HTMLAudioElement) => el.play());
    await expect
      .poll(() => on(audio, (el: HTMLAudioElement) => el.currentTime), { timeout: 30_000 })
      .toBeGreaterThan(1);
    // The visual is rebuilt every few seconds with the newly analysed frames: shoot the stage.
    const frame = gray(await shoot(".stage"));
    expect(mean(frame)).toBeGreaterThan(3);
  }, 120_000);
});
