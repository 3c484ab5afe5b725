// /api/jobs: list, create (URL ingest, preview, save, render), get with signed URLs, cancel.
import { join } from "node:path";
import { createClient } from "@libsql/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as cancel } from "../../app/api/jobs/[id]/cancel/route";
import { GET as getJob } from "../../app/api/jobs/[id]/route";
import { POST as create, GET as list } from "../../app/api/jobs/route";
import type { JobView } from "../../lib/jobs/view";
import {
  body,
  callStorage,
  errorOf,
  finishJob,
  openStudio,
  params,
  readyAudio,
  request,
  type Studio,
} from "../helpers";

let studio: Studio;
let audioId: string;
beforeAll(async () => {
  studio = await openStudio();
  audioId = await readyAudio(studio.ctx);
});
afterAll(() => studio.close());

const post = (input: unknown) =>
  create(request("/api/jobs", { body: input, cookie: studio.cookie }));
const get = (id: string) =>
  getJob(request(`/api/jobs/${id}`, { cookie: studio.cookie }), params({ id }));
const cancelJob = (id: string) =>
  cancel(
    request(`/api/jobs/${id}/cancel`, { method: "POST", cookie: studio.cookie }),
    params({ id }),
  );
const jobOf = async (res: Response) => (await body<{ job: JobView }>(res)).job;

describe("URL ingest", () => {
  it("creates a pending ingest job for an http(s) URL", async () => {
    const res = await post({
      type: "ingest",
      source: { kind: "url", url: "https://example.com/a.mp3" },
    });
    expect(res.status).toBe(201);
    const job = await jobOf(res);
    expect(job).toMatchObject({
      type: "ingest",
      status: "pending",
      title: "https://example.com/a.mp3",
    });
    expect(job.queuePosition).toBeGreaterThanOrEqual(1);
  });

  it("never shows the credentials or signed query of a URL in the job's title or request", async () => {
    const url = "https://ann:pa55w0rd@media.example.com/mixes/set.mp3?token=t0k3n";
    const res = await post({ type: "ingest", source: { kind: "url", url } });
    expect(res.status).toBe(201);
    const job = await jobOf(res);
    expect(job.title).toBe("https://media.example.com/mixes/set.mp3?…");
    expect(job.request).toEqual({
      source: { kind: "url", url: "https://media.example.com/mixes/set.mp3?…" },
    });
    const listed = await list(request("/api/jobs?type=ingest", { cookie: studio.cookie }));
    const page = JSON.stringify(await body(listed)) + JSON.stringify(await body(await get(job.id)));
    expect(page).not.toMatch(/pa55w0rd|t0k3n|ann:/);
    // The worker still gets the whole URL.
    expect((await studio.ctx.jobs.get(job.id))?.payload).toMatchObject({ source: { url } });
  });

  it("refuses non-http URLs, overlong URLs and unknown fields with 400 naming the field", async () => {
    for (const url of [
      "ftp://example.com/a.mp3",
      "file:///etc/passwd",
      "javascript:alert(1)",
      "not a url",
      `https://e.com/${"a".repeat(3000)}`,
    ]) {
      const res = await post({ type: "ingest", source: { kind: "url", url } });
      expect(res.status, url).toBe(400);
      expect((await errorOf(res)).message).toMatch(/^source\.url: /);
    }
    const extra = await post({
      type: "ingest",
      source: { kind: "url", url: "https://e.com/a" },
      owner: "x",
    });
    expect(extra.status).toBe(400);
    const unknownType = await post({ type: "transcode" });
    expect(unknownType.status).toBe(400);
    expect((await errorOf(unknownType)).message).toMatch(/^type: /);
  });

  it("refuses an oversize body with 413 and malformed JSON with 400", async () => {
    const big = await post({
      type: "ingest",
      source: { kind: "url", url: "https://e.com/a" },
      title: "x".repeat(20_000),
    });
    expect(big.status).toBe(413);
    const malformed = await create(
      request("/api/jobs", {
        raw: '{"type":',
        headers: { "content-type": "application/json" },
        cookie: studio.cookie,
      }),
    );
    expect(malformed.status).toBe(400);
    expect((await errorOf(malformed)).code).toBe("malformed_json");
  });
});

