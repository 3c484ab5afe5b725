// Headless Chromium flags shared by every place that launches Debian's chromium: the
// renderer, `efs doctor`/`efs verify` and the browser tests (ARCHITECTURE.md "Conventions").

// Flags that keep a headless browser quiet and self-contained (no sandbox in containers).
export const CHROMIUM_BASE_FLAGS = [
  "--no-sandbox",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
] as const;

// Explicit software WebGL (the automatic fallback is deprecated and logs a warning).
export const CHROMIUM_SWIFTSHADER_FLAGS = [
  "--use-angle=swiftshader",
  "--enable-unsafe-swiftshader",
  "--ignore-gpu-blocklist",
] as const;

// The flag set from ARCHITECTURE.md: base + software WebGL.
export const CHROMIUM_HEADLESS_FLAGS = [
  ...CHROMIUM_BASE_FLAGS,
  ...CHROMIUM_SWIFTSHADER_FLAGS,
] as const;
