// Launches headless Chromium (driven by puppeteer-core) with software WebGL, or hardware WebGL
// on NVIDIA, as a child that cannot outlive the renderer.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import type { Readable, Writable } from "node:stream";
import { CHROMIUM_BASE_FLAGS, CHROMIUM_SWIFTSHADER_FLAGS } from "@efs/core/chromium-flags";
import puppeteer, { type Browser } from "puppeteer-core";
// Not part of puppeteer's public API, but the transport its own pipe launch uses (24.x).
import { PipeTransport } from "puppeteer-core/internal/node/PipeTransport.js";
import { makeScratchDir } from "./scratch";
import { DEFAULT_RENDERER_SETTINGS, type RendererSettings } from "./settings";

const BASE_FLAGS = [
  ...CHROMIUM_BASE_FLAGS,
  "--disable-dev-shm-usage",
  "--disable-background-timer-throttling",
  "--disable-renderer-backgrounding",
  "--disable-backgrounding-occluded-windows",
  // The capture page collects the Blobs it has sent with gc(), or they pile up (page/upload.ts).
  "--js-flags=--expose-gc",
];
const NVIDIA_FLAGS = [
  "--use-gl=angle",
  "--use-angle=gl-egl",
  "--ignore-gpu-blocklist",
  "--enable-gpu",
];

// True when an NVIDIA device node is present (Modal GPU containers, workstations).
export function nvidiaPresent(): boolean {
  return existsSync("/dev/nvidiactl") || existsSync("/dev/nvidia0");
}

// GL flags: EFS_CHROMIUM_FLAGS (a JSON array chosen by the Modal probe, parsed in settings.ts)
// wins over the defaults.
function glFlags(gpu: boolean, override: readonly string[] | null): string[] {
  if (override) return [...override];
  return gpu ? NVIDIA_FLAGS : [...CHROMIUM_SWIFTSHADER_FLAGS];
}

export interface LaunchOptions {
  /** true: hardware WebGL flags; false: SwiftShader; "auto": hardware when NVIDIA is present. */
  gpu?: boolean | "auto";
  /** Chromium's path, GL flag override and scratch root (default: no variables set). */
  settings?: RendererSettings;
}

// Starts Chromium; the caller closes it. Long evaluates are allowed (renders run for hours).
//
// Chromium must die with the renderer, however the renderer ends. puppeteer.launch() always
// starts it as the leader of its own process group (detached), so a SIGKILL to the renderer's
// group (the `efs up` supervisor, `efs down`) missed it and left ~1 GB and 9 processes
// running. So it is spawned here, in the renderer's own group, speaking CDP over a pipe
// (fds 3/4): when the renderer dies the pipe closes and Chromium exits by itself, and a group
// signal reaches it too. Its profile is a scratch folder (scratch.ts) that close() removes
// and that the next renderer sweeps after a crash.
// `process` is Chromium's main process (puppeteer's browser.process() is null for a connected
// browser): its exit and its process tree's memory are watched during a render.
export async function launchBrowser(
  opts: LaunchOptions = {},
): Promise<{ browser: Browser; gpu: boolean; process: ChildProcess }> {
  const gpu = opts.gpu === "auto" || opts.gpu === undefined ? nvidiaPresent() : opts.gpu;
  const settings = opts.settings ?? DEFAULT_RENDERER_SETTINGS;
  const executablePath = settings.chromiumPath;
  if (!existsSync(executablePath)) {
    throw new Error(
      `Chromium not found at ${executablePath}; install it (apt-get install chromium) or set EFS_CHROMIUM_PATH`,
    );
  }
  const profile = await makeScratchDir("chromium", settings.scratchRoot);
  const args = [
    ...puppeteer.defaultArgs({
      headless: true,
      userDataDir: profile,
      args: [...BASE_FLAGS, ...glFlags(gpu, settings.chromiumGlFlags)],
    }),
    "--remote-debugging-pipe",
  ];
  const child = spawn(executablePath, args, {
    stdio: ["ignore", "ignore", "pipe", "pipe", "pipe"],
    detached: false,
  });
  const stderr: string[] = [];
  child.stderr?.setEncoding("utf8").on("data", (d: string) => {
    stderr.push(d);
    if (stderr.length > 50) stderr.shift();
  });
  const exited = new Promise<void>((resolve) => {
    child.once("exit", () => resolve());
    child.once("error", () => resolve());
  });
  const removeProfile = () => rmSync(profile, { recursive: true, force: true });
  // A renderer that calls process.exit() takes its browser along at once.
  const onExit = () => {
    child.kill("SIGKILL");
    removeProfile();
  };
  process.once("exit", onExit);
  const stop = async () => {
    const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    await exited;
    clearTimeout(timer);
    process.off("exit", onExit);
    removeProfile();
  };
  let browser: Browser;
  try {
    const [toBrowser, fromBrowser] = [child.stdio[3], child.stdio[4]] as [Writable, Readable];
    browser = await Promise.race([
      puppeteer.connect({
        transport: new PipeTransport(toBrowser, fromBrowser),
        protocolTimeout: 24 * 3600 * 1000,
        defaultViewport: { width: 640, height: 360 },
      }),
      exited.then(() => {
        throw new Error(
          `Chromium exited at start: ${stderr.join("").trim().slice(-2000) || "no output"}`,
        );
      }),
    ]);
  } catch (e) {
    await stop();
    throw e;
  }
  const close = browser.close.bind(browser);
  // Closing also waits for the process to exit and removes the profile.
  browser.close = async () => {
    await close().catch(() => {});
    await stop();
  };
  return { browser, gpu, process: child };
}