describe("GET /api/jobs and /api/jobs/:id", () => {
  it("lists jobs by type, newest first, with a view that hides internals", async () => {
    const res = await list(request("/api/jobs?type=ingest&limit=10", { cookie: studio.cookie }));
    expect(res.status).toBe(200);
    const { jobs } = await body<{ jobs: JobView[] }>(res);
    expect(jobs.length).toBeGreaterThanOrEqual(2);
    expect(jobs.every((j) => j.type === "ingest")).toBe(true);
    expect(jobs.map((j) => j.id)).toEqual([...jobs.map((j) => j.id)].sort().reverse());
    const raw = JSON.stringify(jobs);
    expect(raw).not.toMatch(/leaseOwner|attempts|dispatch/);
  });

  it("refuses a bad filter with 400", async () => {
    expect((await list(request("/api/jobs?type=bogus", { cookie: studio.cookie }))).status).toBe(
      400,
    );
    expect((await list(request("/api/jobs?limit=100000", { cookie: studio.cookie }))).status).toBe(
      400,
    );
  });

  it("gives a ready audio item signed stream and peaks URLs that storage serves", async () => {
    const res = await get(audioId);
    expect(res.status).toBe(200);
    const job = await jobOf(res);
    expect(job.status).toBe("complete");
    expect(job.urls.audio).toMatch(/\/api\/storage\/audio\/.+\/stream\.m4a\?exp=\d+/);
    const audio = await callStorage(job.urls.audio!);
    expect(await audio.text()).toBe("m4a-bytes");
    const peaks = await callStorage(job.urls.peaks!);
    expect(await peaks.json()).toMatchObject({ peaks: [0.1, 0.5] });
  });

  it("answers 404 for an unknown or malformed id", async () => {
    for (const id of ["job_doesnotexist", "../../etc", "x".repeat(300)]) {
      const res = await get(id);
      expect(res.status, id).toBe(404);
      expect((await errorOf(res)).code).toBe("not_found");
    }
  });
});

