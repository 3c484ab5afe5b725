// The worker's settings, parsed once at the edge from core's Config plus worker-only env vars.

import { randomBytes } from "node:crypto";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { type Config, ConfigError } from "@efs/core/config";
import { type Env, intVar, plainVar } from "@efs/core/config/read";
import { Secret } from "@efs/core/secret";
import {
  DAY_MS,
  DEFAULT_UPLOAD_RETENTION_DAYS,
  MAX_UPLOAD_RETENTION_DAYS,
} from "@efs/core/storage/retention";

export const WORKER_VERSION = "0.1.0";
export const DEFAULT_POLL_MS = 3000;

export interface RendererTarget {
  backend: "modal" | "local";
  submitUrl: string;
  statusUrl: string;
  authToken: Secret | null;
}

export interface WorkerOptions {
  workerId: string;
  concurrency: number;
  pollIntervalMs: number;
  leaseMs: number;
  /** How often a running job renews its lease (default leaseMs / 3). */
  heartbeatMs: number;
  /** How often a running job checks whether it was cancelled (WORKER_CANCEL_CHECK_MS). */
  cancelCheckMs: number;
  shutdownGraceMs: number;
  reapIntervalMs: number;
  reconcileIntervalMs: number;
  /** How often running renders' progress is read from the renderer. */
  progressIntervalMs: number;
  /** How often tombstones of deleted jobs past retention are purged. */
  sweepIntervalMs: number;
  workerHeartbeatMs: number;
  ingest: {
    maxDurationSec: number;
    maxBytes: number;
    ytdlpTimeoutMs: number;
    /** The yt-dlp program (YTDLP_PATH, default `yt-dlp` on PATH). */
    ytdlpPath: string;
    /** Limit for a whole direct URL download (a trickling server cannot hold the worker). */
    downloadTimeoutMs: number;
    /** Test-only SSRF exemptions (`host:port`); refused in production-like configs. */
    allowHostPorts: readonly string[];
  };
  render: {
    target: RendererTarget;
    appUrl: string;
    webhookSecret: Secret | null;
    deadlineMs: number;
    signedUrlTtlSec: number;
  };
  /** Local storage only (R2 has a bucket lifecycle rule): uploads/ objects older than this go. */
  retention: { uploadMaxAgeMs: number; intervalMs: number };
  /** Per-job scratch folders: `<WORKER_TMP_DIR or the OS temp dir>/efs-worker`. */
  tmpRoot: string;
}

// The token the local renderer expects (it reads RENDERER_AUTH_TOKEN, else MODAL_AUTH_TOKEN).
function localRendererToken(config: Config, env: Env): Secret | null {
  const own = plainVar(env, "RENDERER_AUTH_TOKEN");
  if (own !== null) return new Secret(own);
  return (
    config.modal?.authToken ?? (env.MODAL_AUTH_TOKEN ? new Secret(env.MODAL_AUTH_TOKEN) : null)
  );
}

// Builds WorkerOptions; throws a one-line ConfigError naming the bad variable. `tmpRoot`
// overrides WORKER_TMP_DIR (tests).
export function workerOptions(
  config: Config,
  env: Env,
  tmpRoot = join(plainVar(env, "WORKER_TMP_DIR") ?? tmpdir(), "efs-worker"),
): WorkerOptions {
  const leaseMs = intVar(env, "WORKER_LEASE_MS", 1000, 3_600_000) ?? 60_000;
  const allowRaw = plainVar(env, "EFS_TEST_SSRF_ALLOW");
  if (allowRaw !== null && config.productionLike) {
    throw new ConfigError(
      "EFS_TEST_SSRF_ALLOW",
      "EFS_TEST_SSRF_ALLOW is a test-only setting and must not be set in production; unset it",
    );
  }
  const target: RendererTarget =
    config.backends.renderer === "modal" && config.modal
      ? {
          backend: "modal",
          submitUrl: config.modal.endpointUrl,
          statusUrl: config.modal.statusUrl,
          authToken: config.modal.authToken,
        }
      : {
          backend: "local",
          submitUrl: `${config.rendererUrl.replace(/\/$/, "")}/submit`,
          statusUrl: `${config.rendererUrl.replace(/\/$/, "")}/status`,
          authToken: localRendererToken(config, env),
        };
  return Object.freeze({
    workerId:
      plainVar(env, "WORKER_ID") ??
      `${hostname()}-${process.pid}-${randomBytes(3).toString("hex")}`,
    concurrency: config.worker.concurrency,
    pollIntervalMs: env.WORKER_POLL_MS === undefined ? DEFAULT_POLL_MS : config.worker.pollMs,
    leaseMs,
    heartbeatMs: intVar(env, "WORKER_HEARTBEAT_MS", 100, 600_000) ?? Math.floor(leaseMs / 3),
    cancelCheckMs: intVar(env, "WORKER_CANCEL_CHECK_MS", 100, 60_000) ?? 1000,
    shutdownGraceMs: intVar(env, "WORKER_SHUTDOWN_GRACE_MS", 0, 600_000) ?? 25_000,
    reapIntervalMs: intVar(env, "WORKER_REAP_INTERVAL_MS", 100, 3_600_000) ?? 15_000,
    reconcileIntervalMs: intVar(env, "WORKER_RECONCILE_INTERVAL_MS", 100, 3_600_000) ?? 30_000,
    progressIntervalMs: intVar(env, "WORKER_PROGRESS_INTERVAL_MS", 100, 3_600_000) ?? 3_000,
    sweepIntervalMs: intVar(env, "WORKER_SWEEP_INTERVAL_MS", 1000, 86_400_000) ?? 3_600_000,
    workerHeartbeatMs: intVar(env, "WORKER_STATUS_INTERVAL_MS", 100, 600_000) ?? 5_000,
    ingest: Object.freeze({
      maxDurationSec: intVar(env, "INGEST_MAX_DURATION_SEC", 1, 86_400) ?? 1_200,
      maxBytes: intVar(env, "INGEST_MAX_BYTES", 1, 50 * 1024 ** 3) ?? 500 * 1024 * 1024,
      ytdlpTimeoutMs: intVar(env, "YTDLP_TIMEOUT_MS", 1000, 3_600_000) ?? 600_000,
      ytdlpPath: plainVar(env, "YTDLP_PATH") ?? "yt-dlp",
      downloadTimeoutMs: intVar(env, "INGEST_DOWNLOAD_TIMEOUT_MS", 1000, 3_600_000) ?? 600_000,
      allowHostPorts: Object.freeze(allowRaw ? allowRaw.split(",").map((s) => s.trim()) : []),
    }),
    render: Object.freeze({
      target,
      appUrl: config.appUrl,
      webhookSecret: config.webhookSecret,
      deadlineMs: intVar(env, "RENDER_DEADLINE_MS", 1000, 7 * 86_400_000) ?? 6 * 3_600_000,
      signedUrlTtlSec: intVar(env, "RENDER_AUDIO_URL_TTL_SEC", 60, 7 * 86_400) ?? 6 * 3600,
    }),
    retention: Object.freeze({
      uploadMaxAgeMs:
        (intVar(env, "UPLOAD_RETENTION_DAYS", 1, MAX_UPLOAD_RETENTION_DAYS) ??
          DEFAULT_UPLOAD_RETENTION_DAYS) * DAY_MS,
      intervalMs: intVar(env, "WORKER_RETENTION_INTERVAL_MS", 1000, 86_400_000) ?? 3_600_000,
    }),
    tmpRoot,
  });
}
