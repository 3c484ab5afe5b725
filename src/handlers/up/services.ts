// What `efs up` runs: the web app (`next start`), N workers and the local renderer, each as
// one command with its environment. Secrets travel in env, never in argv.
import { join } from "node:path";
import { scratchDir } from "../../local/paths";
import type { LocalSecrets } from "./secrets";

/** An S3-compatible server used instead of local files (`--s3`). */
export interface S3Settings {
  readonly endpoint: string;
  readonly bucket: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/** Everything the service commands are built from. */
export interface StackSettings {
  readonly root: string;
  readonly dataDir: string;
  readonly port: number;
  readonly rendererPort: number;
  readonly workers: number;
  readonly secrets: LocalSecrets;
  readonly s3: S3Settings | null;
  readonly baseEnv: Readonly<NodeJS.ProcessEnv>;
}

/** One supervised process. */
export interface ServiceSpec {
  readonly name: string;
  readonly kind: "web" | "worker" | "renderer";
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
}

// The URL the studio is reached at (also NEXT_PUBLIC_APP_URL, so signed URLs are same-origin).
export function studioUrl(port: number): string {
  return `http://localhost:${port}`;
}

// The environment every studio process shares.
function stackEnv(s: StackSettings): NodeJS.ProcessEnv {
  const renderer = `http://127.0.0.1:${s.rendererPort}`;
  const env: NodeJS.ProcessEnv = {
    ...s.baseEnv,
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    EFS_DATA_DIR: s.dataDir,
    PORT: String(s.port),
    NEXT_PUBLIC_APP_URL: studioUrl(s.port),
    JOB_STORE_BACKEND: "file",
    RENDER_BACKEND: "local",
    RENDERER_URL: renderer,
    INTERNAL_WEBHOOK_SECRET: s.secrets.INTERNAL_WEBHOOK_SECRET,
    LOCAL_STORAGE_SECRET: s.secrets.LOCAL_STORAGE_SECRET,
    RENDERER_AUTH_TOKEN: s.secrets.RENDERER_AUTH_TOKEN,
    // Scratch inside the data dir, so `efs down` can remove whatever a crash left there.
    WORKER_TMP_DIR: scratchDir(s.dataDir),
    EFS_RENDERER_TMP_DIR: join(scratchDir(s.dataDir), "renderer"),
    // The worker sends the renderer the Modal token (config.modal) even for the local target.
    MODAL_ENDPOINT_URL: `${renderer}/submit`,
    MODAL_STATUS_URL: `${renderer}/status`,
    MODAL_AUTH_TOKEN: s.secrets.RENDERER_AUTH_TOKEN,
    STORAGE_BACKEND: s.s3 ? "r2" : "local",
  };
  // R2_JURISDICTION too: the local stack's storage is local files or S3_ENDPOINT_URL, never R2.
  for (const k of [
    "DEPLOY_ENV",
    "TURSO_DATABASE_URL",
    "TURSO_AUTH_TOKEN",
    "STUDIO_ACCESS_KEY",
    "R2_JURISDICTION",
  ]) {
    delete env[k];
  }
  if (s.s3) {
    Object.assign(env, {
      S3_ENDPOINT_URL: s.s3.endpoint,
      R2_BUCKET_NAME: s.s3.bucket,
      R2_ACCESS_KEY_ID: s.s3.accessKeyId,
      R2_SECRET_ACCESS_KEY: s.s3.secretAccessKey,
    });
  } else {
    for (const k of ["S3_ENDPOINT_URL", "R2_ACCOUNT_ID", "R2_BUCKET_NAME"]) delete env[k];
    for (const k of ["R2_ACCESS_KEY_ID", "R2_SECRET_ACCESS_KEY"]) delete env[k];
  }
  return env;
}

// The processes of one studio, in start order.
export function serviceSpecs(s: StackSettings): ServiceSpec[] {
  const env = stackEnv(s);
  const node = process.execPath;
  const tsx = ["--import", "tsx"];
  const specs: ServiceSpec[] = [
    {
      name: "renderer",
      kind: "renderer",
      command: node,
      args: [
        ...tsx,
        join(s.root, "services/renderer/src/cli.ts"),
        "serve",
        "--port",
        String(s.rendererPort),
      ],
      cwd: s.root,
      env,
    },
    {
      name: "web",
      kind: "web",
      command: node,
      args: [
        join(s.root, "node_modules/next/dist/bin/next"),
        "start",
        "-p",
        String(s.port),
        "-H",
        "127.0.0.1",
      ],
      cwd: join(s.root, "services/web"),
      env,
    },
  ];
  for (let i = 1; i <= s.workers; i++) {
    specs.push({
      name: `worker-${i}`,
      kind: "worker",
      command: node,
      args: [...tsx, join(s.root, "services/worker/src/main.ts")],
      cwd: s.root,
      env: {
        ...env,
        WORKER_ID: workerId(i),
        WORKER_POLL_MS: "1000",
        WORKER_STATUS_INTERVAL_MS: "2000",
        WORKER_SHUTDOWN_GRACE_MS: "1000",
      },
    });
  }
  return specs;
}

// The heartbeat row id of worker `i` (readiness looks it up in efs_workers).
export function workerId(i: number): string {
  return `efs-up-worker-${i}`;
}
