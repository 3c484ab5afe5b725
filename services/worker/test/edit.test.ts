import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import type { Job } from "@efs/core/jobs/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedAudio } from "./helpers/seed-audio";
import { createStack, readObject, type Stack } from "./helpers/stack";
import { reapWorkers, type WorkerProcess } from "./helpers/worker-process";

const execFileP = promisify(execFile);

async function fileOf(stack: Stack, key: string, name: string): Promise<string> {
  const path = join(stack.dir, name);
  await writeFile(path, await readObject(stack.storage, key));
  return path;
}

async function probe(path: string) {
  const { stdout } = await execFileP("ffprobe", [
    "-v",
    "error",
    "-print_format",
    "json",
    "-show_streams",
    "-show_format",
    path,
  ]);
  return JSON.parse(stdout) as {
    streams: Array<{ codec_name: string; sample_rate: string; channels: number }>;
    format: { duration: string };
  };
}

async function integratedLufs(path: string): Promise<number> {
  const { stderr } = await execFileP("ffmpeg", [
    "-hide_banner",
    "-nostdin",
    "-i",
    path,
    "-af",
    "ebur128",
    "-f",
    "null",
    "-",
  ]);
  const m = /I:\s+(-?[\d.]+) LUFS/.exec(stderr.slice(stderr.lastIndexOf("Summary")));
  return Number(m?.[1]);
}

const recipe = {
  clips: [
    { start: 0, end: 1.5, volume: 0.5, fadeIn: 0.2 },
    { start: 2, end: 4, fadeOut: 0.5 },
  ],
};

describe("preview and save of edit recipes (real worker process + ffmpeg)", () => {
  let stack: Stack;
  let worker: WorkerProcess;
  let audioId: string;
  const done: Record<string, Job> = {};

  beforeAll(async () => {
    stack = await createStack();
    audioId = await seedAudio(stack, 5);
    const notReady = await stack.store.create({ type: "ingest", payload: {} });
    await stack.store.cancel(notReady.id);
    const create = (type: "preview" | "save", payload: Record<string, unknown>) =>
      stack.store.create({ type, payload: { audioId, ...payload } });
    const first = {
      preview: await create("preview", { recipe }),
      previewLoud: await create("preview", { recipe: { ...recipe, normalize: true } }),
      badOrder: await create("preview", { recipe: { clips: [{ start: 2, end: 1 }] } }),
      pastEnd: await create("preview", { recipe: { clips: [{ start: 0, end: 9 }] } }),
      notReady: await create("preview", { audioId: notReady.id, recipe }),
      saveWav: await create("save", {
        recipe: { ...recipe, normalize: true },
        format: "wav",
        title: "Loud edit",
      }),
      saveM4a: await create("save", { recipe, format: "m4a" }),
      badFormat: await create("save", { recipe, format: "ogg" }),
    };
    worker = stack.startWorker({ WORKER_CONCURRENCY: "2" });
    for (const [name, job] of Object.entries(first)) {
      done[name] = await stack.waitForStatus(job.id, ["complete", "failed"], 120_000);
    }
    const again = await create("preview", { recipe });
    done.previewAgain = await stack.waitForStatus(again.id, ["complete", "failed"], 60_000);
  }, 240_000);

  afterAll(async () => {
    worker?.child.kill("SIGTERM");
    if (worker) expect((await worker.exited).code).toBe(0);
    const leaked = await reapWorkers();
    await stack?.close();
    // Asserted after the clean-up, so a leak does not also leave the temp folder.
    expect(leaked, "a test leaked a worker process").toBe(0);
  });

  it("renders a preview MP3 of the clips, cached under the recipe hash", async () => {
    const r = done.preview!.result as {
      previewKey: string;
      durationSec: number;
      recipeHash: string;
      cached: boolean;
    };
    expect(done.preview!.status).toBe("complete");
    expect(r).toMatchObject({
      previewKey: `previews/${r.recipeHash}.mp3`,
      durationSec: 3.5,
      cached: false,
    });
    const p = await probe(await fileOf(stack, r.previewKey, "preview.mp3"));
    expect(p.streams[0]?.codec_name).toBe("mp3");
    expect(Number(p.format.duration)).toBeCloseTo(3.5, 0);
  });

  it("serves the same recipe again from the cache", () => {
    const a = done.preview!.result as { previewKey: string };
    expect(done.previewAgain!.result).toMatchObject({ previewKey: a.previewKey, cached: true });
  });

  it("hashes loudness normalization into the cache key", () => {
    const a = done.preview!.result as { previewKey: string };
    const b = done.previewLoud!.result as { previewKey: string };
    expect(done.previewLoud!.status).toBe("complete");
    expect(b.previewKey).not.toBe(a.previewKey);
  });

  it.each([
    ["badOrder", "recipe.clips[0].end must be after recipe.clips[0].start (got start 2, end 1)"],
    ["pastEnd", "recipe.clips[0].end must be a number from 0 to 5.001 (got 9)"],
    ["badFormat", 'payload.format must be "wav" or "m4a" (got "ogg")'],
  ])("rejects %s with a reason naming the field", (name, reason) => {
    expect(done[name]).toMatchObject({ status: "failed", error: reason, attempts: 1 });
  });

  it("refuses to edit audio whose ingest is not complete", () => {
    expect(done.notReady!.status).toBe("failed");
    expect(done.notReady!.error).toMatch(
      /^audio job_\w+ is not ready \(its ingest job is cancelled\)$/,
    );
  });

  it("saves a two-pass loudness-normalized 48 kHz WAV master with every rendition", async () => {
    const job = done.saveWav!;
    expect(job.status, job.error ?? "").toBe("complete");
    const r = job.result as { title: string; durationSec: number; keys: Record<string, string> };
    expect(r.title).toBe("Loud edit");
    expect(r.durationSec).toBeCloseTo(3.5, 1);
    expect(Object.keys(r.keys).sort()).toEqual([
      "features",
      "master",
      "metadata",
      "peaks",
      "stream",
    ]);
    const master = await fileOf(stack, r.keys.master!, "saved.wav");
    expect((await probe(master)).streams[0]).toMatchObject({
      codec_name: "pcm_s16le",
      sample_rate: "48000",
    });
    expect(Math.abs((await integratedLufs(master)) - -16)).toBeLessThan(2);
    expect(worker.output).toContain(`[Worker] Finished job ${job.id}`);
  });

  it("saves an AAC M4A master when asked", async () => {
    const job = done.saveM4a!;
    expect(job.status, job.error ?? "").toBe("complete");
    const r = job.result as { keys: Record<string, string> };
    expect(r.keys.master).toBe(`audio/${job.id}/master.m4a`);
    const file = await fileOf(stack, r.keys.master!, "saved.m4a");
    const p = await probe(file);
    expect(p.streams[0]?.codec_name).toBe("aac");
    // Not normalized: stays well below the -16 LUFS target the normalized save reaches.
    expect(await integratedLufs(file)).toBeLessThan(-18);
    expect(Number(p.format.duration)).toBeCloseTo(3.5, 0);
  });
});
