import { describe, expect, it } from "vitest";
import { PermanentJobError } from "../src/errors";
import { parseRenderPayload } from "../src/handlers/render";

const base = { audioId: "job_a", preset: "aurora", format: "flat-4k-landscape", fps: 30 };

describe("render payload", () => {
  it("keeps the quality the job recorded", () => {
    expect(parseRenderPayload({ ...base, quality: "draft" }).quality).toBe("draft");
  });

  it("gives an older job without one the format's default", () => {
    expect(parseRenderPayload(base).quality).toBe("final");
    expect(parseRenderPayload({ ...base, format: "preview-360p" }).quality).toBe("draft");
  });

  it("refuses an unknown quality as a permanent error naming the choices", () => {
    expect(() => parseRenderPayload({ ...base, quality: "ultra" })).toThrow(PermanentJobError);
    expect(() => parseRenderPayload({ ...base, quality: "ultra" })).toThrow(
      'payload.quality must be one of draft, final (got "ultra")',
    );
  });
});
