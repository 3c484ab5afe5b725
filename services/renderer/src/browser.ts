// Launches headless Chromium (puppeteer-core) with software WebGL, or hardware WebGL on NVIDIA.
import { existsSync } from "node:fs";
import { CHROMIUM_BASE_FLAGS, CHROMIUM_SWIFTSHADER_FLAGS } from "@efs/core/chromium-flags";
import puppeteer, { type Browser } from "puppeteer-core";

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

// GL flags: $EFS_CHROMIUM_FLAGS (a JSON array chosen by the Modal probe) wins over the defaults.
export function glFlags(gpu: boolean, env: NodeJS.ProcessEnv = process.env): string[] {
  const raw = env.EFS_CHROMIUM_FLAGS;
  if (raw) {
    const parsed: unknown = JSON.parse(raw);
    if (!Array.isArray(parsed) || !parsed.every((f) => typeof f === "string")) {
      throw new Error("EFS_CHROMIUM_FLAGS must be a JSON array of strings");
    }
    return parsed as string[];
  }
  return gpu ? NVIDIA_FLAGS : [...CHROMIUM_SWIFTSHADER_FLAGS];
}

export interface LaunchOptions {
  /** true: hardware WebGL flags; false: SwiftShader; "auto": hardware when NVIDIA is present. */
  gpu?: boolean | "auto";
  executablePath?: string;
}

// Starts Chromium; the caller closes it. Long evaluates are allowed (renders run for hours).
export async function launchBrowser(
  opts: LaunchOptions = {},
): Promise<{ browser: Browser; gpu: boolean }> {
  const gpu = opts.gpu === "auto" || opts.gpu === undefined ? nvidiaPresent() : opts.gpu;
  const executablePath =
    opts.executablePath ?? process.env.EFS_CHROMIUM_PATH ?? "/usr/bin/chromium";
  if (!existsSync(executablePath)) {
    throw new Error(
      `Chromium not found at ${executablePath}; install it (apt-get install chromium) or set EFS_CHROMIUM_PATH`,
    );
  }
  const browser = await puppeteer.launch({
    executablePath,
    headless: true,
    args: [...BASE_FLAGS, ...glFlags(gpu)],
    protocolTimeout: 24 * 3600 * 1000,
    defaultViewport: { width: 640, height: 360 },
  });
  return { browser, gpu };
}
