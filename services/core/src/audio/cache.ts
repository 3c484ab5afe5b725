// On-disk cache of analysed features, keyed by a hash of (audio bytes, fps, analysis version).
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import type { AudioFeatures } from "./features";

// Default cache folder: $EFS_CACHE_DIR/audio-features or ~/.cache/efs/audio-features.
export function defaultFeatureCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.EFS_CACHE_DIR || join(homedir(), ".cache", "efs"), "audio-features");
}

// SHA-256 of a file, streamed (never held whole in memory).
export async function hashFile(path: string): Promise<string> {
  const h = createHash("sha256");
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest("hex");
}

// Cache key for one analysis of one audio file at one frame rate.
export function featureCacheKey(audioHash: string, fps: number, analysisVersion: number): string {
  return createHash("sha256")
    .update(`${audioHash}:${fps}:${analysisVersion}`)
    .digest("hex")
    .slice(0, 32);
}

// Reads cached features, or null when absent or unreadable.
export async function readCachedFeatures(dir: string, key: string): Promise<AudioFeatures | null> {
  try {
    return JSON.parse(await readFile(join(dir, `${key}.json`), "utf8")) as AudioFeatures;
  } catch {
    return null;
  }
}

// Writes features atomically (temp file + rename) so readers never see half a file.
export async function writeCachedFeatures(
  dir: string,
  key: string,
  f: AudioFeatures,
): Promise<void> {
  await mkdir(dir, { recursive: true });
  const tmp = join(dir, `${key}.${process.pid}.${Date.now()}.tmp`);
  await writeFile(tmp, JSON.stringify(f));
  await rename(tmp, join(dir, `${key}.json`));
}
