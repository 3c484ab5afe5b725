import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runTs } from "./helpers";

const bench = fileURLToPath(new URL("../../bench/claims.ts", import.meta.url));

describe("bench:claims", () => {
  it("drains a queue with worker processes and ends with the verified summary line", async () => {
    const out = await runTs(bench, ["--workers", "2", "--jobs", "150"], 120_000);
    const lines = out.trim().split("\n");
    expect(lines.at(-1)).toMatch(/^claims\/s=\d+ duplicates=0 lost=0$/);
    expect(out).toContain("verified        completed=150 pending=0 other=0 runs=150 retried=0");
  });

  it("refuses a bad --workers value with a message naming the flag", async () => {
    await expect(runTs(bench, ["--workers", "zero"])).rejects.toThrow(
      '--workers must be a positive integer (got "zero")',
    );
  });
});
