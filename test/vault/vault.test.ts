import { randomBytes } from "node:crypto";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { EfsError } from "../../src/errors";
import { Redactor } from "../../src/redact";
import { keyFilePath } from "../../src/vault/key";
import { Vault } from "../../src/vault/vault";
import { type Sandbox, sandbox } from "../helpers/cli";
import { testSecret } from "../helpers/leak-record";

let box: Sandbox;
afterEach(() => box?.cleanup());

function vaultFor(env: Record<string, string>, redactor?: Redactor): Vault {
  return new Vault({ root: box.project, keys: { env }, redactor });
}

async function errorOf(p: Promise<unknown>): Promise<EfsError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof EfsError) return e;
    throw e;
  }
  throw new Error("expected an EfsError");
}

describe("vault", () => {
  it("round-trips values, metadata, push records and the journal", async () => {
    box = sandbox();
    const secret = testSecret(64);
    const v = vaultFor(box.env);
    await v.update((d) => {
      expect(d.set("INTERNAL_WEBHOOK_SECRET", secret)).toBe("created");
      d.set("R2_BUCKET_NAME", "efs-media");
      d.recordPush("INTERNAL_WEBHOOK_SECRET", "vercel", {
        remoteUpdatedAt: "2026-01-01T00:00:00.000Z",
      });
      d.setJournal("init", { step: "turso", done: ["r2"] });
    });
    const s = await vaultFor(box.env).read();
    expect(s.get("INTERNAL_WEBHOOK_SECRET")).toBe(secret);
    const e = s.entry("INTERNAL_WEBHOOK_SECRET");
    expect(e?.source).toBe("generated");
    expect(e?.createdAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(e?.pushes.vercel?.remoteUpdatedAt).toBe("2026-01-01T00:00:00.000Z");
    expect(s.inSync("INTERNAL_WEBHOOK_SECRET", "vercel")).toBe(true);
    expect(s.inSync("INTERNAL_WEBHOOK_SECRET", "render")).toBeNull();
    expect(s.entry("R2_BUCKET_NAME")?.source).toBe("r2");
    expect(s.journal).toEqual({ init: { step: "turso", done: ["r2"] } });
    const text = readFileSync(v.path, "utf8");
    expect(text).not.toContain(secret);
    expect(text).not.toContain("efs-media");
    expect(text).not.toContain("turso");
  });

  it("creates the vault and the user key file with mode 0600 outside the project", async () => {
    box = sandbox();
    const v = vaultFor(box.env);
    await v.update((d) => d.set("R2_BUCKET_NAME", "efs-media"));
    const s = await v.read();
    const keyFile = keyFilePath(box.env, s.projectId!);
    expect(keyFile.startsWith(box.configHome)).toBe(true);
    expect(statSync(v.path).mode & 0o777).toBe(0o600);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(statSync(join(box.configHome, "efs/keys")).mode & 0o777).toBe(0o700);
    expect(readFileSync(join(v.dir, ".gitignore"), "utf8")).toContain("*");
  });

  it("marks a push out of sync after the value changes and keeps unchanged ciphertexts", async () => {
    box = sandbox();
    const v = vaultFor(box.env);
    const a = testSecret(64);
    await v.update((d) => {
      d.set("INTERNAL_WEBHOOK_SECRET", a);
      d.set("MODAL_AUTH_TOKEN", testSecret(40));
      d.recordPush("INTERNAL_WEBHOOK_SECRET", "render");
    });
    const before = JSON.parse(readFileSync(v.path, "utf8")) as {
      entries: { name: string; ct: string; updatedAt: string }[];
    };
    await v.update((d) => {
      expect(d.set("INTERNAL_WEBHOOK_SECRET", a)).toBe("unchanged");
      expect(d.set("MODAL_AUTH_TOKEN", testSecret(40))).toBe("updated");
    });
    const after = JSON.parse(readFileSync(v.path, "utf8")) as typeof before;
    expect(after.entries[0]).toEqual(before.entries[0]);
    expect(after.entries[1]?.ct).not.toBe(before.entries[1]?.ct);
    await v.update((d) => d.set("INTERNAL_WEBHOOK_SECRET", testSecret(64)));
    expect((await v.read()).inSync("INTERNAL_WEBHOOK_SECRET", "render")).toBe(false);
  });

  it("refuses invalid values and names without changing the vault", async () => {
    box = sandbox();
    const v = vaultFor(box.env);
    await v.update((d) => d.set("R2_BUCKET_NAME", "efs-media"));
    const before = readFileSync(v.path, "utf8");
    for (const [name, value, msg] of [
      ["INTERNAL_WEBHOOK_SECRET", `${"a".repeat(64)}\n`, "ends with a newline"],
      ["INTERNAL_WEBHOOK_SECRET", "abc", "must be 64 hex characters"],
      ["TURSO_AUTH_TOKEN", "", "is empty"],
      ["TURSO_DATABASE_URL", "https://x.turso.io ", "surrounding whitespace"],
      ["lower_case", "x", "not a valid variable name"],
    ] as const) {
      const e = await errorOf(v.update((d) => d.set(name, value)));
      expect(e.message).toContain(msg);
      expect(e.exitCode).toBe(2);
    }
    expect(readFileSync(v.path, "utf8")).toBe(before);
  });

  it("opens with EFS_VAULT_KEY in hex or base64 and rejects a wrong key clearly", async () => {
    box = sandbox();
    const key = randomBytes(32);
    const secret = testSecret(64);
    await vaultFor({ ...box.env, EFS_VAULT_KEY: key.toString("hex") }).update((d) =>
      d.set("INTERNAL_WEBHOOK_SECRET", secret),
    );
    const s = await vaultFor({ ...box.env, EFS_VAULT_KEY: key.toString("base64") }).read();
    expect(s.get("INTERNAL_WEBHOOK_SECRET")).toBe(secret);
    const wrong = await errorOf(
      vaultFor({ ...box.env, EFS_VAULT_KEY: randomBytes(32).toString("hex") }).read(),
    );
    expect(wrong.code).toBe("VAULT_WRONG_KEY");
    expect(wrong.message).toContain("does not open this vault");
    expect(wrong.fix).toContain("EFS_VAULT_KEY");
    const none = await errorOf(vaultFor(box.env).read());
    expect(none.code).toBe("VAULT_KEY_MISSING");
    expect(none.fix).toContain("EFS_VAULT_KEY");
    const malformed = await errorOf(vaultFor({ ...box.env, EFS_VAULT_KEY: "not-a-key" }).read());
    expect(malformed.code).toBe("VAULT_KEY_INVALID");
    expect(malformed.message).not.toContain("not-a-key");
  });

  it("derives the key from a passphrase with scrypt and rejects a wrong passphrase", async () => {
    box = sandbox();
    const pass = "correct horse battery staple";
    await vaultFor({ ...box.env, EFS_VAULT_PASSPHRASE: pass }).update((d) =>
      d.set("R2_BUCKET_NAME", "efs-media"),
    );
    const header = JSON.parse(readFileSync(join(box.project, ".efs/vault.json"), "utf8")) as {
      kdf: { type: string };
    };
    expect(header.kdf.type).toBe("scrypt");
    const asked: string[] = [];
    const v = new Vault({
      root: box.project,
      keys: {
        env: box.env,
        askPassphrase: async (m) => {
          asked.push(m);
          return pass;
        },
      },
    });
    expect((await v.read()).get("R2_BUCKET_NAME")).toBe("efs-media");
    expect(asked).toHaveLength(1);
    const wrong = await errorOf(vaultFor({ ...box.env, EFS_VAULT_PASSPHRASE: "nope" }).read());
    expect(wrong.message).toBe("The vault passphrase is wrong");
    const missing = await errorOf(vaultFor(box.env).read());
    expect(missing.fix).toContain("EFS_VAULT_PASSPHRASE");
  });

  it("detects a flipped ciphertext byte, an edited header, reordered and deleted entries", async () => {
    box = sandbox();
    const v = vaultFor(box.env);
    await v.update((d) => {
      d.set("INTERNAL_WEBHOOK_SECRET", testSecret(64));
      d.set("MODAL_AUTH_TOKEN", testSecret(40));
      d.set("R2_BUCKET_NAME", "efs-media");
    });
    const good = readFileSync(v.path, "utf8");
    type F = { entries: { name: string; ct: string; updatedAt: string }[]; kdf: unknown };
    const mutations: [string, (f: F) => void][] = [
      [
        "flipped ciphertext byte",
        (f) => {
          const ct = Buffer.from(f.entries[1]!.ct, "base64");
          ct[3]! ^= 0x01;
          f.entries[1]!.ct = ct.toString("base64");
        },
      ],
      ["edited timestamp", (f) => (f.entries[0]!.updatedAt = "2020-01-01T00:00:00.000Z")],
      ["reordered entries", (f) => f.entries.reverse()],
      ["deleted entry", (f) => f.entries.splice(1, 1)],
    ];
    for (const [what, mutate] of mutations) {
      const f = JSON.parse(good) as F;
      mutate(f);
      writeFileSync(v.path, JSON.stringify(f));
      const e = await errorOf(vaultFor(box.env).read());
      expect(e.code, what).toBe("VAULT_TAMPERED");
      expect(e.message).toContain("modified outside efs");
      expect(e.message).toContain("Nothing was read");
    }
    // Tampering is also caught by writers: nothing is written over a tampered vault.
    const tampered = readFileSync(v.path, "utf8");
    await errorOf(vaultFor(box.env).update((d) => d.set("R2_BUCKET_NAME", "other-bucket")));
    expect(readFileSync(v.path, "utf8")).toBe(tampered);
  });

  it("reports a truncated or empty file as damaged, never a partial read", async () => {
    box = sandbox();
    const v = vaultFor(box.env);
    await v.update((d) => {
      d.set("INTERNAL_WEBHOOK_SECRET", testSecret(64));
      d.set("R2_BUCKET_NAME", "efs-media");
    });
    const good = readFileSync(v.path, "utf8");
    for (const cut of [0, 10, Math.floor(good.length / 2), good.length - 3]) {
      writeFileSync(v.path, good.slice(0, cut));
      const e = await errorOf(vaultFor(box.env).read());
      expect(e.code).toBe("VAULT_CORRUPT");
      expect(e.message).toMatch(/empty|truncated/);
      expect(e.fix).toContain("backup");
    }
  });

  it("feeds secret values (not public ones) to the redactor", async () => {
    box = sandbox();
    const r = new Redactor();
    const secret = testSecret(64);
    await vaultFor(box.env).update((d) => {
      d.set("INTERNAL_WEBHOOK_SECRET", secret);
      d.set("R2_BUCKET_NAME", "efs-media");
    });
    await vaultFor(box.env, r).read();
    expect(r.redact(`token=${secret}`)).toBe("token=[redacted INTERNAL_WEBHOOK_SECRET]");
    expect(r.redact("bucket efs-media")).toBe("bucket efs-media");
  });
});
