// Managing the library through the API: pages and title search, storage used, and deletion —
// a track with its renders and edit previews (saved edits stay), running work cancelled first,
// late results of deleted renders cleaned up, and never an object the job does not own.
import { deriveJobToken } from "@efs/core/webhook-auth";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DELETE as del, GET as getJob } from "../../app/api/jobs/[id]/route";
import { GET as list } from "../../app/api/jobs/route";
import { GET as usage } from "../../app/api/usage/route";
import { POST as webhook } from "../../app/api/webhooks/worker/route";
import type { DeletionPlan } from "../../lib/jobs/delete";
import type { JobView } from "../../lib/jobs/view";
import { newUploadKey } from "../../lib/uploads";
import {
  body,
  finishJob,
  openStudio,
  params,
  readyAudio,
  request,
  type Studio,
  WEBHOOK_SECRET,
} from "../helpers";

let studio: Studio;
beforeAll(async () => {
  studio = await openStudio();
});
afterAll(() => studio.close());

const listJobs = async (query: string) =>
  body<{ jobs: JobView[]; nextCursor: string | null }>(
    await list(request(`/api/jobs?${query}`, { cookie: studio.cookie })),
  );
const remove = (id: string, query = "", cookie: string | null = studio.cookie) =>
  del(request(`/api/jobs/${id}${query}`, { method: "DELETE", cookie }), params({ id }));
const get = (id: string) =>
  getJob(request(`/api/jobs/${id}`, { cookie: studio.cookie }), params({ id }));
const used = async () =>
  body<{ objects: number; bytes: number; byKind: Record<string, { objects: number }> }>(
    await usage(request("/api/usage", { cookie: studio.cookie })),
  );
const keys = async (prefix: string) => {
  const out: string[] = [];
  for await (const o of studio.ctx.storage.list(prefix)) out.push(o.key);
  return out;
};

// A render of `audioId`: finished with its video and thumbnail, or left dispatched (running).
async function render(audioId: string, finished: boolean): Promise<string> {
  const job = await studio.ctx.jobs.create({
    type: "render",
    payload: { audioId, preset: "aurora", format: "preview-360p", fps: 30, title: "r" },
    priority: 50,
  });
  const videoKey = `renders/${job.id}/output.mp4`;
  if (finished) {
    await studio.ctx.storage.put(videoKey, "v".repeat(1000));
    await studio.ctx.storage.put(`renders/${job.id}/thumbnail.jpg`, "t".repeat(100));
    await finishJob(studio.ctx, job.id, { videoKey, format: "preview-360p", durationSeconds: 1 });
  } else {
    const claimed = await studio.ctx.jobs.claim({ owner: "w", leaseMs: 60_000 });
    expect(claimed?.id).toBe(job.id);
    await studio.ctx.jobs.markDispatched(job.id, "w", {
      callId: "c",
      backend: "local",
      deadlineAt: Date.now() + 60_000,
    });
  }
  return job.id;
}

async function preview(audioId: string, hash: string): Promise<string> {
  const job = await studio.ctx.jobs.create({ type: "preview", payload: { audioId } });
  const previewKey = `previews/${hash}.mp3`;
  await studio.ctx.storage.put(previewKey, "p".repeat(10));
  await finishJob(studio.ctx, job.id, { previewKey, recipeHash: hash, durationSec: 1 });
  return job.id;
}

describe("library pages and search", () => {
  it("pages through more than a page of tracks and finds them by title", async () => {
    for (let i = 0; i < 7; i++) await readyAudio(studio.ctx, `Paging Song ${i}`);
    const first = await listJobs("type=ingest,save&limit=5&q=paging song");
    expect(first.jobs.map((j) => j.title)).toEqual(
      [4, 3, 2, 1, 0].map((n) => `Paging Song ${n + 2}`),
    );
    const second = await listJobs(
      `type=ingest,save&limit=5&q=paging song&cursor=${first.nextCursor}`,
    );
    expect(second.jobs.map((j) => j.title)).toEqual(["Paging Song 1", "Paging Song 0"]);
    expect(second.nextCursor).toBeNull();
    expect((await listJobs("type=ingest&q=SONG 3")).jobs.map((j) => j.title)).toEqual([
      "Paging Song 3",
    ]);
    expect((await listJobs("type=ingest&q=nothing like this")).jobs).toEqual([]);
  });
});

