// Regenerates the golden frames: node --import tsx services/visual/test/golden/update.ts
import { captureJob } from "@efs/renderer/render";
import { openCaptureSession } from "@efs/renderer/session";
import { readFrame, switchJob, writePng } from "@efs/renderer/snapshot";
import { PRESET_IDS, resolveVisualConfig } from "../../src/presets";
import { syntheticFeatures } from "../synthetic-features";
import { GOLDEN_FORMAT, GOLDEN_FRAME, goldenPath } from "./frames";

const features = syntheticFeatures();
const job = (id: string) => captureJob(GOLDEN_FORMAT, 30, features, resolveVisualConfig(id));
const session = await openCaptureSession(job(PRESET_IDS[0]!));
try {
  for (const id of PRESET_IDS) {
    await switchJob(session, job(id));
    const px = await readFrame(session, GOLDEN_FRAME);
    await writePng(goldenPath(id), px, GOLDEN_FORMAT.width, GOLDEN_FORMAT.height);
    console.log(`wrote ${goldenPath(id)}`);
  }
} finally {
  await session.close();
}
