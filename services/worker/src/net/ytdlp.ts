// Media from pages yt-dlp understands (YouTube etc.). The page URL has already passed the SSRF
// guard; yt-dlp runs with no playlist, a size cap, a socket timeout and an overall timeout.
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { PermanentJobError } from "../errors";
import { ProcessError, runProcess } from "../media/proc";

// Downloads the best audio of `pageUrl` into `dir`; returns the file path.
export async function ytdlpDownload(
  pageUrl: string,
  dir: string,
  opts: { maxBytes: number; timeoutMs: number; signal?: AbortSignal },
): Promise<string> {
  const args = [
    "--ignore-config",
    "--no-playlist",
    "--no-progress",
    "--no-warnings",
    "--restrict-filenames",
    "--max-filesize",
    String(opts.maxBytes),
    "--socket-timeout",
    "30",
    "-f",
    "bestaudio/best",
    "-o",
    join(dir, "ytdlp.%(ext)s"),
    "--",
    pageUrl,
  ];
  try {
    await runProcess(process.env.YTDLP_PATH ?? "yt-dlp", args, {
      signal: opts.signal,
      timeoutMs: opts.timeoutMs,
    });
  } catch (e) {
    if (e instanceof ProcessError) {
      const last = e.stderrTail.trim().split("\n").pop() ?? "";
      throw new PermanentJobError(
        e.timedOut
          ? `yt-dlp did not finish within ${Math.round(opts.timeoutMs / 1000)} s (YTDLP_TIMEOUT_MS)`
          : `could not get media from this page (yt-dlp: ${last.replace(/^ERROR:\s*/, "") || "failed"})`,
      );
    }
    throw e;
  }
  const files = (await readdir(dir)).filter((f) => f.startsWith("ytdlp.") && !f.endsWith(".part"));
  const file = files[0];
  if (!file) {
    throw new PermanentJobError(
      "the page has no downloadable audio, or it is larger than the size limit (INGEST_MAX_BYTES)",
    );
  }
  const path = join(dir, file);
  if ((await stat(path)).size > opts.maxBytes) {
    throw new PermanentJobError(
      "the downloaded media is larger than the size limit (INGEST_MAX_BYTES)",
    );
  }
  return path;
}
