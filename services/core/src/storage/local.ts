// Local filesystem backend: objects under `root`, metadata in sidecar JSON files, URLs signed by HMAC.
import { randomUUID } from "node:crypto";
import type { Dirent } from "node:fs";
import { createWriteStream, mkdirSync } from "node:fs";
import {
  access,
  constants,
  link,
  mkdir,
  open,
  readdir,
  readFile,
  rename,
  rm,
  rmdir,
  stat,
  writeFile,
} from "node:fs/promises";
import { dirname, join } from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { ByteCounter, toReadable } from "./body";
import { attachmentDisposition } from "./disposition";
import { StorageError } from "./errors";
import { assertValidKey, assertValidPrefix } from "./keys";
import {
  buildLocalSignedUrl,
  type LocalQuery,
  type LocalVerifyResult,
  verifyLocalSignedRequest,
} from "./local-signing";
import { checkSignOptions, checkSignPutOptions } from "./sign-options";
import type { GetResult, ObjectInfo, SignedPut, Storage } from "./types";

export interface LocalStorageOptions {
  /** Directory holding the objects (created on first write). */
  root: string;
  /** HMAC key for signed URLs (config's localStorageSecret); a string or a Secret wrapper. */
  signingSecret: string | { reveal(): string };
  /** Origin (plus optional base path) of the web app that serves /api/storage/… */
  publicBaseUrl: string;
}

/** `put` options of the local backend. */
export interface LocalPutOptions {
  contentType?: string;
  contentLength?: number;
  /** Refuse (StorageError "Exists") when the key already holds an object; atomic (link(2)). */
  ifAbsent?: boolean;
}

export interface LocalStorage extends Storage {
  readonly backend: "local";
  readonly root: string;
  put(
    key: string,
    body: Readable | Uint8Array | string,
    opts?: LocalPutOptions,
  ): Promise<ObjectInfo>;
  /** Checks a signed request against this storage's secret (see verifyLocalSignedRequest). */
  verifySignedRequest(input: {
    method: string;
    key: string;
    query: LocalQuery;
    now?: number;
  }): LocalVerifyResult;
  /** Content-Disposition value for a signed download name. */
  dispositionFor(downloadName: string): string;
}

interface Sidecar {
  contentType: string | null;
  etag: string | null;
}

const META_DIR = ".efs-meta";
const TMP_DIR = ".efs-tmp";

function isMissing(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException)?.code;
  return code === "ENOENT" || code === "ENOTDIR";
}

