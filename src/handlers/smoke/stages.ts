// The smoke test's stages, in order, each with its own exit code, the likely cause of a failure
// and the `efs verify` check that looks deeper. Documented in docs/up-and-smoke.md.

export const STAGES = [
  "health",
  "session",
  "upload",
  "ingest",
  "playback",
  "render",
  "download",
  "cleanup",
] as const;
export type StageId = (typeof STAGES)[number];
export type Target = "local" | "production";

interface StageInfo {
  readonly title: string;
  readonly exitCode: number;
  readonly cause: Record<Target, string>;
  readonly verify: string;
}

export const STAGE_INFO: Readonly<Record<StageId, StageInfo>> = {
  health: {
    title: "app reachable, /api/health ok",
    exitCode: 10,
    cause: {
      local:
        "the web app is not running or its job store/storage check fails (efs up; efs logs web)",
      production:
        "the deployment is down, misconfigured (503 names the variable) or the URL is wrong",
    },
    verify: "efs verify vercel",
  },
  session: {
    title: "access key accepted (session cookie)",
    exitCode: 11,
    cause: {
      local: "the studio is locked with a STUDIO_ACCESS_KEY smoke does not have",
      production: "STUDIO_ACCESS_KEY in the vault differs from the one on Vercel",
    },
    verify: "efs verify vercel",
  },
  upload: {
    title: "signed PUT upload + confirm",
    exitCode: 12,
    cause: {
      local: "local storage refused the signed PUT (signing key mismatch or disk full)",
      production: "R2 refused the presigned PUT (credentials, bucket name or CORS)",
    },
    verify: "efs verify r2",
  },
  ingest: {
    title: "ingest job done by the worker",
    exitCode: 13,
    cause: {
      local: "no worker is running or it failed the job (efs logs worker-1)",
      production: "the Render.com worker is down or cannot reach Turso/R2",
    },
    verify: "efs verify render",
  },
  playback: {
    title: "Range request → 206 audio",
    exitCode: 14,
    cause: {
      local: "the signed stream URL did not serve a byte range",
      production: "R2 did not serve the signed stream URL with a byte range",
    },
    verify: "efs verify r2",
  },
  render: {
    title: "preview-360p render completes",
    exitCode: 15,
    cause: {
      local: "the local renderer is down or failed (efs logs renderer)",
      production: "Modal did not finish the render or its webhook did not reach the app",
    },
    verify: "efs verify modal",
  },
  download: {
    title: "MP4 download, ffprobe video+audio",
    exitCode: 16,
    cause: {
      local: "the rendered file is missing or not a valid MP4",
      production: "the rendered file is missing in R2 or not a valid MP4",
    },
    verify: "efs verify modal",
  },
  cleanup: {
    title: "test objects and jobs removed",
    exitCode: 17,
    cause: {
      local: "the app refused DELETE /api/jobs/:id",
      production: "the app refused DELETE /api/jobs/:id (an older deployment?)",
    },
    verify: "efs verify vercel",
  },
};

/** One row of the report. */
export interface StageResult {
  readonly id: StageId;
  readonly status: "pass" | "fail" | "skip";
  readonly seconds: number;
  readonly detail: string;
}
