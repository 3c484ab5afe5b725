// Launches Chromium headless with the flags the renderer uses and reads the WebGL renderer
// string (SwiftShader on machines without a GPU). puppeteer-core is loaded only here.
import { CHROMIUM_HEADLESS_FLAGS } from "@efs/core/chromium-flags";
import { findChromium } from "./checks-tools";
import type { Check } from "./types";

// The headless flags from ARCHITECTURE.md (work without a GPU or a sandbox).
export const CHROMIUM_FLAGS = CHROMIUM_HEADLESS_FLAGS;

// Reads UNMASKED_RENDERER_WEBGL from a headless page; throws with the reason on failure.
async function probeWebgl(executablePath: string, timeoutMs = 45_000): Promise<string> {
  const { default: puppeteer } = await import("puppeteer-core");
  const browser = await puppeteer.launch({
    executablePath,
    headless: true,
    args: [...CHROMIUM_FLAGS],
    timeout: timeoutMs,
  });
  try {
    const page = await browser.newPage();
    const renderer = await page.evaluate(() => {
      const gl = document.createElement("canvas").getContext("webgl");
      if (!gl) return null;
      const ext = gl.getExtension("WEBGL_debug_renderer_info");
      return String(
        ext ? gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER),
      );
    });
    if (!renderer) throw new Error("getContext('webgl') returned null");
    return renderer;
  } finally {
    await browser.close();
  }
}

// WebGL in headless Chromium (what the local renderer needs).
export const webglCheck: Check = async (ctx) => {
  const base = { id: "webgl", title: "WebGL (headless)" };
  if (!ctx.webgl)
    return { ...base, status: "warn", detail: "skipped (--no-webgl)", fix: "efs doctor" };
  const chromium = findChromium(ctx.env);
  if (!chromium)
    return {
      ...base,
      status: "fail",
      detail: "no Chromium to test with",
      fix: "efs doctor --fix (apt-get install chromium)",
      apt: ["chromium"],
    };
  try {
    const renderer = await probeWebgl(chromium);
    return { ...base, status: "ok", detail: renderer };
  } catch (e) {
    return {
      ...base,
      status: "fail",
      detail: `unavailable: ${(e as Error).message.split("\n")[0]}`,
      fix: "efs doctor --fix (apt-get install chromium fonts-dejavu-core libgl1); the renderer needs SwiftShader WebGL",
      apt: ["chromium", "libgl1"],
    };
  }
};
