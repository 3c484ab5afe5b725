// Builds the capture page (visual engine + capture loop) into one in-memory JS bundle.
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

export interface PageBundle {
  html: string;
  js: string;
}

let cached: Promise<PageBundle> | null = null;

const HTML = `<!doctype html><html><head><meta charset="utf-8"><title>efs-capture</title>
<style>html,body{margin:0;background:#000;overflow:hidden}canvas{display:block}</style></head>
<body><script src="/capture.js"></script></body></html>`;

// Bundles src/page/capture.ts once per process (esbuild, ~1 s) and keeps it in memory.
export function buildCapturePage(): Promise<PageBundle> {
  cached ??= (async () => {
    const entry = fileURLToPath(new URL("./page/capture.ts", import.meta.url));
    const out = await build({
      entryPoints: [entry],
      bundle: true,
      write: false,
      format: "iife",
      platform: "browser",
      target: "chrome120",
      minify: true,
      legalComments: "none",
      logLevel: "silent",
    });
    return { html: HTML, js: out.outputFiles[0]!.text };
  })();
  cached.catch(() => {
    cached = null;
  });
  return cached;
}
