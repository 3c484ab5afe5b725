import { describe, expect, it } from "vitest";
import { StorageError } from "../../src/storage/errors";
import { assertValidKey, assertValidPrefix, isValidKey } from "../../src/storage/keys";

function problemOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(StorageError);
    expect((err as StorageError).code).toBe("InvalidKey");
    return (err as StorageError).message;
  }
  throw new Error("expected the key to be rejected");
}

describe("storage keys", () => {
  it("accepts keys under every allowed prefix", () => {
    for (const k of [
      "uploads/abc/audio.mp3",
      "audio/j1/prepared.wav",
      "previews/x.mp3",
      "renders/job-1/out.mp4",
      "features/j1.json",
      "tmp/a",
      "smoke/probe.txt",
      "uploads/ünïcødé file (1).mp3",
    ]) {
      expect(assertValidKey(k)).toBe(k);
    }
  });

  it.each([
    ["uploads/../etc/passwd", '".." segment'],
    ["uploads/a/..", '".." segment'],
    ["uploads/./a", '"." segment'],
    ["/uploads/a", "absolute path"],
    ["uploads\\a", "backslash"],
    ["uploads/a\u0000b", "NUL byte"],
    ["uploads/a\nb", "control character"],
    ["uploads/a\u007fb", "control character"],
    ["uploads//a", "empty path segment"],
    ["uploads/a/", "empty path segment"],
    ["", "empty"],
    ["secrets/a", "allowed prefix"],
    ["uploads", "allowed prefix"],
    ["../uploads/a", "allowed prefix"],
    [`uploads/${"a".repeat(201)}`, "segment is longer than 200 bytes"],
    [`uploads/${"a/".repeat(600)}b`, "longer than 1024 bytes"],
  ])("rejects %j naming the problem (%s)", (key, problem) => {
    expect(problemOf(() => assertValidKey(key))).toContain(problem);
    expect(isValidKey(key)).toBe(false);
  });

  it("accepts folder prefixes and partial names but not bare or traversing prefixes", () => {
    expect(assertValidPrefix("uploads/")).toBe("uploads/");
    expect(assertValidPrefix("uploads/job-1/")).toBe("uploads/job-1/");
    expect(assertValidPrefix("uploads/job")).toBe("uploads/job");
    expect(problemOf(() => assertValidPrefix(""))).toContain("empty");
    expect(problemOf(() => assertValidPrefix("uploads"))).toContain("allowed prefix");
    expect(problemOf(() => assertValidPrefix("uploads/../"))).toContain('".."');
    expect(problemOf(() => assertValidPrefix("uploads//"))).toContain("empty path segment");
  });
});
