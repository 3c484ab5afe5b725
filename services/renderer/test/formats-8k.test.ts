import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { renderAndCheck } from "./helpers/format-check";

// 8K-class equirect formats, one frame each: slow on a CPU rasteriser (≈0.5–2 min per frame on
// a busy 2-core box), fast on a GPU. Stereo renders each 5760×2880 eye separately and stacks
// them. Both declare H.264 level 6.0 and fit it (30 s / 10 s renders: bench/render-8k.ts).
const dir = mkdtempSync(join(tmpdir(), "efs-formats8k-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("8K formats produce a valid MP4", () => {
  it(
    "360-mono-8k with spherical metadata",
    async () => expect((await renderAndCheck(dir, "360-mono-8k", 30, 1)).level).toBe(60),
    900_000,
  );
  it(
    "360-stereo-8k (top-bottom) with spherical metadata, inside level 6.0",
    async () => expect((await renderAndCheck(dir, "360-stereo-8k", 30, 1)).level).toBe(60),
    900_000,
  );
});
