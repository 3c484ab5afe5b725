// vercel.console: loads the production page in headless Chromium and fails on console errors
// or uncaught exceptions (the checklist's "no errors related to missing env vars").

import { throwIfInterrupted } from "../errors";
import type { VerifyContext } from "../stack/context";
import { findChromium } from "../system/checks-tools";
import { CHROMIUM_FLAGS } from "../system/webgl";
import { type CheckResult, result } from "./types";

const TITLE = "production page loads without console errors";

// Loads `url` and reports console errors; off with EFS_VERIFY_BROWSER=0 (returns nothing).
export async function checkConsole(ctx: VerifyContext, url: string): Promise<CheckResult[]> {
  if (ctx.env.EFS_VERIFY_BROWSER === "0") return [];
  const exe = findChromium(ctx.env);
  if (!exe)
    return [
      result(
        "vercel",
        "vercel.console",
        TITLE,
        "warn",
        "Chromium not found, page not loaded",
        "install chromium (apt-get install chromium) or set CHROMIUM_PATH; efs doctor checks it",
      ),
    ];
  const { default: puppeteer } = await import("puppeteer-core");
  throwIfInterrupted(ctx.signal);
  const browser = await puppeteer.launch({
    executablePath: exe,
    headless: true,
    args: [...CHROMIUM_FLAGS],
    timeout: 60_000,
  });
  // Ctrl-C closes the browser, which ends the page load at once.
  const onAbort = () => void browser.close().catch(() => undefined);
  ctx.signal?.addEventListener("abort", onAbort, { once: true });
  try {
    throwIfInterrupted(ctx.signal);
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("console", (m) => {
      // A missing favicon is not an app error.
      if (m.type() === "error" && !/\/favicon\.ico$/.test(m.location().url ?? ""))
        errors.push(m.text().slice(0, 200));
    });
    page.on("pageerror", (e) =>
      errors.push(`uncaught: ${String((e as Error).message ?? e).slice(0, 200)}`),
    );
    const res = await page.goto(url, { waitUntil: "load", timeout: 45_000 });
    // Give client-side code a moment to run after load.
    await new Promise((r) => setTimeout(r, 500));
    if (errors.length)
      return [
        result(
          "vercel",
          "vercel.console",
          TITLE,
          "fail",
          `${errors.length} console error(s): ${ctx.redactor.redact(errors.slice(0, 3).join(" | "))}`,
          "a missing or wrong variable usually shows here: efs verify (vercel.env, cross checks), then efs env push --target vercel --redeploy",
        ),
      ];
    return [
      result(
        "vercel",
        "vercel.console",
        TITLE,
        "ok",
        `HTTP ${res?.status() ?? "?"}, no console errors`,
      ),
    ];
  } catch (e) {
    throwIfInterrupted(ctx.signal);
    return [
      result(
        "vercel",
        "vercel.console",
        TITLE,
        "fail",
        `the page did not load: ${(e as Error).message.split("\n")[0]}`,
        "check the deployment in the Vercel dashboard",
      ),
    ];
  } finally {
    ctx.signal?.removeEventListener("abort", onAbort);
    await browser.close().catch(() => undefined);
  }
}
