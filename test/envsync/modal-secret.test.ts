// Modal secrets reach `modal secret create` without a file that can outlive efs: kill -9
// while the CLI runs leaves no R2 key in $TMPDIR, and secret dirs an older efs left behind
// are swept on the next run.
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { spawnEfs } from "../helpers/cli";
import { createStack, type Stack } from "../verify/stack";

let s: Stack;
let tmp: string;
beforeEach(async () => {
  s = await createStack();
  tmp = mkdtempSync(join(tmpdir(), "efs-tmpdir-"));
});
afterEach(async () => {
  rmSync(tmp, { recursive: true, force: true });
  await s.cleanup();
});

// Every file under `dir` (recursively) whose content includes `needle`.
function filesHolding(dir: string, needle: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) found.push(...filesHolding(p, needle));
    else if (st.isFile() && readFileSync(p, "latin1").includes(needle)) found.push(p);
  }
  return found;
}

const secretDirs = () => readdirSync(tmp).filter((n) => n.startsWith("efs-secret-"));

describe("Modal secret values on disk", () => {
  it("leaves no R2 key in $TMPDIR when efs is killed with -9 during modal secret create", async () => {
    s.fakes.set("modal", { deploys: 1, secrets: {}, hangSecretCreate: true });
    const marker = join(s.fakes.dir, "modal-secret-create.started");
    const efs = spawnEfs(
      ["--cwd", s.box.project, "--yes", "env", "push", "--target", "modal:r2-credentials"],
      { env: { ...s.env, TMPDIR: tmp }, timeoutMs: 60_000 },
    );
    const deadline = Date.now() + 45_000;
    while (!existsSync(marker) && Date.now() < deadline && efs.child.exitCode === null)
      await new Promise((r) => setTimeout(r, 50));
    expect(existsSync(marker), efs.stderr()).toBe(true);
    efs.child.kill("SIGKILL");
    await efs.done;
    process.kill(Number(readFileSync(marker, "utf8")), "SIGKILL");

    expect(filesHolding(tmp, s.values.R2_SECRET_ACCESS_KEY!)).toEqual([]);
    expect(filesHolding(tmp, s.values.R2_ACCESS_KEY_ID!)).toEqual([]);
    expect(secretDirs()).toEqual([]);
  }, 90_000);

  it("sweeps secret dirs of dead efs processes on the next secret creation", async () => {
    const plant = (name: string, ageMs: number) => {
      const dir = join(tmp, name);
      mkdirSync(dir);
      writeFileSync(
        join(dir, "secret.env"),
        `R2_SECRET_ACCESS_KEY='${s.values.R2_SECRET_ACCESS_KEY}'\n`,
      );
      const t = new Date(Date.now() - ageMs);
      utimesSync(dir, t, t);
    };
    plant("efs-secret-Ab12Cd", 3_600_000); // an older efs, killed an hour ago
    plant("efs-secret-999999-Xy34Zw", 0); // a dead pid
    plant("efs-secret-Ef56Gh", 0); // an older efs that may still be running: kept
    const r = await spawnEfs(
      ["--cwd", s.box.project, "--yes", "env", "push", "--target", "modal:r2-credentials"],
      { env: { ...s.env, TMPDIR: tmp }, timeoutMs: 60_000 },
    ).done;
    expect(r.code, r.stderr).toBe(0);
    expect(secretDirs()).toEqual(["efs-secret-Ef56Gh"]);
    const modal = s.fakes.get<{ secrets: Record<string, { onDisk: boolean; fileMode: string }> }>(
      "modal",
    );
    expect(modal.secrets["r2-credentials"]).toMatchObject({ onDisk: false, fileMode: "600" });
  }, 90_000);
});
