// Render progress on the wire: the shared fixtures (contracts/modal-status.json, also read by the
// Python tests) parse as the contract says, and become the job's {stage, percent, etaSec}.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  parseRendererProgress,
  type RendererProgress,
  toJobProgress,
} from "../src/render-progress";

const fixture = JSON.parse(
  readFileSync(new URL("../../../contracts/modal-status.json", import.meta.url), "utf8"),
) as {
  valid: Array<{ name: string; body: { status: string; progress?: unknown } }>;
  invalidProgress: Array<{ name: string; progress: unknown }>;
};

describe("renderer progress (contracts/modal-status.json)", () => {
  const running = fixture.valid.filter((c) => c.body.progress !== undefined);

  it.each(running.map((c) => [c.name, c.body.progress] as const))(
    "reads the %s fixture unchanged",
    (_name, progress) => {
      expect(parseRendererProgress(progress)).toEqual(progress);
    },
  );

  it.each(fixture.invalidProgress.map((c) => [c.name, c.progress] as const))(
    "ignores malformed progress: %s",
    (_name, progress) => {
      expect(parseRendererProgress(progress)).toBeNull();
    },
  );

  it("turns stages and frames into a percent that only grows through a render", () => {
    const steps: RendererProgress[] = [
      { stage: "starting", framesDone: 0, framesTotal: 0 },
      { stage: "rendering", framesDone: 0, framesTotal: 300 },
      { stage: "rendering", framesDone: 150, framesTotal: 300, etaSec: 20.4 },
      { stage: "rendering", framesDone: 300, framesTotal: 300, etaSec: 0 },
      { stage: "encoding", framesDone: 300, framesTotal: 300 },
      { stage: "uploading", framesDone: 300, framesTotal: 300 },
    ];
    const percents = steps.map((s) => toJobProgress(s).percent!);
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
    expect(percents[0]).toBe(0);
    expect(percents.at(-1)).toBeLessThan(100); // 100 % is the finished job, not the upload
    expect(toJobProgress(steps[2]!)).toEqual({
      stage: "rendering",
      percent: 46,
      message: "150 / 300 frames",
      etaSec: 20,
    });
  });
});
