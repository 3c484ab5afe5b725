import { type ChildProcess, spawn } from "node:child_process";
import { readdirSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { EfsError } from "../../src/errors";
import { acquireLock } from "../../src/vault/lock";
import { Vault } from "../../src/vault/vault";
import { REPO, type Sandbox, sandbox, TSX } from "../helpers/cli";

let box: Sandbox;
const children = new Set<ChildProcess>();
afterEach(() => {
  for (const c of children) c.kill("SIGKILL");
  children.clear();
  box?.cleanup();
});

function writer(args: string[]): {
  child: ChildProcess;
  done: Promise<number>;
  firstWrite: Promise<void>;
} {
  const child = spawn(
    process.execPath,
    ["--import", TSX, join(REPO, "test/fixtures/vault-writer.ts"), box.project, ...args],
    {
      cwd: REPO,
      env: box.env,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  children.add(child);
  let err = "";
  child.stderr?.on("data", (d) => (err += d));
  const firstWrite = new Promise<void>((resolve) => {
    child.stdout?.on("data", (d: Buffer) => d.toString().includes("first-write") && resolve());
  });
  const done = new Promise<number>((resolve) =>
    child.on("close", (code) => {
      children.delete(child);
      if (code !== 0 && code !== null) process.stderr.write(err);
      resolve(code ?? -1);
    }),
  );
  return { child, done, firstWrite };
}

const read = () => new Vault({ root: box.project, keys: { env: box.env } }).read();

describe("vault under concurrent processes", () => {
  it("loses no write when two processes update the same new vault at once", async () => {
    box = sandbox();
    const a = writer(["ALPHA", "20"]);
    const b = writer(["BRAVO", "20"]);
    expect(await a.done).toBe(0);
    expect(await b.done).toBe(0);
    const s = await read();
    const names = s.entries().map((e) => e.name);
    for (let i = 0; i < 20; i++) {
      expect(names).toContain(`ALPHA_${i}`);
      expect(names).toContain(`BRAVO_${i}`);
    }
    expect(s.journal).toMatchObject({ ALPHA_counter: { i: 19 }, BRAVO_counter: { i: 19 } });
    expect(
      readdirSync(join(box.project, ".efs")).filter(
        (n) => n.endsWith(".tmp") || n.endsWith(".lock"),
      ),
    ).toEqual([]);
  });

  it("leaves the old or the new vault after kill -9 mid-write, and the next writer recovers", async () => {
    box = sandbox();
    let lastCounter = -1;
    let killedInside = 0;
    for (let round = 0; round < 4; round++) {
      // A 2 MB journal makes each write long enough to be killed in the middle of one.
      const w = writer([`R${round}`, "forever", String(2_000_000)]);
      await w.firstWrite;
      await sleep(30 + Math.floor(Math.random() * 150));
      w.child.kill("SIGKILL");
      await w.done;
      // A leftover lock or temp file shows the kill landed inside a read-modify-write.
      const left = readdirSync(join(box.project, ".efs"));
      if (left.some((n) => n.endsWith(".lock") || n.endsWith(".tmp"))) killedInside += 1;
      const s = await read(); // never throws: old or new, complete and authentic
      const counter = (s.journal[`R${round}_counter`] as { i: number }).i;
      expect(counter).toBeGreaterThanOrEqual(0);
      expect(s.get(`R${round}_${counter % 50}`)).toBe(`value-R${round}-${counter}`);
      lastCounter = counter;
    }
    expect(lastCounter).toBeGreaterThanOrEqual(0);
    expect(killedInside).toBeGreaterThan(0);
    // A stale lock or temp file from the killed writer does not block the next one.
    const next = writer(["AFTER", "1"]);
    expect(await next.done).toBe(0);
    expect((await read()).get("AFTER_0")).toBe("value-AFTER-0");
    expect(readdirSync(join(box.project, ".efs")).filter((n) => n.endsWith(".tmp"))).toEqual([]);
  });
});

describe("vault lock", () => {
  it("steals a lock left by a dead process on this host", async () => {
    box = sandbox();
    const path = join(box.project, "x.lock");
    writeFileSync(
      path,
      JSON.stringify({
        pid: 2 ** 22 + 12345,
        hostname: hostname(),
        createdAt: Date.now(),
        token: "dead",
      }),
    );
    const release = await acquireLock(path, { timeoutMs: 2000 });
    release();
  });

  it("waits for a live holder, then fails naming the holder and the lock file", async () => {
    box = sandbox();
    const path = join(box.project, "x.lock");
    const release = await acquireLock(path);
    try {
      const e = await acquireLock(path, { timeoutMs: 300 }).then(
        () => null,
        (err: unknown) => err,
      );
      expect(e).toBeInstanceOf(EfsError);
      expect((e as EfsError).message).toContain(`pid ${process.pid}`);
      expect((e as EfsError).fix).toContain(path);
    } finally {
      release();
    }
    (await acquireLock(path, { timeoutMs: 300 }))();
  });

  it("treats a lock older than the stale limit as stale even if its pid is alive", async () => {
    box = sandbox();
    const path = join(box.project, "x.lock");
    writeFileSync(
      path,
      JSON.stringify({
        pid: process.pid,
        hostname: "other-host",
        createdAt: Date.now() - 10 * 60_000,
        token: "old",
      }),
    );
    (await acquireLock(path, { timeoutMs: 500 }))();
  });
});
