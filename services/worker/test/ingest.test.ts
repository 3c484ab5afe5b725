import { execFile } from "node:child_process";
import { chmod, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import type { Job } from "@efs/core/jobs/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type TestServer } from "./helpers/http-server";
import { AUDIO_FIXTURES, ffmpeg } from "./helpers/media";
import { createStack, listKeys, readObject, type Stack } from "./helpers/stack";
import { reapWorkers, type WorkerProcess } from "./helpers/worker-process";

const execFileP = promisify(execFile);

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
    streams: Array<{
      codec_type: string;
      codec_name: string;
      sample_rate?: string;
      channels?: number;
    }>;
    format: { duration: string };
  };
}

// One worker process ingests every fixture (uploads and URLs); assertions read the results.
describe("ingest (real worker process, libsql file, local storage, ffmpeg)", () => {
  let stack: Stack;
  let worker: WorkerProcess;
  let server: TestServer;
  const jobs = new Map<string, Job>();
  const argvLog = () => join(stack.dir, "ytdlp-argv.txt");

  beforeAll(async () => {
    server = await startServer();
    stack = await createStack();
    const media = join(stack.dir, "media");
    await execFileP("mkdir", ["-p", media]);
    for (const [name, args] of Object.entries(AUDIO_FIXTURES))
      await ffmpeg(args(join(media, name)));
    await writeFile(join(media, "corrupt.mp3"), "this is not audio at all\n".repeat(400));
    await writeFile(join(media, "empty.wav"), "");
    await writeFile(join(media, "renamed.mp3"), await readFile(join(media, "noise-22k-mono.wav")));
    const uploads = [...Object.keys(AUDIO_FIXTURES), "corrupt.mp3", "empty.wav", "renamed.mp3"];
    for (const name of uploads) {
      const key = `uploads/${name.replace(/\W/g, "_")}/${name}`;
      await stack.storage.put(key, await readFile(join(media, name)));
      const job = await stack.store.create({
        type: "ingest",
        payload: { source: { kind: "upload", key, filename: name, contentType: "", size: 0 } },
      });
      jobs.set(name, job);
    }
    const missing = await stack.store.create({
      type: "ingest",
      payload: {
        source: {
          kind: "upload",
          key: "uploads/nope/gone.mp3",
          filename: "gone.mp3",
          contentType: "",
          size: 0,
        },
      },
    });
    jobs.set("missing", missing);

    // URL sources served by a local HTTP server (allowlisted for tests only).
    const mp3 = await readFile(join(media, "sine-44k-stereo.mp3"));
    server.route("/song.mp3", (_q, s) =>
      s.writeHead(200, { "content-type": "audio/mpeg" }).end(mp3),
    );
    server.route("/moved", (_q, s) => s.writeHead(302, { location: "/song.mp3" }).end());
    server.route("/steal", (_q, s) =>
      s.writeHead(302, { location: "http://169.254.169.254/latest/meta-data/" }).end(),
    );
    server.route("/loop", (_q, s) => s.writeHead(302, { location: "http://[::1]:1/x" }).end());
    server.route("/huge.wav", (_q, s) => {
      s.writeHead(200, { "content-type": "audio/wav" });
      let n = 0;
      const t = setInterval(() => {
        if (s.destroyed || n++ > 200) {
          clearInterval(t);
          s.end();
        } else s.write(Buffer.alloc(64 * 1024));
      }, 2);
    });
    server.route("/watch", (_q, s) =>
      s.writeHead(200, { "content-type": "text/html" }).end("<html>video page</html>"),
    );
    const urls: Record<string, string> = {
      "url-direct": `${server.url}/moved`,
      "url-metadata": `${server.url}/steal`,
      "url-ipv6-loopback": `${server.url}/loop`,
      "url-scheme": "file:///etc/passwd",
      "url-huge": `${server.url}/huge.wav`,
      "url-page": `${server.url}/watch`,
    };
    for (const [name, url] of Object.entries(urls)) {
      jobs.set(
        name,
        await stack.store.create({ type: "ingest", payload: { source: { kind: "url", url } } }),
      );
    }

    // A fake yt-dlp on the configured path: records argv, "downloads" a wav into the -o template.
    const fake = join(stack.dir, "yt-dlp");
    await writeFile(
      fake,
      `#!/bin/sh\nprintf '%s\\n' "$@" > "${argvLog()}"\nout=""\nprev=""\nfor a in "$@"; do [ "$prev" = "-o" ] && out="$a"; prev="$a"; done\ncp "${join(media, "noise-22k-mono.wav")}" "$(echo "$out" | sed 's/%(ext)s/wav/')"\n`,
    );
    await chmod(fake, 0o755);

    worker = stack.startWorker({
      WORKER_CONCURRENCY: "2",
      INGEST_MAX_DURATION_SEC: "5",
      INGEST_MAX_BYTES: "2000000",
      EFS_TEST_SSRF_ALLOW: server.hostPort,
      YTDLP_PATH: fake,
    });
    try {
      for (const [name, job] of jobs) {
        jobs.set(name, await stack.waitForStatus(job.id, ["complete", "failed"], 120_000));
      }
    } catch (e) {
      throw new Error(`${(e as Error).message}\nworker output:\n${worker.output.join("\n")}`);
    }
  }, 240_000);

  afterAll(async () => {
    await worker?.stop();
    const leaked = await reapWorkers();
    await server?.close();
    await stack?.close();
    // Asserted after the clean-up, so a leak does not also leave the temp folder.
    expect(leaked, "a test leaked a worker process").toBe(0);
  });

  it("prints the operator log lines", async () => {
    await worker.waitFor("[Worker] Started, polling every 100ms");
    const id = jobs.get("sine-44k-stereo.mp3")!.id;
    expect(worker.output).toContain(`[Worker] Claimed job ${id} (ingest)`);
    expect(worker.output).toContain(`[Worker] Finished job ${id}`);
    const bad = jobs.get("empty.wav")!;
    expect(worker.output).toContain(
      `[Worker] Job ${bad.id} failed: the uploaded file is empty (0 bytes)`,
    );
  });

  it.each([
    ["sine-44k-stereo.mp3", { codec: "mp3", sampleRate: 44100, channels: 2, dur: 1.5 }],
    ["noise-22k-mono.wav", { codec: "pcm_s16le", sampleRate: 22050, channels: 1, dur: 1.2 }],
    ["silence-48k-stereo.flac", { codec: "flac", sampleRate: 48000, channels: 2, dur: 1.0 }],
    ["sine-96k-stereo.ogg", { codec: "vorbis", sampleRate: 96000, channels: 2, dur: 1.0 }],
    ["sine-32k-mono.m4a", { codec: "aac", sampleRate: 32000, channels: 1, dur: 1.0 }],
    ["clip-with-audio.mp4", { codec: "aac", sampleRate: 44100, channels: 1, dur: 1.0 }],
    ["renamed.mp3", { codec: "pcm_s16le", sampleRate: 22050, channels: 1, dur: 1.2 }],
  ])(
    "prepares %s: metadata, 48 kHz master, faststart stream, peaks, features",
    async (name, want) => {
      const job = jobs.get(name)!;
      expect(job.status, job.error ?? "").toBe("complete");
      expect(job.attempts).toBe(1);
      const r = job.result as {
        durationSec: number;
        sampleRate: number;
        channels: number;
        codec: string;
        featuresFps: number;
        keys: Record<string, string>;
      };
      expect(r).toMatchObject({
        codec: want.codec,
        sampleRate: want.sampleRate,
        channels: want.channels,
      });
      expect(r.durationSec).toBeCloseTo(want.dur, 1);
      expect(Object.keys(r.keys).sort()).toEqual([
        "features",
        "master",
        "metadata",
        "original",
        "peaks",
        "stream",
      ]);
      for (const key of Object.values(r.keys))
        expect(await stack.storage.stat(key), key).not.toBeNull();

      const tmp = join(stack.dir, `check-${job.id}`);
      await writeFile(`${tmp}.wav`, await readObject(stack.storage, r.keys.master!));
      const master = await probe(`${tmp}.wav`);
      expect(master.streams).toHaveLength(1);
      expect(master.streams[0]).toMatchObject({
        codec_name: "pcm_s16le",
        sample_rate: "48000",
        channels: want.channels,
      });

      const stream = await readObject(stack.storage, r.keys.stream!);
      expect(stream.indexOf("moov")).toBeGreaterThan(0);
      expect(stream.indexOf("moov")).toBeLessThan(stream.indexOf("mdat"));
      await writeFile(`${tmp}.m4a`, stream);
      expect((await probe(`${tmp}.m4a`)).streams.map((s) => s.codec_name)).toEqual(["aac"]);

      const peaks = JSON.parse((await readObject(stack.storage, r.keys.peaks!)).toString()) as {
        peaks: number[];
      };
      expect(peaks.peaks.length).toBeGreaterThan(100);
      expect(peaks.peaks.every((p) => p >= 0 && p <= 1)).toBe(true);
      const loudest = Math.max(...peaks.peaks);
      if (name.startsWith("silence")) expect(loudest).toBe(0);
      else expect(loudest).toBeGreaterThan(0.1); // lavfi sine peaks at 1/8

      const features = JSON.parse(
        (await readObject(stack.storage, r.keys.features!)).toString(),
      ) as {
        fps: number;
        frameCount: number;
        rms: number[];
      };
      expect(r.featuresFps).toBe(30);
      expect(features.fps).toBe(30);
      expect(features.rms).toHaveLength(features.frameCount);
      expect(Math.abs(features.frameCount - Math.ceil(want.dur * 30))).toBeLessThanOrEqual(2);

      const meta = JSON.parse((await readObject(stack.storage, r.keys.metadata!)).toString());
      expect(meta).toMatchObject({
        codec: want.codec,
        sampleRate: want.sampleRate,
        channels: want.channels,
      });
    },
  );

  it("drops the picture of a video and keeps its audio", async () => {
    const r = jobs.get("clip-with-audio.mp4")!.result as { keys: { master: string } };
    const tmp = join(stack.dir, "video-master.wav");
    await writeFile(tmp, await readObject(stack.storage, r.keys.master));
    expect((await probe(tmp)).streams.map((s) => s.codec_type)).toEqual(["audio"]);
  });

  it.each([
    ["corrupt.mp3", /^the file is not readable audio or video \(ffprobe: .+\)$/],
    ["empty.wav", /^the uploaded file is empty \(0 bytes\)$/],
    ["video-no-audio.mp4", /^the video has no audio track$/],
    [
      "long-sine.wav",
      /^the audio is too long: 0:00:07 \(limit 0:00:05, INGEST_MAX_DURATION_SEC\)$/,
    ],
    [
      "missing",
      /^the uploaded file was not found in storage \(uploads\/nope\/gone\.mp3\); upload it again$/,
    ],
  ])("rejects %s at once with a clear reason and stores nothing", async (name, reason) => {
    const job = jobs.get(name)!;
    expect(job.status).toBe("failed");
    expect(job.error).toMatch(reason);
    expect(job.attempts).toBe(1);
    expect(await listKeys(stack.storage, `audio/${job.id}/`)).toEqual([]);
  });

  it("ingests a direct media URL after a redirect and stores the original", async () => {
    const job = jobs.get("url-direct")!;
    expect(job.status, job.error ?? "").toBe("complete");
    const r = job.result as { title: string; codec: string; keys: { original: string } };
    expect(r.codec).toBe("mp3");
    expect(r.title).toBe("song");
    expect(r.keys.original).toBe(`audio/${job.id}/original.mp3`);
    expect((await stack.storage.stat(r.keys.original))?.size).toBeGreaterThan(1000);
  });

  it.each([
    ["url-metadata", /169\.254\.169\.254 is a link-local address/],
    ["url-ipv6-loopback", /::1 is a loopback address/],
    ["url-scheme", /only http and https URLs can be fetched \(got file:\)/],
    ["url-huge", /exceeded the 1\.9 MB limit \(INGEST_MAX_BYTES\)/],
  ])("refuses %s with a clear reason and stores nothing", async (name, reason) => {
    const job = jobs.get(name)!;
    expect(job.status).toBe("failed");
    expect(job.error).toMatch(reason);
    expect(await listKeys(stack.storage, `audio/${job.id}/`)).toEqual([]);
  });

  it("hands an HTML page to yt-dlp with no playlist, a size cap, a timeout and the URL in a file", async () => {
    const job = jobs.get("url-page")!;
    expect(job.status, job.error ?? "").toBe("complete");
    const argv = (await readFile(argvLog(), "utf8")).trim().split("\n");
    expect(argv).toContain("--no-playlist");
    expect(argv[argv.indexOf("--max-filesize") + 1]).toBe("2000000");
    expect(argv[argv.indexOf("--socket-timeout") + 1]).toBe("30");
    // The page URL travels in a batch file, never on the command line.
    expect(argv.at(-2)).toBe("--batch-file");
    expect(argv.join(" ")).not.toContain(server.url);
    expect((job.result as { codec: string }).codec).toBe("pcm_s16le");
  });
});
