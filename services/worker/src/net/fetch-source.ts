// An ingest URL → a local file: direct media is streamed through the SSRF guard; an HTML page
// (after the guard has checked it and its redirects) is handed to yt-dlp. A direct download has
// one overall deadline, so a server that trickles bytes cannot hold the worker for long.
import { join } from "node:path";
import { PermanentJobError } from "../errors";
import { saveBody } from "./download";
import { discardBody, type GuardOptions, guardedFetch } from "./guarded-fetch";
import { ytdlpDownload } from "./ytdlp";

export interface FetchedSource {
  path: string;
  filename: string;
  via: "direct" | "yt-dlp";
}

function filenameOf(url: URL): string {
  let raw = url.pathname.split("/").pop() ?? "";
  try {
    raw = decodeURIComponent(raw);
  } catch {
    // keep the raw segment
  }
  return raw.replace(/[^\w.-]+/g, "_").slice(0, 120) || "download";
}

// Fetches `url` into `dir`; throws BlockedUrlError / PermanentJobError with the reason.
export async function fetchUrlSource(
  url: string,
  dir: string,
  opts: GuardOptions & {
    maxBytes: number;
    ytdlpTimeoutMs: number;
    /** The yt-dlp program (default `yt-dlp` on PATH). */
    ytdlpPath?: string;
    /** Limit for the whole direct download (page fetch included), INGEST_DOWNLOAD_TIMEOUT_MS. */
    downloadTimeoutMs: number;
    signal?: AbortSignal;
  },
): Promise<FetchedSource> {
  const deadline = AbortSignal.timeout(opts.downloadTimeoutMs);
  const signal = opts.signal ? AbortSignal.any([opts.signal, deadline]) : deadline;
  const late = (e: unknown): never => {
    if (deadline.aborted && !opts.signal?.aborted) {
      throw new PermanentJobError(
        `the download did not finish within ${Math.round(opts.downloadTimeoutMs / 1000)} s (INGEST_DOWNLOAD_TIMEOUT_MS): the server sends too slowly; try another link or upload the file`,
      );
    }
    throw e;
  };
  const res = await guardedFetch(url, { ...opts, signal }).catch(late);
  if (/^(text\/html|application\/xhtml)/.test(res.contentType)) {
    discardBody(res.body);
    await res.close();
    const path = await ytdlpDownload(res.url, dir, {
      authorization: res.authorization,
      maxBytes: opts.maxBytes,
      timeoutMs: opts.ytdlpTimeoutMs,
      program: opts.ytdlpPath,
      signal: opts.signal,
    });
    return { path, filename: filenameOf(res.url), via: "yt-dlp" };
  }
  const path = join(dir, "download");
  await saveBody(res, path, opts.maxBytes, signal).catch(late);
  return { path, filename: filenameOf(res.url), via: "direct" };
}
