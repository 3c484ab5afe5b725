import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, it } from "vitest";
import { renderAndCheck } from "./helpers/format-check";

// 8K equirect formats, one frame each: slow on a CPU rasteriser (≈1–2 min per frame on a
// busy 2-core box), fast on a GPU. Stereo renders each 7680×3840 eye separately and stacks them.
const dir = mkdtempSync(join(tmpdir(), "efs-formats8k-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("8K formats produce a valid MP4", () => {
  it(
    "360-mono-8k with spherical metadata",
    () => renderAndCheck(dir, "360-mono-8k", 30, 1),
    900_000,
  );
  it(
    "360-stereo-8k (top-bottom) with spherical metadata",
    () => renderAndCheck(dir, "360-stereo-8k", 30, 1),
    900_000,
  );
});
