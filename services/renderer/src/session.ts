// A capture session: Chromium + the capture server + one initialised capture page.
import type { ChildProcess } from "node:child_process";
import type { Browser, Page } from "puppeteer-core";
import { launchBrowser } from "./browser";
import { buildCapturePage } from "./bundle";
import { type CaptureServer, startCaptureServer } from "./capture-server";
import type { CaptureJob, PageInfo } from "./page/job";
import type { RendererSettings } from "./settings";

export interface CaptureSession {
  browser: Browser;
  /** Chromium's main process (its exit and memory are watched during a render). */
  process: ChildProcess;
  page: Page;
  server: CaptureServer;
  info: PageInfo;
  gpu: boolean;
  /** Why the browser or the page died during the session, or null while both are alive. */
  death(): string | null;
  close(): Promise<void>;
}

// I420 conversion "auto": in a shader on a GPU (nearly free there, and 2.7× fewer bytes read
// back than RGBA: 44 MB instead of 118 MB per 8K eye); under SwiftShader, where the shader
// pass costs ≈35 ms per 720p frame, on the CPU: WebCodecs' own converter on its encoder
// thread, or ≈9 ms of JS for raw frames (docs/rendering.md).
export function resolveConversion(job: CaptureJob, gpu: boolean): CaptureJob {
  if (job.output !== "offscreen" || (job.i420Conversion && job.i420Conversion !== "auto"))
    return job;
  return { ...job, i420Conversion: gpu ? "gpu" : "cpu" };
}

// Opens Chromium on the capture page for `job`; fails loudly when GPU was asked for but the
// page got a software rasteriser. `job` may be a promise: the browser starts while it settles.
export async function openCaptureSession(
  job: CaptureJob | Promise<CaptureJob>,
  opts: {
    gpu?: boolean | "auto";
    log?: (line: string) => void;
    viewport?: { width: number; height: number };
    /** Chromium's path, flags and scratch root (default: no variables set). */
    settings?: RendererSettings;
  } = {},
): Promise<CaptureSession> {
  const t0 = performance.now();
  const since = () => `${Math.round(performance.now() - t0)} ms`;
  const launching = launchBrowser({ gpu: opts.gpu, settings: opts.settings });
  // Both settle while other work runs; their errors are handled where they are awaited.
  launching.catch(() => {});
  Promise.resolve(job).catch(() => {});
  let server: CaptureServer;
  try {
    server = await startCaptureServer(await buildCapturePage());
  } catch (e) {
    await launching.then((l) => l.browser.close()).catch(() => {});
    throw e;
  }
  let browser: Browser | null = null;
  try {
    const launched = await launching;
    browser = launched.browser;
    opts.log?.(`browser started: ${since()}`);
    // The tab Chromium opens with; the page loads while the job may still be in the making
    // (it fetches /job.json in init()).
    const page = (await browser.pages())[0] ?? (await browser.newPage());
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e instanceof Error ? e.message : String(e)));
    let death: string | null = null;
    let closing = false;
    launched.process.once("exit", (code, signal) => {
      if (closing) return;
      death ??= `Chromium exited (${signal ? `${signal}${signal === "SIGKILL" ? ", e.g. the out-of-memory killer" : ""}` : `exit code ${code}`})`;
    });
    // The tab's renderer process died ("Aw, Snap": out of memory or a crash).
    page.on("error", (e) => {
      death ??= `the capture page crashed (${e.message})`;
    });
    if (opts.viewport) await page.setViewport(opts.viewport);
    await page.goto(server.url, { waitUntil: "load" });
    await page.waitForFunction("window.__efs !== undefined", { timeout: 60_000 }).catch(() => {
      throw new Error(`capture page did not start: ${errors.join("; ") || "no error reported"}`);
    });
    opts.log?.(`capture page loaded: ${since()}`);
    server.setJob(resolveConversion(await job, launched.gpu));
    const info = (await page.evaluate("window.__efs.init()")) as PageInfo;
    opts.log?.(`scene ready (sky baked): ${since()}`);
    opts.log?.(
      `webgl: ${info.webglRenderer} (${info.webglVendor}); webcodecs: ${info.webcodecsCodec ?? "no"}; I420 on the ${info.i420Conversion ?? "canvas (not capturing)"}`,
    );
    const software = /swiftshader|llvmpipe|software/i.test(info.webglRenderer);
    if (launched.gpu && software) {
      opts.log?.(
        `WARNING: GPU flags were used but WebGL reports ${info.webglRenderer}; rendering on the CPU`,
      );
    }
    const b = browser;
    return {
      browser: b,
      process: launched.process,
      page,
      server,
      info,
      gpu: launched.gpu && !software,
      death: () => death ?? (b.connected ? null : "Chromium closed its DevTools connection"),
      async close() {
        closing = true;
        await b.close().catch(() => {});
        await server.close();
      },
    };
  } catch (e) {
    await browser?.close().catch(() => {});
    await server.close();
    throw e;
  }
}
