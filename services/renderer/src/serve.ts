// Starts the local renderer server: storage from the environment (createStorage), auth token
// from RENDERER_AUTH_TOKEN (or MODAL_AUTH_TOKEN), one render at a time.
import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createStorage } from "@efs/core/storage/create";
import type { StorageOptions } from "@efs/core/storage/options";
import type { Storage } from "@efs/core/storage/types";
import { sweepScratch } from "./scratch";
import { createRendererApp } from "./server/app";
import { rendererSettings } from "./settings";

export interface ServeOptions {
  port: number;
  host?: string;
  env: NodeJS.ProcessEnv;
  /** Storage to upload to; default: local storage under $EFS_DATA_DIR/storage or R2 from env. */
  storage?: Pick<Storage, "put">;
  log?: (line: string) => void;
}

function storageFromEnv(env: NodeJS.ProcessEnv): StorageOptions {
  if ((env.STORAGE_BACKEND ?? "local") === "r2") {
    const need = ["R2_ACCESS_KEY_ID", "R2_SECRET_ACCESS_KEY", "R2_BUCKET_NAME"].filter(
      (k) => !env[k],
    );
    if (need.length) throw new Error(`${need[0]} is required when STORAGE_BACKEND=r2`);
    return {
      backend: "r2",
      ...(env.S3_ENDPOINT_URL ? { endpoint: env.S3_ENDPOINT_URL } : {}),
      ...(env.R2_ACCOUNT_ID
        ? { accountId: env.R2_ACCOUNT_ID, jurisdiction: env.R2_JURISDICTION || "default" }
        : {}),
      bucket: env.R2_BUCKET_NAME!,
      accessKeyId: env.R2_ACCESS_KEY_ID!,
      secretAccessKey: env.R2_SECRET_ACCESS_KEY!,
    } as StorageOptions;
  }
  const dataDir = env.EFS_DATA_DIR ?? ".efs/data";
  const secret = env.LOCAL_STORAGE_SECRET;
  if (!secret)
    throw new Error(
      "LOCAL_STORAGE_SECRET is required for local storage (the web app's signing key)",
    );
  return {
    backend: "local",
    root: `${dataDir}/storage`,
    signingSecret: secret,
    publicBaseUrl: env.NEXT_PUBLIC_APP_URL ?? "http://localhost:3000",
  };
}

// Listens until SIGINT/SIGTERM; returns the bound address (port 0 = any free port).
export async function serve(o: ServeOptions): Promise<{ url: string; close(): Promise<void> }> {
  const authToken = o.env.RENDERER_AUTH_TOKEN || o.env.MODAL_AUTH_TOKEN;
  if (!authToken)
    throw new Error("RENDERER_AUTH_TOKEN is required (the token the worker sends as auth_token)");
  const settings = rendererSettings(o.env);
  const storage = o.storage ?? (await createStorage(storageFromEnv(o.env)));
  // What a renderer killed before us left behind (its Chromium profile, audio, partial video).
  const swept = sweepScratch(settings.scratchRoot);
  if (swept.length) o.log?.(`removed ${swept.length} scratch folder(s) of stopped renderers`);
  const app = createRendererApp({ authToken, storage, settings, log: o.log });
  const server = createServer((req, res) => app.handle(req, res));
  server.listen(o.port, o.host ?? "127.0.0.1");
  await once(server, "listening");
  const { port, address } = server.address() as AddressInfo;
  const url = `http://${address}:${port}`;
  const close = async () => {
    await app.close();
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  };
  // Handlers before the "listening" line: a supervisor that signals as soon as it sees it
  // must not hit the default action (killed without closing).
  const onSignal = () => void close().then(() => process.exit(0));
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  o.log?.(`renderer listening on ${url}`);
  return {
    url,
    close: async () => {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
      await close();
    },
  };
}