// Creates the embedded-default storage backend over a directory.
export function createLocalStorage(opts: LocalStorageOptions): LocalStorage {
  if (!opts.root)
    throw new StorageError("InvalidOption", "local storage: root is required (a directory path)");
  if (!opts.signingSecret)
    throw new StorageError("InvalidOption", "local storage: signingSecret is required");
  let base: URL;
  try {
    base = new URL(opts.publicBaseUrl);
  } catch {
    throw new StorageError(
      "InvalidOption",
      `local storage: publicBaseUrl must be an absolute http(s) URL like http://localhost:3000 (got ${JSON.stringify(opts.publicBaseUrl)})`,
    );
  }
  if (base.protocol !== "http:" && base.protocol !== "https:") {
    throw new StorageError("InvalidOption", "local storage: publicBaseUrl must use http or https");
  }
  const root = opts.root;
  const secret =
    typeof opts.signingSecret === "string" ? opts.signingSecret : opts.signingSecret.reveal();
  if (!secret) throw new StorageError("InvalidOption", "local storage: signingSecret is required");
  const publicBaseUrl = opts.publicBaseUrl;
  const dataPath = (key: string) => join(root, ...key.split("/"));
  const metaPath = (key: string) => `${join(root, META_DIR, ...key.split("/"))}.json`;

  async function readSidecar(key: string): Promise<Sidecar> {
    try {
      return JSON.parse(await readFile(metaPath(key), "utf8")) as Sidecar;
    } catch {
      return { contentType: null, etag: null };
    }
  }

  async function info(key: string): Promise<ObjectInfo | null> {
    try {
      const st = await stat(dataPath(key));
      if (!st.isFile()) return null;
      const meta = await readSidecar(key);
      return {
        key,
        size: st.size,
        contentType: meta.contentType,
        updatedAt: st.mtimeMs,
        etag: meta.etag,
      };
    } catch (err) {
      if (isMissing(err)) return null;
      throw err;
    }
  }

  // Removes now-empty parent directories up to (not including) the top-level prefix dir.
  async function prune(dir: string, stopAt: string): Promise<void> {
    let d = dir;
    while (d.length > stopAt.length && d.startsWith(stopAt)) {
      try {
        await rmdir(d);
      } catch {
        return;
      }
      d = dirname(d);
    }
  }

  // Renames `from` to `to`; with `ifAbsent`, links instead, which fails when `to` exists.
  async function moveIntoPlace(
    from: string,
    to: string,
    key: string,
    ifAbsent = false,
  ): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await mkdir(dirname(to), { recursive: true });
        if (ifAbsent) await link(from, to);
        else await rename(from, to);
        return;
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        // A concurrent delete may prune the parent between mkdir and rename: retry once.
        if (code === "ENOENT" && attempt === 0) continue;
        if (ifAbsent && code === "EEXIST" && (await info(key))) {
          throw new StorageError("Exists", `${JSON.stringify(key)} already exists`, { cause: err });
        }
        if (code === "EISDIR" || code === "ENOTDIR" || code === "EEXIST" || code === "ENOTEMPTY") {
          throw new StorageError(
            "Conflict",
            `cannot store ${JSON.stringify(key)}: it clashes with an existing object or folder of the same name (local storage cannot hold both "a" and "a/b")`,
            { cause: err },
          );
        }
        throw err;
      }
    }
  }

  async function* walk(dir: string, dirKey: string, prefix: string): AsyncGenerator<string> {
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      if (isMissing(err)) return;
      throw err;
    }
    // Sorting names with "/" appended to folders yields global lexicographic key order, like S3.
    const named = entries
      .filter((e) => e.isFile() || e.isDirectory())
      .map((e) => ({ e, sortKey: e.isDirectory() ? `${e.name}/` : e.name }))
      .sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0));
    for (const { e } of named) {
      const key = `${dirKey}/${e.name}`;
      if (e.isDirectory()) {
        const folder = `${key}/`;
        if (folder.startsWith(prefix) || prefix.startsWith(folder))
          yield* walk(join(dir, e.name), key, prefix);
      } else if (key.startsWith(prefix)) {
        yield key;
      }
    }
  }

  async function* list(prefix: string): AsyncGenerator<ObjectInfo> {
    const top = prefix.slice(0, prefix.indexOf("/"));
    for await (const key of walk(join(root, top), top, prefix)) {
      const i = await info(key);
      if (i) yield i;
    }
  }

  async function remove(key: string): Promise<void> {
    const top = join(root, key.slice(0, key.indexOf("/")));
    await rm(dataPath(key), { force: true });
    await rm(metaPath(key), { force: true });
    await prune(dirname(dataPath(key)), top);
    await prune(dirname(metaPath(key)), join(root, META_DIR, key.slice(0, key.indexOf("/"))));
  }

  return {
    backend: "local",
    root,

    async put(key, body, putOpts: LocalPutOptions = {}) {
      assertValidKey(key);
      const tmpDir = join(root, TMP_DIR);
      // Synchronous on purpose: nothing may be awaited before the pipeline attaches to
      // `body`, or an error the body emits meanwhile (e.g. a size limiter) goes unhandled.
      mkdirSync(tmpDir, { recursive: true });
      const id = randomUUID();
      const tmpData = join(tmpDir, `${id}.data`);
      const tmpMeta = join(tmpDir, `${id}.json`);
      const counter = new ByteCounter(null, "md5");
      try {
        await pipeline(toReadable(body), counter, createWriteStream(tmpData, { flags: "wx" }));
        if (putOpts.contentLength !== undefined && counter.bytes !== putOpts.contentLength) {
          throw new StorageError(
            "LengthMismatch",
            `put ${JSON.stringify(key)}: body has ${counter.bytes} bytes but contentLength says ${putOpts.contentLength}`,
          );
        }
        const sidecar: Sidecar = {
          contentType: putOpts.contentType ?? null,
          etag: counter.digest(),
        };
        await writeFile(tmpMeta, JSON.stringify(sidecar), { flag: "wx" });
        await moveIntoPlace(tmpData, dataPath(key), key, putOpts.ifAbsent);
        await moveIntoPlace(tmpMeta, metaPath(key), key);
      } finally {
        await rm(tmpData, { force: true });
        await rm(tmpMeta, { force: true });
      }
      const stored = await info(key);
      if (!stored)
        throw new StorageError(
          "NotFound",
          `put ${JSON.stringify(key)}: object vanished right after writing`,
        );
      return stored;
    },

    async get(key, getOpts = {}): Promise<GetResult> {
      assertValidKey(key);
      let handle: Awaited<ReturnType<typeof open>>;
      try {
        handle = await open(dataPath(key), "r");
      } catch (err) {
        if (isMissing(err) || (err as NodeJS.ErrnoException).code === "EISDIR") {
          throw new StorageError("NotFound", `no object at ${JSON.stringify(key)}`, { cause: err });
        }
        throw err;
      }
      try {
        const st = await handle.stat();
        if (!st.isFile()) throw new StorageError("NotFound", `no object at ${JSON.stringify(key)}`);
        const meta = await readSidecar(key);
        const total = st.size;
        let range: { start: number; end: number } | null = null;
        if (getOpts.range) {
          const { start } = getOpts.range;
          const end = Math.min(getOpts.range.end ?? total - 1, total - 1);
          if (!Number.isSafeInteger(start) || start < 0 || start >= total || end < start) {
            throw new StorageError(
              "InvalidRange",
              `range ${start}-${getOpts.range.end ?? ""} is outside ${JSON.stringify(key)} (${total} bytes)`,
            );
          }
          range = { start, end };
        }
        const body: Readable = range
          ? handle.createReadStream({ start: range.start, end: range.end, autoClose: true })
          : handle.createReadStream({ autoClose: true });
        return {
          body,
          size: range ? range.end - range.start + 1 : total,
          totalSize: total,
          contentType: meta.contentType,
          range,
        };
      } catch (err) {
        await handle.close();
        throw err;
      }
    },

    async stat(key) {
      assertValidKey(key);
      return info(key);
    },

    async delete(key) {
      assertValidKey(key);
      await remove(key);
    },

    async deletePrefix(prefix) {
      assertValidPrefix(prefix);
      const keys: string[] = [];
      for await (const o of list(prefix)) keys.push(o.key);
      for (const key of keys) await remove(key);
      return keys.length;
    },

    // Validates eagerly (throws on the call), then lists lazily.
    list: (prefix) => list(assertValidPrefix(prefix)),

    async signGetUrl(key, signOpts) {
      assertValidKey(key);
      const { exp } = checkSignOptions(signOpts.expiresInSec);
      return buildLocalSignedUrl(publicBaseUrl, secret, {
        method: "GET",
        key,
        exp,
        ...(signOpts.downloadName !== undefined ? { downloadName: signOpts.downloadName } : {}),
      });
    },

    async signPutUrl(key, signOpts): Promise<SignedPut> {
      assertValidKey(key);
      const { exp, limit } = checkSignPutOptions(signOpts);
      const url = buildLocalSignedUrl(publicBaseUrl, secret, {
        method: "PUT",
        key,
        exp,
        maxBytes: limit,
        ...(signOpts.contentLength !== undefined ? { length: signOpts.contentLength } : {}),
        contentType: signOpts.contentType,
      });
      return {
        method: "PUT",
        url,
        headers: { "Content-Type": signOpts.contentType },
        expiresAt: exp * 1000,
        maxBytes: limit,
      };
    },

    async ping() {
      await mkdir(root, { recursive: true });
      await access(root, constants.W_OK | constants.R_OK);
    },

    verifySignedRequest: (input) => verifyLocalSignedRequest({ ...input, secret }),

    dispositionFor: attachmentDisposition,
  };
}
