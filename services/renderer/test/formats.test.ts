import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, it } from "vitest";
import { renderAndCheck } from "./helpers/format-check";

// Every format up to 4K: a few frames each (flat-1080p-landscape and flat-4k-landscape, with a
// second of frames and their encode quality: encode-quality.test.ts; 8K: formats-8k.test.ts).
const dir = mkdtempSync(join(tmpdir(), "efs-formats-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("every format produces a valid MP4", () => {
  it("preview-360p at 60 fps", () => renderAndCheck(dir, "preview-360p", 60, 6), 300_000);
  it("flat-1080p-portrait", () => renderAndCheck(dir, "flat-1080p-portrait", 30, 2), 300_000);
  it("flat-1080p-square", () => renderAndCheck(dir, "flat-1080p-square", 30, 2), 300_000);
  it("flat-4k-portrait", () => renderAndCheck(dir, "flat-4k-portrait", 30, 1), 400_000);
  it(
    "360-mono-4k with spherical metadata",
    () => renderAndCheck(dir, "360-mono-4k", 30, 1),
    400_000,
  );
});
