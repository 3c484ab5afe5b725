// A one-line progress bar on a TTY (frames, fps, ETA); plain lines every few seconds otherwise.
import type { RenderProgress } from "@efs/renderer/render";

export interface ProgressSink {
  isTTY?: boolean;
  write(s: string): unknown;
}

// Returns an onProgress callback and a `done` to finish the line.
export function progressBar(
  sink: ProgressSink,
  label: string,
  enabled: boolean,
): { update(p: Omit<RenderProgress, "stage">): void; done(): void } {
  let lastLine = 0;
  let drawn = false;
  return {
    update(p) {
      if (!enabled) return;
      const pct = p.framesTotal ? p.framesDone / p.framesTotal : 0;
      const eta = Number.isFinite(p.etaSec) ? `${Math.round(p.etaSec)}s` : "?";
      const text = `${label} ${p.framesDone}/${p.framesTotal} frames  ${p.fps.toFixed(1)} fps  ETA ${eta}`;
      if (sink.isTTY) {
        const width = 24;
        const fill = Math.round(pct * width);
        sink.write(`\r[${"#".repeat(fill)}${".".repeat(width - fill)}] ${text}\x1b[K`);
        drawn = true;
      } else if (Date.now() - lastLine > 5000 || p.framesDone === p.framesTotal) {
        lastLine = Date.now();
        sink.write(`${text}\n`);
      }
    },
    done() {
      if (drawn) sink.write("\n");
    },
  };
}
