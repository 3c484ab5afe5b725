// Builds the capture page (visual engine + capture loop) into one in-memory JS bundle.

import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";

export interface PageBundle {
  html: string;
  js: string;
}

let cached: Promise<PageBundle> | null = null;

const HTML = `<!doctype html><html><head><meta charset="utf-8"><title>efs-capture</title>
<style>html,body{margin:0;background:#000;overflow:hidden}canvas{display:block}</style></head>
<body><script src="/capture.js"></script></body></html>`;

// The capture page: a prebuilt capture.js next to this module (dist builds, Modal image), else
// src/page/capture.ts bundled once per process with esbuild (~1 s) and kept in memory.
export function buildCapturePage(): Promise<PageBundle> {
  cached ??= (async () => {
    const prebuilt = fileURLToPath(new URL("./capture.js", import.meta.url));
    if (existsSync(prebuilt)) return { html: HTML, js: await readFile(prebuilt, "utf8") };
    return { html: HTML, js: await bundleCaptureSource() };
  })();
  cached.catch(() => {
    cached = null;
  });
  return cached;
}

function captureSource(): string {
  const local = fileURLToPath(new URL("./page/capture.ts", import.meta.url));
  if (existsSync(local)) return local;
  return fileURLToPath(import.meta.resolve("@efs/renderer/page/capture"));
}

// Bundles the page source (three.js + the visual engine + the capture loop) into one IIFE.
export async function bundleCaptureSource(): Promise<string> {
  const { build } = await import("esbuild");
  const out = await build({
    entryPoints: [captureSource()],
    bundle: true,
    write: false,
    format: "iife",
    platform: "browser",
    target: "chrome120",
    minify: true,
    legalComments: "none",
    logLevel: "silent",
  });
  return out.outputFiles[0]!.text;
}