describe("preview, save and render jobs", () => {
  const recipe = { clips: [{ start: 1, end: 5, fadeIn: 0.5, fadeOut: 1 }], normalize: true };

  it("creates preview and save jobs for a ready item", async () => {
    const preview = await post({ type: "preview", audioId, recipe });
    expect(preview.status).toBe(201);
    const p = await studio.ctx.jobs.get((await jobOf(preview)).id);
    expect(p?.payload).toEqual({ audioId, recipe });
    const save = await post({ type: "save", audioId, recipe, format: "wav" });
    expect(save.status).toBe(201);
    const s = await studio.ctx.jobs.get((await jobOf(save)).id);
    expect(s?.payload).toMatchObject({
      audioId,
      recipe,
      format: "wav",
      title: "Test Tone (edited)",
    });
  });

  it("refuses recipes that make no sense, naming the clip", async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ clips: [] }, /^recipe\.clips: /],
      [{ clips: [{ start: 5, end: 2 }] }, /^recipe\.clips\[0\]: end must be greater/],
      [{ clips: [{ start: 0, end: 2, fadeIn: 2, fadeOut: 2 }] }, /fades are longer/],
      [{ clips: [{ start: 0, end: 60 }] }, /^recipe\.clips\[0\]\.end: .*past the end/],
      [{ clips: [{ start: 0, end: 2, volume: 99 }] }, /^recipe\.clips\[0\]\.volume: /],
    ];
    for (const [r, message] of cases) {
      const res = await post({ type: "preview", audioId, recipe: r });
      expect(res.status, JSON.stringify(r)).toBe(400);
      expect((await errorOf(res)).message).toMatch(message);
    }
  });

  it("creates a render job with the preset, format, fps, duration and the quality it uses", async () => {
    const res = await post({
      type: "render",
      audioId,
      preset: "ethereal-flame",
      format: "preview-360p",
      fps: 30,
      durationSec: 4,
    });
    expect(res.status).toBe(201);
    const job = await studio.ctx.jobs.get((await jobOf(res)).id);
    expect(job?.payload).toEqual({
      audioId,
      title: "Test Tone · Ethereal Flame · 360p preview",
      preset: "ethereal-flame",
      format: "preview-360p",
      fps: 30,
      quality: "draft",
      durationSec: 4,
    });
    // Asked for, or the format's default (final above 1080p): either way on the job.
    for (const [format, quality, want] of [
      ["preview-360p", "final", "final"],
      ["flat-4k-landscape", undefined, "final"],
      ["flat-4k-landscape", "draft", "draft"],
    ] as const) {
      const r = await post({ type: "render", audioId, preset: "aurora", format, quality });
      expect(r.status).toBe(201);
      const id = (await jobOf(r)).id;
      const j = await studio.ctx.jobs.get(id);
      expect(j?.payload).toMatchObject({ format, quality: want });
      // What the renders page and player show ("final quality").
      expect((await jobOf(await get(id))).renderQuality).toBe(want);
    }
  });

  it("refuses unknown formats, presets, fps, qualities, overlong durations and bad visual overrides", async () => {
    const base = {
      type: "render",
      audioId,
      preset: "ethereal-flame",
      format: "preview-360p",
      fps: 30,
    };
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ format: "vhs" }, /^format: must be one of .*preview-360p/],
      [{ preset: "disco" }, /^preset: unknown preset "disco"/],
      [{ fps: 24 }, /^fps: must be 30 or 60/],
      [{ quality: "ultra" }, /^quality: must be draft or final/],
      [{ durationSec: 600 }, /longer than the track/],
      [{ visual: { dynamics: { gain: 99 } } }, /^visual: .*gain/],
      [
        { visual: { skybox: { brigthness: 2 } } },
        /^visual: .*config\.skybox\.brigthness is not a visual setting/,
      ],
    ];
    for (const [patch, message] of cases) {
      const res = await post({ ...base, ...patch });
      expect(res.status, JSON.stringify(patch)).toBe(400);
      expect((await errorOf(res)).message).toMatch(message);
    }
  });

  it("answers 404 for an unknown audio item and 409 for one not ready yet", async () => {
    const unknown = await post({
      type: "render",
      audioId: "job_nope",
      preset: "ethereal-flame",
      format: "preview-360p",
    });
    expect(unknown.status).toBe(404);
    const pending = await jobOf(
      await post({ type: "ingest", source: { kind: "url", url: "https://e.com/b.mp3" } }),
    );
    const early = await post({ type: "preview", audioId: pending.id, recipe });
    expect(early.status).toBe(409);
    expect((await errorOf(early)).message).toMatch(/not ready/);
  });

  it("a completed render is titled after its track and downloads as a file named after it", async () => {
    const res = await post({
      type: "render",
      audioId,
      preset: "ethereal-flame",
      format: "flat-1080p-landscape",
    });
    const created = await jobOf(res);
    expect(created.title).toBe("Test Tone · Ethereal Flame · 1080p landscape");
    const id = created.id;
    const videoKey = `renders/${id}/output.mp4`;
    const thumbnailKey = `renders/${id}/thumbnail.jpg`;
    await studio.ctx.storage.put(videoKey, "mp4-bytes", { contentType: "video/mp4" });
    await studio.ctx.storage.put(thumbnailKey, "jpeg-bytes", { contentType: "image/jpeg" });
    await finishJob(studio.ctx, id, {
      videoKey,
      thumbnailKey,
      format: "flat-1080p-landscape",
      durationSeconds: 12,
    });
    const job = await jobOf(await get(id));
    // The quality the job recorded at creation (1080p's default), which the player shows.
    expect(job.renderQuality).toBe("draft");
    const download = await callStorage(job.urls.download!);
    expect(download.status).toBe(200);
    expect(download.headers.get("content-disposition")).toBe(
      "attachment; filename=\"test-tone-ethereal-flame-1080p-landscape.mp4\"; filename*=UTF-8''test-tone-ethereal-flame-1080p-landscape.mp4",
    );
    expect(await download.text()).toBe("mp4-bytes");
    expect(await (await callStorage(job.urls.thumbnail!)).text()).toBe("jpeg-bytes");
  });
});

