// An ingest URL → a local file: direct media is streamed through the SSRF guard; an HTML page
// (after the guard has checked it and its redirects) is handed to yt-dlp.
import { join } from "node:path";
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
  opts: GuardOptions & { maxBytes: number; ytdlpTimeoutMs: number; signal?: AbortSignal },
): Promise<FetchedSource> {
  const res = await guardedFetch(url, { ...opts, signal: opts.signal });
  if (/^(text\/html|application\/xhtml)/.test(res.contentType)) {
    discardBody(res.body);
    await res.close();
    const path = await ytdlpDownload(res.url.href, dir, {
      maxBytes: opts.maxBytes,
      timeoutMs: opts.ytdlpTimeoutMs,
      signal: opts.signal,
    });
    return { path, filename: filenameOf(res.url), via: "yt-dlp" };
  }
  const path = join(dir, "download");
  await saveBody(res, path, opts.maxBytes, opts.signal);
  return { path, filename: filenameOf(res.url), via: "direct" };
}
