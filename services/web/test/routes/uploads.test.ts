// Upload flow: signed PUT from /api/uploads, PUT through the local storage route, confirm
// with POST /api/jobs → one ingest job. Real libsql file + local storage backend.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as createJob } from "../../app/api/jobs/route";
import { POST as signUpload } from "../../app/api/uploads/route";
import { MAX_UPLOAD_BYTES } from "../../lib/limits";
import { body, callStorage, errorOf, openStudio, request, type Studio } from "../helpers";

let studio: Studio;
beforeAll(async () => {
  studio = await openStudio();
});
afterAll(() => studio.close());

const audio = new Uint8Array(4096).fill(7);

async function sign(input: unknown, cookie: string | null = studio.cookie) {
  return signUpload(request("/api/uploads", { body: input, cookie }));
}

describe("POST /api/uploads", () => {
  it("signs a PUT for a server-chosen key; the upload lands and confirms into one ingest job", async () => {
    const res = await sign({
      filename: "My Song (live).mp3",
      contentType: "audio/mpeg",
      size: audio.length,
    });
    expect(res.status).toBe(201);
    const { key, upload } = await body<{
      key: string;
      upload: { url: string; headers: Record<string, string>; maxBytes: number };
    }>(res);
    expect(key).toMatch(/^uploads\/job_[0-9a-z]{26}\/My-Song-live\.mp3$/);
    expect(upload.maxBytes).toBe(audio.length);
    expect(upload.url.startsWith("http://localhost:3999/api/storage/uploads/")).toBe(true);

    const put = await callStorage(upload.url, {
      method: "PUT",
      raw: audio,
      headers: { ...upload.headers, "content-length": String(audio.length) },
    });
    expect(put.status).toBe(200);
    expect((await studio.ctx.storage.stat(key))?.size).toBe(audio.length);

    const confirm = await createJob(
      request("/api/jobs", {
        body: { type: "ingest", source: { kind: "upload", key }, title: "My Song" },
        cookie: studio.cookie,
      }),
    );
    expect(confirm.status).toBe(201);
    const { job } = await body<{
      job: { id: string; type: string; status: string; queuePosition: number; title: string };
    }>(confirm);
    expect(job).toMatchObject({
      type: "ingest",
      status: "pending",
      title: "My Song",
      queuePosition: 1,
    });
    expect(key).toContain(job.id);
    const stored = await studio.ctx.jobs.get(job.id);
    expect(stored?.payload).toMatchObject({
      source: { kind: "upload", key, contentType: "audio/mpeg", size: audio.length },
    });

    const again = await createJob(
      request("/api/jobs", {
        body: { type: "ingest", source: { kind: "upload", key } },
        cookie: studio.cookie,
      }),
    );
    expect(again.status).toBe(200);
    expect((await body<{ job: { id: string } }>(again)).job.id).toBe(job.id);
  });

  it("refuses a content type that is not audio or video with 415", async () => {
    const res = await sign({ filename: "notes.txt", contentType: "text/plain", size: 10 });
    expect(res.status).toBe(415);
    expect((await errorOf(res)).message).toMatch(/text\/plain.*MP3/);
  });

  it("refuses a declared size over the limit with 413", async () => {
    const res = await sign({
      filename: "big.wav",
      contentType: "audio/wav",
      size: MAX_UPLOAD_BYTES + 1,
    });
    expect(res.status).toBe(413);
    expect((await errorOf(res)).code).toBe("payload_too_large");
  });

  it("refuses an empty file, missing fields and a non-JSON body with 400/415", async () => {
    expect((await sign({ filename: "a.mp3", contentType: "audio/mpeg", size: 0 })).status).toBe(
      400,
    );
    const missing = await sign({ filename: "a.mp3", size: 10 });
    expect(missing.status).toBe(400);
    expect((await errorOf(missing)).message).toMatch(/^contentType: /);
    const malformed = await signUpload(
      request("/api/uploads", {
        raw: "{not json",
        headers: { "content-type": "application/json" },
        cookie: studio.cookie,
      }),
    );
    expect(malformed.status).toBe(400);
    expect((await errorOf(malformed)).code).toBe("malformed_json");
    const form = await signUpload(
      request("/api/uploads", {
        raw: "a=b",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        cookie: studio.cookie,
      }),
    );
    expect(form.status).toBe(415);
  });

  it("refuses to sign without the studio session", async () => {
    const res = await sign({ filename: "a.mp3", contentType: "audio/mpeg", size: 10 }, null);
    expect(res.status).toBe(401);
    expect((await errorOf(res)).code).toBe("locked");
  });

  it("storage refuses a body larger than the signed size, one without a length, and a different content type", async () => {
    const res = await sign({ filename: "a.mp3", contentType: "audio/mpeg", size: 100 });
    const { key, upload } = await body<{
      key: string;
      upload: { url: string; headers: Record<string, string> };
    }>(res);
    const tooBig = await callStorage(upload.url, {
      method: "PUT",
      raw: new Uint8Array(5000),
      headers: { ...upload.headers, "content-length": "5000" },
    });
    expect(tooBig.status).toBe(413);
    expect((await errorOf(tooBig)).code).toBe("payload_too_large");
    const chunked = await callStorage(upload.url, {
      method: "PUT",
      raw: new Uint8Array(5000),
      headers: upload.headers,
    });
    expect(chunked.status).toBe(411);
    const wrongType = await callStorage(upload.url, {
      method: "PUT",
      raw: new Uint8Array(100),
      headers: { "content-type": "text/html", "content-length": "100" },
    });
    expect(wrongType.status).toBe(403);
    expect(await studio.ctx.storage.stat(key)).toBeNull();
  });
});

