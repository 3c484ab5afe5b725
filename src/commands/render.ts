// `efs render`: audio + preset + format → MP4 (or a frame-range chunk, or joined chunks).
import { RENDER_FORMAT_NAMES } from "@efs/core/formats";
import type { Command } from "commander";
import type { CliContext } from "../context";

// Declares `efs render --audio <file> --preset <id> --format <name> … --out <file>`.
export function register(program: Command, ctx: CliContext): void {
  program
    .command("render")
    .description("render an audio-reactive video locally (headless Chromium + ffmpeg)")
    .requiredOption("--audio <file>", "audio file (any format ffmpeg reads)")
    .option(
      "--preset <id>",
      "visual preset: ethereal-flame, ethereal-mist, cosmic-void, solar-flare, aurora, neon-pulse",
      "ethereal-flame",
    )
    .option(
      "--format <name>",
      `output format: ${RENDER_FORMAT_NAMES.join(", ")} (sizes in docs/rendering.md)`,
      "flat-1080p-landscape",
    )
    .option("--fps <n>", "30 or 60", "30")
    .option(
      "--quality <q>",
      "draft (particles at reduced resolution, fast) or final (everything at the output resolution); default: final above 1080p, else draft",
    )
    .option("--duration <s>", "render only the first S seconds")
    .option("--from <frame>", "first frame of a range: writes a video-only MPEG-TS chunk")
    .option("--to <frame>", "end of the range (exclusive)")
    .option("--visual <file>", "JSON file with visual-config overrides merged onto the preset")
    .option(
      "--concat <chunks...>",
      "join chunks rendered with --from/--to (in order) instead of rendering",
    )
    .option("--gpu", "use hardware WebGL (default: when an NVIDIA device is present)")
    .option("--no-gpu", "force the software rasteriser (SwiftShader)")
    .option(
      "--capture <mode>",
      "how frames leave the browser: auto (= raw), raw (frames into libx264), webcodecs (in-page H.264, up to 4K)",
      "auto",
    )
    .requiredOption("--out <file>", "output .mp4 (.ts for a --from/--to range)")
    .action(async (opts: Record<string, unknown>, cmd: Command) => {
      await ctx.run(cmd, async (rt) => {
        const { render } = await import("../handlers/render/handler");
        return render(rt, opts);
      });
    });
}
