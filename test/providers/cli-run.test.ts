import { describe, expect, it } from "vitest";
import { runCli } from "../../src/providers/cli-run";
import { ProviderError } from "../../src/providers/errors";

// A provider CLI that never answers.
const HANG = ["-e", "setInterval(() => {}, 1000)"];

describe("runCli", () => {
  it("turns a CLI that runs past its timeout into a ProviderError saying so", async () => {
    const err = await runCli("modal", process.execPath, HANG, { timeoutMs: 300 }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ProviderError);
    expect((err as Error).message).toMatch(/did not finish within 0 s/);
  });

  it("returns a failed run's exit code and output instead of throwing", async () => {
    const res = await runCli("turso", process.execPath, [
      "-e",
      "process.stderr.write('Error: nope\\n'); process.exit(3)",
    ]);
    expect(res).toEqual({ stdout: "", stderr: "Error: nope\n", exitCode: 3 });
  });

  it("names a CLI that is not installed and how to install it", async () => {
    const err = await runCli("vercel", "vercel-not-installed-here", ["whoami"]).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ProviderError);
    expect((err as Error).message).toContain("vercel-not-installed-here is not installed");
  });
});
