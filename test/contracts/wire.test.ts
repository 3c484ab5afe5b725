// The wire types and readers of @efs/core/wire against the shared fixtures in contracts/ (the
// same files modal_app's Python tests read), so the one TypeScript definition and the Python
// side cannot drift.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  isRenderPing,
  parseRenderStatus,
  parseRenderSubmit,
  RENDER_PING_JOB_ID,
  type RenderStatusBody,
  type RenderSubmitBody,
  type WebhookBody,
  WireError,
} from "@efs/core/wire";
import { PRESET_IDS } from "@efs/visual/presets";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..", "..");
const fixture = <T>(name: string): T =>
  JSON.parse(readFileSync(join(ROOT, "contracts", name), "utf8")) as T;

type Case<B> = { name: string; body: B; status?: number };
const submit = fixture<{ valid: Case<RenderSubmitBody>[]; invalid: Case<unknown>[] }>(
  "modal-submit.json",
);
const status = fixture<{
  valid: Case<RenderStatusBody>[];
  invalidProgress: { name: string; progress: unknown }[];
}>("modal-status.json");
const webhook = fixture<{ valid: Case<WebhookBody>[]; invalid: Case<unknown>[] }>("webhook.json");

describe("submit (contracts/modal-submit.json)", () => {
  // The health ping is a valid body but no render request: its own case below.
  for (const c of submit.valid.filter((x) => x.body.job_id !== RENDER_PING_JOB_ID)) {
    it(`accepts "${c.name}"`, () => {
      expect(isRenderPing(c.body as unknown as Record<string, unknown>)).toBe(false);
      const r = parseRenderSubmit(c.body, PRESET_IDS);
      expect(r).toMatchObject({
        jobId: c.body.job_id,
        preset: c.body.config.preset,
        format: c.body.config.format,
        fps: c.body.config.fps ?? 30,
        audioUrl: c.body.audio_url,
        outputKey: c.body.output_key,
        webhookUrl: c.body.webhook_url,
        webhookToken: c.body.webhook_token,
      });
      expect(r.quality).toBe(c.body.config.quality);
    });
  }

  it("recognises the checklist's health ping", () => {
    const pings = submit.valid.filter((c) => c.body.job_id === RENDER_PING_JOB_ID);
    expect(pings.length).toBeGreaterThan(0);
    for (const c of pings) expect(isRenderPing(c.body as never)).toBe(true);
  });

  // 401 cases are the token check, which runs before the body is read.
  for (const c of submit.invalid.filter((x) => x.status !== 401)) {
    it(`refuses "${c.name}" with ${c.status}`, () => {
      let err: unknown;
      try {
        parseRenderSubmit(c.body, PRESET_IDS);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(WireError);
      expect((err as WireError).status).toBe(c.status);
    });
  }
});

describe("status (contracts/modal-status.json)", () => {
  for (const c of status.valid) {
    it(`reads "${c.name}" as sent`, () => {
      expect(parseRenderStatus(c.body as unknown as Record<string, unknown>)).toEqual(c.body);
    });
  }
  for (const c of status.invalidProgress) {
    it(`drops a malformed progress ("${c.name}"), keeps the call running`, () => {
      expect(parseRenderStatus({ status: "running", progress: c.progress })).toEqual({
        status: "running",
      });
    });
  }
  it("turns a status outside the contract into unknown, saying what came", () => {
    expect(parseRenderStatus({ status: "done" })).toEqual({
      status: "unknown",
      error: 'renderer answered an unexpected status "done"',
    });
  });
});

describe("webhook (contracts/webhook.json)", () => {
  it("every valid body has the WebhookBody shape the renderer sends", () => {
    for (const c of webhook.valid) {
      const b = c.body;
      expect(typeof b.jobId).toBe("string");
      if (b.status === "complete") {
        expect(Object.keys(b).sort()).toEqual(["jobId", "result", "status"]);
        expect(typeof b.result.videoKey).toBe("string");
        expect(typeof b.result.format).toBe("string");
        expect(typeof b.result.durationSeconds).toBe("number");
        for (const k of Object.keys(b.result)) {
          expect(["videoKey", "format", "durationSeconds", "thumbnailKey"]).toContain(k);
        }
      } else {
        expect(b.status).toBe("failed");
        expect(Object.keys(b).sort()).toEqual(["error", "jobId", "status"]);
        expect(typeof b.error).toBe("string");
      }
    }
  });
});
