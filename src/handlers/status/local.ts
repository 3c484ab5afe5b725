// `efs status --target local`: the studio `efs up` runs from a data dir — its state file
// (URL, service pids), the job store file, local files (or the --s3 server) and /api/health.
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { LOCAL_STORAGE_SUBDIR } from "@efs/core/storage/from-config";
import { createLocalStorage } from "@efs/core/storage/local";
import { createS3Storage } from "@efs/core/storage/s3";
import { upPaths } from "../../local/paths";
import { pidAlive, readState } from "../../local/state";
import type { Runtime } from "../../runtime";
import { classifyWorkers } from "./assess";
import { fetchHealth, readJobStore, readStorage } from "./sources";
import type { ProcessStatus, StorageStatus } from "./types";

export interface LocalArgs {
  readonly url?: string;
  readonly dataDir?: string;
  readonly maxAgeMs: number;
}

// Reads the local studio; `running` is false when efs up has no state file in the data dir.
export async function collectLocal(rt: Runtime, args: LocalArgs) {
  const now = Date.now();
  const paths = upPaths(rt.cwd, args.dataDir);
  const state = readState(paths.stateFile);
  const url = args.url ?? state?.url ?? null;
  const processes: ProcessStatus[] | null = state
    ? state.services.map((s) => ({
        name: s.name,
        pid: s.pid,
        alive: pidAlive(s.pid),
        restarts: s.restarts,
      }))
    : null;
  const [app, store, storage] = await Promise.all([
    fetchHealth(url, rt.signal),
    readJobStore(`file:${paths.dbFile}`, undefined, now),
    localStorageStatus(rt, state?.storage ?? "local", paths.dataDir, url),
  ]);
  return {
    running: state !== null,
    dataDir: paths.dataDir,
    app,
    jobs: store.jobs,
    workers: store.workers ? classifyWorkers(store.workers, now, args.maxAgeMs) : null,
    storage,
    processes,
  };
}

// efs up's storage: local files, or `s3 <endpoint> bucket <name>` (credentials from env).
function localStorageStatus(
  rt: Runtime,
  described: string,
  dataDir: string,
  url: string | null,
): Promise<StorageStatus> {
  const s3 = /^s3 (\S+) bucket (\S+)$/.exec(described);
  if (s3) {
    const [, endpoint, bucket] = s3 as unknown as [string, string, string];
    const where = `${endpoint} bucket ${bucket}`;
    const accessKeyId = rt.env.S3_ACCESS_KEY_ID;
    const secretAccessKey = rt.env.S3_SECRET_ACCESS_KEY;
    if (!accessKeyId || !secretAccessKey) {
      return Promise.resolve({
        ok: false,
        backend: "s3",
        where,
        error:
          "S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY are not set, so the bucket cannot be listed",
      });
    }
    return readStorage(
      () => createS3Storage({ endpoint, bucket, accessKeyId, secretAccessKey }),
      "s3",
      where,
      rt.signal,
    );
  }
  const root = join(dataDir, LOCAL_STORAGE_SUBDIR);
  return readStorage(
    () =>
      createLocalStorage({
        root,
        // Listing signs nothing; the backend just insists on having a key.
        signingSecret: randomBytes(32).toString("hex"),
        publicBaseUrl: url ?? "http://localhost:3000",
      }),
    "local",
    root,
    rt.signal,
  );
}
