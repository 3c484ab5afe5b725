// Media from pages yt-dlp understands (YouTube etc.). The page URL has already passed the SSRF
// guard; yt-dlp runs with no playlist, a size cap, a socket timeout and an overall timeout.
// The URL (which may hold a signed query) and any credentials never reach its argv: they go
// in files in the job's own scratch folder (a batch file and a config file, mode 0600).
import { readdir, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { ChildError } from "@efs/core/proc/errors";
import { runChild } from "@efs/core/proc/run";
import { displayUrl } from "@efs/core/url-safety";
import { PermanentJobError } from "../errors";

// Any URL in yt-dlp's message, shown without credentials or query.
function scrubUrls(text: string): string {
  return text.replace(/https?:\/\/[^\s'"<>]+/g, (u) => displayUrl(u));
}

// Downloads the best audio of `pageUrl` into `dir`; returns the file path.
export async function ytdlpDownload(
  pageUrl: URL,
  dir: string,
  opts: {
    maxBytes: number;
    timeoutMs: number;
    /** The yt-dlp program (default `yt-dlp` on PATH). */
    program?: string;
    signal?: AbortSignal;
    /** Sent as the Authorization header (from `user:password@` in the URL the user gave). */
    authorization?: string | null;
  },
): Promise<string> {
  const batch = join(dir, "ytdlp-url.txt");
  await writeFile(batch, `${pageUrl.href}\n`, { mode: 0o600 });
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
  ];
  if (opts.authorization) {
    const config = join(dir, "ytdlp-auth.conf");
    await writeFile(config, `--add-header "Authorization:${opts.authorization}"\n`, {
      mode: 0o600,
    });
    args.push("--config-locations", config);
  }
  args.push("--batch-file", batch);
  try {
    await runChild(opts.program ?? "yt-dlp", args, {
      signal: opts.signal,
      timeoutMs: opts.timeoutMs,
      reject: true,
      killGraceMs: 0,
    });
  } catch (e) {
    if (e instanceof ChildError && e.ranAndFailed) {
      const last = scrubUrls(e.stderrTail.trim().split("\n").pop() ?? "");
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
