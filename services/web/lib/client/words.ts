// Numbers and plans in the words the studio's pages use (pure functions, no React).
import type { DeletionPlan } from "../jobs/delete";

// 83.4 → "1:23" (a position or a length).
export function formatTime(sec: number): string {
  const s = Math.max(0, Math.round(sec));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

// A track's length: "1:23", and under a second in tenths, 0.43 → "0.4 s" (not "0:00").
export function formatLength(sec: number): string {
  if (sec > 0 && sec < 0.95) return `${Math.max(0.1, Math.round(sec * 10) / 10).toFixed(1)} s`;
  return formatTime(sec);
}

// 1536 → "1.5 KB", 23_400_000 → "23.4 MB".
export function formatBytes(n: number): string {
  if (n < 1000) return `${n} B`;
  const units = ["KB", "MB", "GB", "TB"];
  let v = n;
  let i = -1;
  do {
    v /= 1000;
    i++;
  } while (v >= 1000 && i < units.length - 1);
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

// 42 → "about 42 s left", 130 → "about 3 min left", 4000 → "about 1 h 7 min left".
export function timeLeft(sec: number): string {
  const s = Math.max(0, Math.round(sec));
  if (s < 60) return `about ${s} s left`;
  const min = Math.round(s / 60);
  if (min < 60) return `about ${min} min left`;
  return `about ${Math.floor(min / 60)} h ${min % 60} min left`;
}

const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

// The plan in plain words, one sentence per consequence.
export function describePlan(plan: DeletionPlan): string[] {
  const isTrack = plan.job.type === "ingest" || plan.job.type === "save";
  const lines: string[] = [];
  if (isTrack) {
    const also = [
      plan.renders.length ? count(plan.renders.length, "render", "renders") : null,
      plan.previews.length ? count(plan.previews.length, "edit preview", "edit previews") : null,
    ].filter(Boolean);
    lines.push(
      also.length
        ? `This deletes the track and everything made from it: its ${also.join(" and ")}.`
        : "This deletes the track. Nothing else was made from it.",
    );
    if (plan.keptSavedEdits.length) {
      const names = plan.keptSavedEdits.map((s) => `“${s.title}”`).join(", ");
      lines.push(
        `${count(plan.keptSavedEdits.length, "saved edit", "saved edits")} made from it ${plan.keptSavedEdits.length === 1 ? "stays in your library as a track of its own" : "stay in your library as tracks of their own"}: ${names}.`,
      );
    }
  } else if (plan.job.type === "render") {
    lines.push("This deletes the video and its thumbnail.");
  }
  if (plan.cancelsRunning) lines.push("Work still running on it is stopped first.");
  lines.push(
    `Frees ${formatBytes(plan.storage.bytes)} (${count(plan.storage.objects, "file", "files")}). This cannot be undone.`,
  );
  return lines;
}
