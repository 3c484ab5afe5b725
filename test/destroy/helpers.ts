// A provisioned world to destroy: `efs init` against the emulations, then R2 pointed at
// SeaweedFS (the vault's R2 keys become a SeaweedFS identity; the emulated Cloudflare refuses
// to delete a bucket SeaweedFS still holds objects in) and Turso at a libsql file with jobs.
import { join } from "node:path";
import { openJobStore } from "@efs/core/jobs/store";
import { createS3Storage, type S3Storage } from "@efs/core/storage/s3";
import { CHECKLIST_NAMES } from "../../src/checklist/names";
import { countBucket, emptyBucket } from "../../src/handlers/destroy/bucket";
import { Vault } from "../../src/vault/vault";
import { createHarness, type Harness, registerVaultSecrets } from "../init/harness";
import { type SharedS3, startSharedS3 } from "../verify/stack";

export type { SharedS3 };

// The bucket `efs init` names by default, as SeaweedFS's bucket.
export const BUCKET = CHECKLIST_NAMES.bucket;

// SeaweedFS holding the bucket efs init creates by default.
export const startBucketS3 = () => startSharedS3(BUCKET);

export interface World {
  h: Harness;
  bucket: S3Storage;
  env: Record<string, string>;
  destroy(args: string[], extraEnv?: Record<string, string>): ReturnType<Harness["efs"]>;
  objects(): Promise<number>;
  cleanup(): Promise<void>;
}

// Fills the shared bucket with `n` small objects under uploads/, audio/ and renders/.
export async function fill(bucket: S3Storage, n: number): Promise<void> {
  const prefixes = ["uploads/", "audio/", "renders/"];
  const keys = Array.from({ length: n }, (_, i) => `${prefixes[i % 3]}obj-${i}/f.bin`);
  for (let i = 0; i < keys.length; i += 16) {
    await Promise.all(keys.slice(i, i + 16).map((k) => bucket.put(k, "0123456789")));
  }
}

// Provisions everything with `efs init --yes` (after `before`, e.g. seeding an adopted bucket).
export async function provisioned(
  s3: SharedS3,
  opts: { jobs?: number; before?: (h: Harness) => void | Promise<void> } = {},
): Promise<World> {
  const bucket = createS3Storage({
    endpoint: s3.s3.endpoint,
    bucket: BUCKET,
    accessKeyId: s3.r2.accessKey,
    secretAccessKey: s3.r2.secretKey,
  });
  await emptyBucket(bucket.client, BUCKET);
  const h = await createHarness();
  await opts.before?.(h);
  const init = await h.efs(["init", "--yes"]);
  if (init.code !== 0) throw new Error(`efs init failed:\n${init.stderr}`);
  await registerVaultSecrets(h);
  const dbUrl = `file:${join(h.box.home, "jobs.db")}`;
  const store = await openJobStore({ url: dbUrl });
  for (let i = 0; i < (opts.jobs ?? 0); i++) await store.create({ type: "ingest", payload: {} });
  store.close();
  const vault = new Vault({ root: h.box.project, keys: { env: { ...h.env } } });
  await vault.update((d) => {
    d.set("R2_ACCESS_KEY_ID", s3.r2.accessKey);
    d.set("R2_SECRET_ACCESS_KEY", s3.r2.secretKey);
    d.set("TURSO_DATABASE_URL", dbUrl);
  });
  h.world.cloudflare.objectCount = async (name) =>
    name === BUCKET ? (await countBucket(bucket.client, name)).objects : 0;
  const env = { EFS_R2_ENDPOINT: s3.s3.endpoint };
  return {
    h,
    bucket,
    env,
    destroy: (args, extraEnv = {}) => h.efs(["destroy", ...args], { ...env, ...extraEnv }),
    objects: async () => (await countBucket(bucket.client, BUCKET)).objects,
    cleanup: async () => {
      bucket.close();
      await h.cleanup();
    },
  };
}

// The project name efs destroy asks for (the project directory's name).
export const PROJECT = "project";