describe("DELETE /api/jobs/:id", () => {
  it("says what deleting a track does, then does it: renders and edit previews go, saved edits stay", async () => {
    const track = await readyAudio(studio.ctx, "Doomed Track");
    await studio.ctx.storage.put(`audio/${track}/master.wav`, "m".repeat(5000));
    await studio.ctx.storage.put(`uploads/${track}/doomed.wav`, "u".repeat(3000));
    const done = await render(track, true);
    const running = await render(track, false);
    const edit = await preview(track, "a".repeat(32));
    const saved = await readyAudio(studio.ctx, "Doomed Track (edited)");
    // A saved edit made from the track is its own track (its audioId names the source).
    const savedJob = await studio.ctx.jobs.create({
      type: "save",
      payload: { audioId: track, title: "Kept edit" },
    });
    await studio.ctx.storage.put(`audio/${savedJob.id}/master.wav`, "k");
    await finishJob(studio.ctx, savedJob.id, {
      title: "Kept edit",
      durationSec: 1,
      keys: {
        master: `audio/${savedJob.id}/master.wav`,
        stream: `audio/${savedJob.id}/master.wav`,
      },
    });
    const before = await used();

    const dry = await remove(track, "?dryRun=1");
    expect(dry.status).toBe(200);
    const { plan } = await body<{ plan: DeletionPlan }>(dry);
    expect(plan.job).toMatchObject({ id: track, title: "Doomed Track", type: "ingest" });
    expect(plan.cancelsRunning).toBe(true);
    expect(plan.renders.map((r) => r.id).sort()).toEqual([done, running].sort());
    expect(plan.previews.map((p) => p.id)).toEqual([edit]);
    expect(plan.keptSavedEdits.map((s) => s.title)).toContain("Kept edit");
    expect(plan.storage.bytes).toBeGreaterThanOrEqual(5000 + 3000 + 1000 + 100 + 10);
    expect((await get(track)).status).toBe(200); // a dry run changes nothing

    const res = await remove(track);
    expect(res.status).toBe(200);
    const { deleted } = await body<{ deleted: { jobs: string[]; objects: number; bytes: number } }>(
      res,
    );
    expect(deleted.jobs.sort()).toEqual([track, done, running, edit].sort());
    expect(deleted.bytes).toBe(plan.storage.bytes);
    for (const id of [track, done, running, edit]) expect((await get(id)).status).toBe(404);
    expect((await studio.ctx.jobs.get(running))?.status).toBe("cancelled");
    expect(await keys(`audio/${track}/`)).toEqual([]);
    expect(await keys(`uploads/${track}/`)).toEqual([]);
    expect(await keys(`renders/${done}/`)).toEqual([]);
    expect(await keys(`previews/${"a".repeat(32)}`)).toEqual([]);
    expect(
      (await listJobs("type=ingest,save,render,preview&q=doomed")).jobs.map((j) => j.title),
    ).toEqual(["Doomed Track (edited)"]);
    expect((await get(savedJob.id)).status).toBe(200);
    expect(await keys(`audio/${savedJob.id}/`)).toHaveLength(1);
    expect(saved).toBeTruthy();
    const after = await used();
    expect(before.bytes - after.bytes).toBe(deleted.bytes);
    expect(before.objects - after.objects).toBe(deleted.objects);
  });

  it("a render deleted while it runs: its late upload is removed when the renderer reports", async () => {
    const track = await readyAudio(studio.ctx, "Late Track");
    const id = await render(track, false);
    expect((await remove(id)).status).toBe(200);
    // The renderer did not know: it uploads and reports completion afterwards.
    await studio.ctx.storage.put(`renders/${id}/output.mp4`, "late video");
    await studio.ctx.storage.put(`renders/${id}/thumbnail.jpg`, "late thumb");
    const res = await webhook(
      request("/api/webhooks/worker", {
        body: {
          jobId: id,
          status: "complete",
          result: {
            videoKey: `renders/${id}/output.mp4`,
            format: "preview-360p",
            durationSeconds: 1,
          },
        },
        headers: { authorization: `Bearer ${deriveJobToken(WEBHOOK_SECRET, id)}` },
        cookie: null,
      }),
    );
    expect(await body(res)).toEqual({
      ok: true,
      applied: false,
      status: "cancelled",
      deleted: true,
    });
    expect(await keys(`renders/${id}/`)).toEqual([]);
    expect((await studio.ctx.jobs.get(id))?.result).toBeNull();
  });

  it("only removes objects the job owns by its id, whatever its result names", async () => {
    const victim = await readyAudio(studio.ctx, "Someone Else");
    await studio.ctx.storage.put(`audio/${victim}/master.wav`, "precious");
    await studio.ctx.storage.put("previews/0123456789abcdef0123456789abcdef.mp3", "shared");
    const rogue = await studio.ctx.jobs.create({ type: "render", payload: { audioId: victim } });
    await finishJob(studio.ctx, rogue.id, {
      videoKey: `audio/${victim}/master.wav`,
      thumbnailKey: `audio/${victim}/master.wav`,
      format: "preview-360p",
      durationSeconds: 1,
    });
    const rogueEdit = await studio.ctx.jobs.create({
      type: "preview",
      payload: { audioId: "job_x" },
    });
    await finishJob(studio.ctx, rogueEdit.id, {
      previewKey: "previews/0123456789abcdef0123456789abcdef.mp3",
      recipeHash: "ffffffffffffffffffffffffffffffff",
    });
    expect((await remove(rogue.id)).status).toBe(200);
    expect((await remove(rogueEdit.id)).status).toBe(200);
    expect(await keys(`audio/${victim}/`)).toContain(`audio/${victim}/master.wav`);
    expect((await get(victim)).status).toBe(200);
    expect(await keys("previews/0123456789abcdef")).toHaveLength(1);
  });

  it("removes an upload that was never confirmed; 404 for unknown and already deleted ids", async () => {
    const key = newUploadKey("abandoned.wav");
    const id = key.split("/")[1]!;
    await studio.ctx.storage.put(key, "half an upload");
    const res = await remove(id);
    expect(res.status).toBe(200);
    expect(await body(res)).toEqual({ deleted: { jobs: [], objects: 1, bytes: 14 } });
    expect(await keys(`uploads/${id}/`)).toEqual([]);
    expect((await remove(id)).status).toBe(404);
    expect((await remove("job_unknown")).status).toBe(404);
    expect((await remove("../etc")).status).toBe(404);
    const track = await readyAudio(studio.ctx, "Twice");
    expect((await remove(track)).status).toBe(200);
    expect((await remove(track)).status).toBe(404);
  });

  it("needs an unlocked studio", async () => {
    const track = await readyAudio(studio.ctx, "Locked Out");
    const res = await remove(track, "", null);
    expect(res.status).toBe(401);
    expect((await get(track)).status).toBe(200);
  });
});

describe("GET /api/usage", () => {
  it("counts objects and bytes per kind", async () => {
    const before = await used();
    const track = await readyAudio(studio.ctx, "Counted");
    await studio.ctx.storage.put(`renders/${track}-x/output.mp4`, "12345");
    const after = await used();
    expect(after.byKind.audio!.objects - before.byKind.audio!.objects).toBe(2);
    expect(after.byKind.renders!.objects - before.byKind.renders!.objects).toBe(1);
    expect(after.objects - before.objects).toBe(3);
    expect(after.bytes).toBeGreaterThan(before.bytes);
  });
});
