// Starts a real libSQL server (sqld, the server Turso runs) on loopback with JWT auth, as Turso
// checks database tokens: Ed25519-signed JWTs. stop() ends its process and removes its data.
import { type ChildProcess, spawn } from "node:child_process";
import { generateKeyPairSync, type KeyObject, sign } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sqldBin } from "./ci-tools";
import { freePort, stopGroup } from "./web-server";

export interface SqldServer {
  /** `libsql://127.0.0.1:<port>?tls=0`: the Turso URL form, over plain HTTP on loopback. */
  url: string;
  /** http://127.0.0.1:<port> */
  httpUrl: string;
  /** A database token the server accepts (full access). */
  token: string;
  /** A token signed by another key (the server refuses it). */
  foreignToken: string;
  logTail(lines?: number): string;
  stop(): Promise<void>;
}

function jwt(key: KeyObject, claims: Record<string, unknown>): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const data = `${part({ alg: "EdDSA", typ: "JWT" })}.${part(claims)}`;
  return `${data}.${sign(null, Buffer.from(data), key).toString("base64url")}`;
}

// Starts sqld and waits until it answers its version endpoint.
export async function startSqld(timeoutMs = 30_000): Promise<SqldServer> {
  const bin = sqldBin();
  const dir = await mkdtemp(join(tmpdir(), "efs-sqld-"));
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  const keyFile = join(dir, "jwt.pem");
  await writeFile(keyFile, publicKey.export({ type: "spki", format: "pem" }), { mode: 0o600 });
  const port = await freePort();
  const lines: string[] = [];
  const child: ChildProcess = spawn(
    bin,
    [
      "--db-path",
      join(dir, "data.sqld"),
      "--http-listen-addr",
      `127.0.0.1:${port}`,
      "--auth-jwt-key-file",
      keyFile,
      "--no-welcome",
    ],
    { cwd: dir, detached: true, stdio: ["ignore", "pipe", "pipe"] },
  );
  const collect = (d: Buffer) => {
    lines.push(...d.toString().split("\n").filter(Boolean));
    if (lines.length > 300) lines.splice(0, lines.length - 300);
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  const httpUrl = `http://127.0.0.1:${port}`;
  const now = Math.floor(Date.now() / 1000);
  const server: SqldServer = {
    url: `libsql://127.0.0.1:${port}?tls=0`,
    httpUrl,
    token: jwt(privateKey, { iat: now, a: "rw" }),
    foreignToken: jwt(generateKeyPairSync("ed25519").privateKey, { iat: now, a: "rw" }),
    logTail: (n = 30) => lines.slice(-n).join("\n"),
    stop: async () => {
      await stopGroup(child, 5_000);
      await rm(dir, { recursive: true, force: true });
    },
  };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) {
      await server.stop();
      throw new Error(`sqld exited with code ${child.exitCode}\n${server.logTail()}`);
    }
    try {
      const res = await fetch(`${httpUrl}/version`, { signal: AbortSignal.timeout(2_000) });
      if (res.ok) return server;
    } catch {}
    if (Date.now() > deadline) {
      await server.stop();
      throw new Error(
        `sqld did not answer on ${httpUrl} within ${timeoutMs} ms\n${server.logTail()}`,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
