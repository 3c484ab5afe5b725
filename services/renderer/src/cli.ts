// The renderer's own command line (what Modal's container and `efs up` run):
//   render --audio A --preset P --format F [--fps N] [--quality draft|final] [--from I]
//          [--to J] [--duration S] [--visual V.json] [--gpu|--no-gpu]
//          [--capture auto|webcodecs|raw] [--thumbnail T.jpg] --out FILE
//   concat --audio A --format F [--duration S] [--thumbnail T.jpg] --out OUT.mp4 CHUNK.ts…
// Progress goes to stderr as `progress {"stage","framesDone","framesTotal","fps","etaSec"}`
// lines (on each stage change, then at most every 2 s); Modal's wrapper reads them.
//   serve  [--port 3100] [--host 127.0.0.1]      (auth token from RENDERER_AUTH_TOKEN)
import { readFile } from "node:fs/promises";
import { isRenderQuality } from "@efs/core/quality";
import { Command, InvalidArgumentError } from "commander";
import { concatChunks, renderVideo } from "./render";
import { rendererSettings } from "./settings";

const int = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0)
    throw new InvalidArgumentError(`${name} must be a whole number ≥ 0`);
  return n;
};
const num = (name: string) => (v: string) => {
  const n = Number(v);
  if (!(n > 0)) throw new InvalidArgumentError(`${name} must be a positive number`);
  return n;
};
const err = (s: string) => process.stderr.write(`${s}\n`);

const program = new Command("efs-renderer").description("Ethereal Flame Studio headless renderer");

program
  .command("render")
  .requiredOption("--audio <file>", "audio file (any format ffmpeg reads)")
  .option("--preset <id>", "visual preset", "ethereal-flame")
  .requiredOption("--format <name>", "output format (see formats.ts)")
  .option("--fps <n>", "30 or 60", int("--fps"), 30)
  .option(
    "--quality <q>",
    "draft | final (default: final above 1080p, else draft)",
    (v: string) => {
      if (!isRenderQuality(v)) throw new InvalidArgumentError("--quality must be draft or final");
      return v;
    },
  )
  .option("--from <frame>", "first frame of a range (writes a video-only .ts chunk)", int("--from"))
  .option("--to <frame>", "end of the range (exclusive)", int("--to"))
  .option("--duration <s>", "render only the first S seconds", num("--duration"))
  .option("--visual <file>", "JSON file with visual-config overrides")
  .option("--gpu", "hardware WebGL flags (default: when an NVIDIA device is present)")
  .option("--no-gpu", "force SwiftShader")
  .option(
    "--capture <mode>",
    "auto (= raw: frames into libx264) | raw | webcodecs (up to 4K)",
    "auto",
  )
  .option("--thumbnail <file>", "also write a JPEG of a representative frame (whole renders)")
  .requiredOption("--out <file>", "output .mp4 (or .ts for a range)")
  .action(async (o) => {
    const controller = new AbortController();
    process.once("SIGINT", () => controller.abort(new Error("interrupted")));
    process.once("SIGTERM", () => controller.abort(new Error("terminated")));
    const settings = rendererSettings(process.env);
    const visual = o.visual ? JSON.parse(await readFile(o.visual, "utf8")) : undefined;
    let last = 0;
    let lastStage = "";
    const r = await renderVideo({
      audioPath: o.audio,
      preset: o.preset,
      visual,
      format: o.format,
      fps: o.fps,
      quality: o.quality,
      from: o.from,
      to: o.to,
      durationSec: o.duration,
      gpu: o.gpu === undefined ? "auto" : o.gpu,
      capture: o.capture,
      out: o.out,
      thumbnail: o.thumbnail,
      signal: controller.signal,
      settings,
      log: err,
      onProgress: (p) => {
        const changed = p.stage !== lastStage;
        if (!changed && Date.now() - last < 2000 && p.framesDone < p.framesTotal) return;
        last = Date.now();
        lastStage = p.stage;
        const line = {
          stage: p.stage,
          framesDone: p.framesDone,
          framesTotal: p.framesTotal,
          fps: Math.round(p.fps * 100) / 100,
          etaSec: Math.round(p.etaSec),
        };
        err(`progress ${JSON.stringify(line)}`);
      },
    });
    console.log(JSON.stringify(r));
  });

program
  .command("concat")
  .requiredOption("--audio <file>", "the audio the chunks were rendered from")
  .requiredOption("--format <name>", "the format the chunks were rendered in")
  .option("--duration <s>", "trim the audio to S seconds", num("--duration"))
  .option("--thumbnail <file>", "also write a JPEG of a representative frame")
  .requiredOption("--out <file>", "output .mp4")
  .argument("<chunks...>", "MPEG-TS chunks in order")
  .action(async (chunks: string[], o) => {
    await concatChunks({
      chunks,
      audioPath: o.audio,
      format: o.format,
      durationSec: o.duration,
      out: o.out,
      thumbnail: o.thumbnail,
      settings: rendererSettings(process.env),
    });
    console.log(JSON.stringify({ out: o.out, chunks: chunks.length }));
  });

program
  .command("serve")
  .description("local renderer with the Modal submit/status contract")
  .option("--port <n>", "port", int("--port"), 3100)
  .option("--host <host>", "interface", "127.0.0.1")
  .action(async (o) => {
    const { serve } = await import("./serve");
    await serve({ port: o.port, host: o.host, env: process.env, log: err });
  });

program.parseAsync(process.argv).catch((e: unknown) => {
  err(`error: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
});
