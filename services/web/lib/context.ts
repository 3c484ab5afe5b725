// The server-side services every route uses (config, job store, storage), built once per
// process from the environment and reused across requests (and warm serverless invocations).
import { type Config, loadConfig } from "@efs/core/config";
import { openJobStore } from "@efs/core/jobs/store";
import type { JobStore } from "@efs/core/jobs/types";
import { createStorage } from "@efs/core/storage/create";
import type { Storage } from "@efs/core/storage/types";

export interface WebContext {
  readonly config: Config;
  readonly jobs: JobStore;
  readonly storage: Storage;
}

let current: Promise<WebContext> | null = null;

// The process-wide context; the first call parses the env and opens the backends.
export function getContext(): Promise<WebContext> {
  if (!current) {
    current = build().catch((err: unknown) => {
      current = null;
      throw err;
    });
  }
  return current;
}

// Closes the job store and forgets the context so the next request re-reads the env (tests).
export async function resetContext(): Promise<void> {
  const ctx = current;
  current = null;
  if (ctx) (await ctx.catch(() => null))?.jobs.close();
}

async function build(): Promise<WebContext> {
  const config = loadConfig(process.env);
  const jobs = await openJobStore(config);
  const storage = await createStorage(config);
  return { config, jobs, storage };
}
