// Offline audio analysis entry point: hash → cache lookup → ffmpeg decode → features → cache.
import {
  defaultFeatureCacheDir,
  featureCacheKey,
  hashFile,
  readCachedFeatures,
  writeCachedFeatures,
} from "./cache";
import { computeFeatures, hopFor } from "./compute";
import { ANALYSIS_SAMPLE_RATE, decodeToMonoPcm } from "./decode";
import type { AudioFeatures } from "./features";

/** Bump when the analysis output changes for the same input (invalidates the cache). */
export const ANALYSIS_VERSION = 2;

export interface AnalyzeOptions {
  fps: number;
  /** Cache folder; `false` disables caching. */
  cacheDir?: string | false;
  ffmpegPath?: string;
  signal?: AbortSignal;
}

export interface AnalyzeResult {
  features: AudioFeatures;
  cached: boolean;
  key: string;
}

// Analyses an audio file (any format ffmpeg reads) into one feature row per video frame.
export async function analyzeAudio(path: string, opts: AnalyzeOptions): Promise<AnalyzeResult> {
  hopFor(ANALYSIS_SAMPLE_RATE, opts.fps);
  const dir = opts.cacheDir === false ? null : (opts.cacheDir ?? defaultFeatureCacheDir());
  const key = featureCacheKey(await hashFile(path), opts.fps, ANALYSIS_VERSION);
  if (dir) {
    const hit = await readCachedFeatures(dir, key);
    if (hit && hit.fps === opts.fps && hit.frameCount === hit.rms.length)
      return { features: hit, cached: true, key };
  }
  const pcm = await decodeToMonoPcm(path, { ffmpegPath: opts.ffmpegPath, signal: opts.signal });
  const features = computeFeatures(pcm.samples, pcm.sampleRate, opts.fps);
  if (dir) await writeCachedFeatures(dir, key, features);
  return { features, cached: false, key };
}
