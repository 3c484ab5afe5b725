import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { Secret } from "../src/secret";
import { checkWebhookAuth, deriveJobToken, parseBearer } from "../src/webhook-auth";

const CURRENT = "c".repeat(64);
const PREVIOUS = "0123456789abcdef".repeat(4);

describe("webhook auth", () => {
  it("derives the per-job token as hex HMAC-SHA256(secret, 'efs-webhook:' + jobId)", () => {
    const expected = createHmac("sha256", CURRENT).update("efs-webhook:job-1").digest("hex");
    expect(deriveJobToken(CURRENT, "job-1")).toBe(expected);
    expect(deriveJobToken(new Secret(CURRENT), "job-1")).toBe(expected);
    expect(deriveJobToken(CURRENT, "job-2")).not.toBe(expected);
    expect(() => deriveJobToken("", "job-1")).toThrow(/INTERNAL_WEBHOOK_SECRET/);
    expect(() => deriveJobToken(CURRENT, "")).toThrow(/jobId/);
  });

  it("accepts the shared secret for any job, or with no job id", () => {
    expect(checkWebhookAuth(`Bearer ${CURRENT}`, { secrets: [CURRENT], jobId: "job-1" })).toEqual({
      ok: true,
      via: "shared",
    });
    expect(checkWebhookAuth(`Bearer ${CURRENT}`, { secrets: [new Secret(CURRENT)] })).toEqual({
      ok: true,
      via: "shared",
    });
  });

  it("accepts a per-job token for its own job only", () => {
    const token = deriveJobToken(CURRENT, "job-1");
    expect(checkWebhookAuth(`Bearer ${token}`, { secrets: [CURRENT], jobId: "job-1" })).toEqual({
      ok: true,
      via: "job",
    });
    expect(checkWebhookAuth(`Bearer ${token}`, { secrets: [CURRENT], jobId: "job-2" })).toEqual({
      ok: false,
    });
    expect(checkWebhookAuth(`Bearer ${token}`, { secrets: [CURRENT] })).toEqual({ ok: false });
    expect(checkWebhookAuth(`Bearer ${token}`, { secrets: [CURRENT], jobId: null })).toEqual({
      ok: false,
    });
  });

  it("accepts the previous secret and its job tokens during rotation, and nothing after it is dropped", () => {
    const secrets = [CURRENT, PREVIOUS];
    expect(checkWebhookAuth(`Bearer ${PREVIOUS}`, { secrets })).toEqual({
      ok: true,
      via: "shared",
    });
    const oldToken = deriveJobToken(PREVIOUS, "job-9");
    expect(checkWebhookAuth(`Bearer ${oldToken}`, { secrets, jobId: "job-9" })).toEqual({
      ok: true,
      via: "job",
    });
    expect(checkWebhookAuth(`Bearer ${PREVIOUS}`, { secrets: [CURRENT] })).toEqual({ ok: false });
    expect(checkWebhookAuth(`Bearer ${oldToken}`, { secrets: [CURRENT], jobId: "job-9" })).toEqual({
      ok: false,
    });
  });

  it.each([
    ["missing header", undefined],
    ["null header", null],
    ["empty header", ""],
    ["no scheme", CURRENT],
    ["wrong scheme", `Basic ${CURRENT}`],
    ["two spaces", `Bearer  ${CURRENT}`],
    ["leading space", ` Bearer ${CURRENT}`],
    ["trailing space", `Bearer ${CURRENT} `],
    ["trailing newline", `Bearer ${CURRENT}\n`],
    ["empty token", "Bearer "],
    ["two tokens", `Bearer ${CURRENT} ${CURRENT}`],
    ["tab separator", `Bearer\t${CURRENT}`],
    ["prefix of the secret", `Bearer ${CURRENT.slice(0, 63)}`],
    ["secret plus a char", `Bearer ${CURRENT}c`],
    ["wrong secret", `Bearer ${"d".repeat(64)}`],
  ])("refuses a malformed or wrong header (%s)", (_name, header) => {
    expect(checkWebhookAuth(header, { secrets: [CURRENT], jobId: "job-1" })).toEqual({ ok: false });
  });

  it("parses the bearer scheme case-insensitively but otherwise strictly", () => {
    expect(parseBearer(`bearer ${CURRENT}`)).toBe(CURRENT);
    expect(parseBearer("Bearer abc.DEF-_~+/==")).toBe("abc.DEF-_~+/==");
    expect(parseBearer("Bearer a=b")).toBeNull();
    expect(parseBearer(`Bearer ${"a".repeat(513)}`)).toBeNull();
  });

  it("fails loudly when no secret is configured instead of letting requests through", () => {
    expect(() => checkWebhookAuth(`Bearer ${CURRENT}`, { secrets: [] })).toThrow(
      /INTERNAL_WEBHOOK_SECRET/,
    );
    expect(() => checkWebhookAuth("Bearer x", { secrets: ["", null, undefined] })).toThrow(
      /no webhook secret/,
    );
  });
});
