// `ingest`: an uploaded object or a URL → validated, prepared audio in storage.
import { stat } from "node:fs/promises";
import { join } from "node:path";
import type { IngestPayload } from "@efs/core/jobs/payloads";
import type { JsonObject } from "@efs/core/jobs/types";
import { PermanentJobError } from "../errors";
import { probeMedia } from "../media/probe";
import { fetchUrlSource } from "../net/fetch-source";
import { getFile, putFile } from "../storage-io";
import { checkAudio, prepareAudio } from "./prepare-audio";
import type { JobHandler } from "./types";

// Validates the payload shape; a malformed one is a permanent error naming the field.
export function parseIngestPayload(p: JsonObject): IngestPayload {
  const source = p.source as Record<string, unknown> | undefined;
  if (!source || typeof source !== "object")
    throw new PermanentJobError("payload.source is missing");
  const title = typeof p.title === "string" && p.title.trim() ? p.title.trim() : undefined;
  if (source.kind === "upload") {
    if (typeof source.key !== "string" || !source.key) {
      throw new PermanentJobError("payload.source.key must be the uploaded object's key");
    }
    return {
      source: {
        kind: "upload",
        key: source.key,
        filename: typeof source.filename === "string" ? source.filename : source.key,
        contentType: typeof source.contentType === "string" ? source.contentType : "",
        size: typeof source.size === "number" ? source.size : 0,
      },
      title,
    };
  }
  if (source.kind === "url") {
    if (typeof source.url !== "string" || !source.url) {
      throw new PermanentJobError("payload.source.url must be an http(s) URL");
    }
    return { source: { kind: "url", url: source.url }, title };
  }
  throw new PermanentJobError('payload.source.kind must be "upload" or "url"');
}

function extOf(name: string): string {
  const m = /\.([a-z0-9]{1,5})$/i.exec(name);
  return m ? m[1]!.toLowerCase() : "bin";
}

function stripExt(name: string): string {
  return name.replace(/\.[a-z0-9]{1,5}$/i, "") || name;
}

// Fetches/reads the source, probes it, rejects bad input, and prepares every rendition.
export const ingestHandler: JobHandler = async (job, deps, run) => {
  const { storage, options } = deps;
  const { maxBytes, maxDurationSec } = options.ingest;
  const payload = parseIngestPayload(job.payload);
  let sourcePath: string;
  let originalKey: string;
  let title: string;

  await run.progress({ stage: "fetch", percent: 0 });
  if (payload.source.kind === "upload") {
    const { key, filename } = payload.source;
    const info = await storage.stat(key);
    if (!info)
      throw new PermanentJobError(
        `the uploaded file was not found in storage (${key}); upload it again`,
      );
    if (info.size === 0) throw new PermanentJobError("the uploaded file is empty (0 bytes)");
    if (info.size > maxBytes) {
      throw new PermanentJobError(
        `the uploaded file is too large: ${info.size} bytes (limit ${maxBytes}, INGEST_MAX_BYTES)`,
      );
    }
    sourcePath = join(run.tmpDir, `source.${extOf(filename)}`);
    await getFile(storage, key, sourcePath, run.signal);
    originalKey = key;
    title = payload.title ?? stripExt(filename.split("/").pop() ?? filename);
  } else {
    const fetched = await fetchUrlSource(payload.source.url, run.tmpDir, {
      maxBytes,
      ytdlpTimeoutMs: options.ingest.ytdlpTimeoutMs,
      ytdlpPath: options.ingest.ytdlpPath,
      downloadTimeoutMs: options.ingest.downloadTimeoutMs,
      allowHostPorts: options.ingest.allowHostPorts,
      signal: run.signal,
    });
    sourcePath = fetched.path;
    const { size } = await stat(fetched.path);
    if (size === 0) throw new PermanentJobError("the URL returned an empty file (0 bytes)");
    title = payload.title ?? stripExt(fetched.filename);
    originalKey = `audio/${job.id}/original.${extOf(fetched.path.endsWith("download") ? fetched.filename : fetched.path)}`;
  }

  await run.progress({ stage: "probe", percent: 10 });
  const info = await probeMedia(sourcePath, run.signal);
  checkAudio(info, maxDurationSec);
  if (payload.source.kind === "url") {
    await putFile(storage, originalKey, sourcePath, "application/octet-stream", run.signal);
  }
  const result = await prepareAudio(
    { id: job.id, title, sourcePath, info, keys: { original: originalKey } },
    deps,
    run,
  );
  return { kind: "complete", result: result as unknown as JsonObject };
};
