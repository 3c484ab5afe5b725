import { describe, expect, it } from "vitest";
import { classifyError, PermanentJobError, TransientJobError } from "../src/errors";

describe("classifyError (typed, never by message text)", () => {
  it.each([
    ["ECONNRESET"],
    ["ECONNREFUSED"],
    ["ETIMEDOUT"],
    ["EAI_AGAIN"],
    ["UND_ERR_SOCKET"],
    ["UND_ERR_CONNECT_TIMEOUT"],
  ])("retries a network error with code %s", (code) => {
    const err = Object.assign(new Error("whatever"), { code });
    expect(classifyError(err)).toEqual({
      retryable: true,
      reason: `temporary network error (${code})`,
    });
  });

  it("finds a network code on the error's cause chain", () => {
    const err = new Error("fetch failed", {
      cause: Object.assign(new Error("x"), { code: "ECONNRESET" }),
    });
    expect(classifyError(err).retryable).toBe(true);
  });

  it.each([429, 500, 503])("retries an SDK error with HTTP %s", (status) => {
    const err = Object.assign(new Error("S3 said no"), { $metadata: { httpStatusCode: status } });
    expect(classifyError(err)).toEqual({
      retryable: true,
      reason: `dependency answered HTTP ${status}`,
    });
  });

  it("does not retry a 403 from a dependency", () => {
    const err = Object.assign(new Error("AccessDenied"), { $metadata: { httpStatusCode: 403 } });
    expect(classifyError(err)).toEqual({
      retryable: false,
      reason: "internal error: AccessDenied",
    });
  });

  it("does not retry an error whose message merely mentions a network code", () => {
    expect(classifyError(new Error("ECONNRESET while reading 503")).retryable).toBe(false);
  });

  it("keeps the message of typed job errors", () => {
    expect(classifyError(new PermanentJobError("the file is empty"))).toEqual({
      retryable: false,
      reason: "the file is empty",
    });
    expect(classifyError(new TransientJobError("renderer busy"))).toEqual({
      retryable: true,
      reason: "renderer busy",
    });
  });
});