describe("a result stored with a bad key (a row from before results were checked)", () => {
  it("still lists the library and opens the job page, without a URL for the bad key", async () => {
    const res = await post({
      type: "render",
      audioId,
      preset: "ethereal-flame",
      format: "preview-360p",
    });
    const id = (await jobOf(res)).id;
    const videoKey = `renders/${id}/output.mp4`;
    await studio.ctx.storage.put(videoKey, "mp4-bytes", { contentType: "video/mp4" });
    // The store refuses such a result today, so write the row the way an older version did.
    await expect(
      studio.ctx.jobs.complete(id, { videoKey, thumbnailKey: "../../x" }),
    ).rejects.toThrow(/result.thumbnailKey is not a valid storage key/);
    const db = createClient({ url: `file:${join(studio.dir, "efs.db")}` });
    try {
      await db.execute({
        sql: "UPDATE audio_prep_jobs SET status = 'complete', result = ? WHERE id = ?",
        args: [
          JSON.stringify({
            videoKey,
            format: "preview-360p",
            durationSeconds: 1,
            thumbnailKey: "../../x",
          }),
          id,
        ],
      });
    } finally {
      db.close();
    }
    const listed = await list(request("/api/jobs?limit=100", { cookie: studio.cookie }));
    expect(listed.status).toBe(200);
    const { jobs } = await body<{ jobs: JobView[] }>(listed);
    expect(jobs.map((j) => j.id)).toContain(audioId);
    const page = await get(id);
    expect(page.status).toBe(200);
    const job = await jobOf(page);
    expect(job.urls.thumbnail).toBeUndefined();
    expect(await (await callStorage(job.urls.video!)).text()).toBe("mp4-bytes");
  });
});

describe("POST /api/jobs/:id/cancel", () => {
  it("cancels a pending job, then answers 409 because it is terminal", async () => {
    const job = await jobOf(
      await post({ type: "ingest", source: { kind: "url", url: "https://e.com/c.mp3" } }),
    );
    const res = await cancelJob(job.id);
    expect(res.status).toBe(200);
    expect((await jobOf(res)).status).toBe("cancelled");
    const again = await cancelJob(job.id);
    expect(again.status).toBe(409);
    expect((await errorOf(again)).message).toMatch(/already cancelled/);
  });

  it("deletes the upload of a cancelled ingest", async () => {
    // Where the web app puts every upload: uploads/<id of the ingest job it confirms>/.
    const id = "job_cancelled0000000000000000000";
    const key = `uploads/${id}/song.mp3`;
    await studio.ctx.storage.put(key, "mp3-bytes", { contentType: "audio/mpeg" });
    const job = await studio.ctx.jobs.create({
      id,
      type: "ingest",
      payload: {
        source: { kind: "upload", key, filename: "song.mp3", contentType: "audio/mpeg", size: 9 },
      },
    });
    const res = await cancelJob(job.id);
    expect(res.status).toBe(200);
    expect((await jobOf(res)).status).toBe("cancelled");
    expect(await studio.ctx.storage.stat(key)).toBeNull();
  });

  it("answers 409 for a completed job and 404 for an unknown one", async () => {
    const done = await cancelJob(audioId);
    expect(done.status).toBe(409);
    expect((await studio.ctx.jobs.get(audioId))?.status).toBe("complete");
    expect((await cancelJob("job_unknown")).status).toBe(404);
  });
});