describe("a signed upload URL", () => {
  const signed = async (size: number) =>
    body<{ key: string; upload: { url: string; headers: Record<string, string> } }>(
      await sign({ filename: "once.mp3", contentType: "audio/mpeg", size }),
    );
  const put = (url: string, headers: Record<string, string>, bytes: Uint8Array<ArrayBuffer>) =>
    callStorage(url, {
      method: "PUT",
      raw: bytes,
      headers: { ...headers, "content-length": String(bytes.length) },
    });

  it("is single-use: refused once its file arrived, and after the confirm even when the file is gone", async () => {
    const { key, upload } = await signed(audio.length);
    expect((await put(upload.url, upload.headers, audio)).status).toBe(200);
    const replace = await put(upload.url, upload.headers, new Uint8Array(audio.length).fill(9));
    expect(replace.status).toBe(409);
    expect((await errorOf(replace)).message).toMatch(/already used/);
    const confirm = await createJob(
      request("/api/jobs", {
        body: { type: "ingest", source: { kind: "upload", key } },
        cookie: studio.cookie,
      }),
    );
    expect(confirm.status).toBe(201);
    // What a failed or cancelled ingest does: its upload is deleted.
    await studio.ctx.storage.delete(key);
    const reuse = await put(upload.url, upload.headers, audio);
    expect(reuse.status).toBe(409);
    expect((await errorOf(reuse)).message).toMatch(/already confirmed/);
    expect(await studio.ctx.storage.stat(key)).toBeNull();
  });

  it("refuses a 0-byte or shorter PUT on a URL signed for N bytes", async () => {
    const { key, upload } = await signed(100);
    for (const bytes of [new Uint8Array(0), new Uint8Array(50)]) {
      const res = await put(upload.url, upload.headers, bytes);
      expect(res.status, `${bytes.length} bytes`).toBe(400);
      expect((await errorOf(res)).message).toMatch(/signed for exactly 100 bytes/);
    }
    expect(await studio.ctx.storage.stat(key)).toBeNull();
    expect((await put(upload.url, upload.headers, new Uint8Array(100))).status).toBe(200);
  });
});

describe("confirming an upload (POST /api/jobs type=ingest, source upload)", () => {
  const confirm = (key: string) =>
    createJob(
      request("/api/jobs", {
        body: { type: "ingest", source: { kind: "upload", key } },
        cookie: studio.cookie,
      }),
    );

  it("answers 409 when nothing was uploaded to the key yet", async () => {
    const { key } = await body<{ key: string }>(
      await sign({ filename: "a.mp3", contentType: "audio/mpeg", size: 10 }),
    );
    const res = await confirm(key);
    expect(res.status).toBe(409);
    expect((await errorOf(res)).message).toMatch(/PUT the file/);
  });

  it("refuses keys the server did not hand out, including traversal keys", async () => {
    for (const key of [
      "audio/job_x/master.wav",
      "uploads/../renders/x.mp4",
      "uploads/job_00000000000000000000000000/../../etc/passwd",
      "/etc/passwd",
    ]) {
      const res = await confirm(key);
      expect(res.status, key).toBe(400);
    }
    expect(
      (await studio.ctx.jobs.list({})).jobs.every(
        (j) =>
          j.type !== "ingest" ||
          (j.payload.source as { key?: string }).key?.startsWith("uploads/job_"),
      ),
    ).toBe(true);
  });
});
