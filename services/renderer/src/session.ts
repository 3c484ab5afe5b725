// A capture session: Chromium + the capture server + one initialised capture page.
import type { Browser, Page } from "puppeteer-core";
import { launchBrowser } from "./browser";
import { buildCapturePage } from "./bundle";
import { type CaptureServer, startCaptureServer } from "./capture-server";
import type { CaptureJob, PageInfo } from "./page/job";

export interface CaptureSession {
  browser: Browser;
  page: Page;
  server: CaptureServer;
  info: PageInfo;
  gpu: boolean;
  close(): Promise<void>;
}

// Opens Chromium on the capture page for `job`; fails loudly when GPU was asked for but the
// page got a software rasteriser.
export async function openCaptureSession(
  job: CaptureJob,
  opts: {
    gpu?: boolean | "auto";
    log?: (line: string) => void;
    viewport?: { width: number; height: number };
  } = {},
): Promise<CaptureSession> {
  const bundle = await buildCapturePage();
  const server = await startCaptureServer(bundle);
  server.setJob(job);
  let browser: Browser | null = null;
  try {
    const launched = await launchBrowser({ gpu: opts.gpu });
    browser = launched.browser;
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e instanceof Error ? e.message : String(e)));
    if (opts.viewport) await page.setViewport(opts.viewport);
    await page.goto(server.url, { waitUntil: "load" });
    await page.waitForFunction("window.__efs !== undefined", { timeout: 60_000 }).catch(() => {
      throw new Error(`capture page did not start: ${errors.join("; ") || "no error reported"}`);
    });
    const info = (await page.evaluate("window.__efs.init()")) as PageInfo;
    opts.log?.(
      `webgl: ${info.webglRenderer} (${info.webglVendor}); webcodecs: ${info.webcodecsCodec ?? "no"}`,
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
      page,
      server,
      info,
      gpu: launched.gpu && !software,
      async close() {
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
