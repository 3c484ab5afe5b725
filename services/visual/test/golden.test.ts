import { captureJob } from "@efs/renderer/render";
import { type CaptureSession, openCaptureSession } from "@efs/renderer/session";
import { psnr, readFrame, readRgba, switchJob } from "@efs/renderer/snapshot";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PRESET_IDS, resolveVisualConfig } from "../src/presets";
import { GOLDEN_FORMAT, GOLDEN_FRAME, GOLDEN_MIN_PSNR, goldenPath } from "./golden/frames";
import { syntheticFeatures } from "./synthetic-features";

const features = syntheticFeatures();
const job = (id: string) => captureJob(GOLDEN_FORMAT, 30, features, resolveVisualConfig(id));
let session: CaptureSession;
beforeAll(async () => {
  session = await openCaptureSession(job(PRESET_IDS[0]!));
}, 120_000);
afterAll(() => session?.close());

describe("golden frames (update: node --import tsx services/visual/test/golden/update.ts)", () => {
  it.each(PRESET_IDS)("%s matches its stored frame", async (id) => {
    await switchJob(session, job(id));
    const got = await readFrame(session, GOLDEN_FRAME);
    const want = await readRgba(goldenPath(id));
    expect(psnr(got, want)).toBeGreaterThanOrEqual(GOLDEN_MIN_PSNR);
  });

  it("tells presets apart (the tolerance would catch a changed look)", async () => {
    await switchJob(session, job("ethereal-flame"));
    const got = await readFrame(session, GOLDEN_FRAME);
    expect(psnr(got, await readRgba(goldenPath("neon-pulse")))).toBeLessThan(GOLDEN_MIN_PSNR);
    expect(psnr(got, await readRgba(goldenPath("ethereal-flame")))).toBeGreaterThanOrEqual(
      GOLDEN_MIN_PSNR,
    );
  });
});
