// What the pages say: render titles and file names, lengths, sizes, time left, and what a
// deletion will do.
import { describe, expect, it } from "vitest";
import { describePlan, formatBytes, formatLength, timeLeft } from "../../lib/client/words";
import type { DeletionPlan } from "../../lib/jobs/delete";
import { fileNameFor, formatLabel, renderTitle } from "../../lib/jobs/render-names";

describe("render names", () => {
  it("titles a render after its track, preset and format, and names its file from that", () => {
    const title = renderTitle("song", "ethereal-flame", "flat-1080p-landscape");
    expect(title).toBe("song · Ethereal Flame · 1080p landscape");
    expect(fileNameFor(title, ".mp4")).toBe("song-ethereal-flame-1080p-landscape.mp4");
    expect(fileNameFor(renderTitle("Café Ünïcode!", "aurora", "360-stereo-8k"), ".mp4")).toBe(
      "cafe-unicode-aurora-360-3d-8k.mp4",
    );
    expect(fileNameFor("夜の曲 · Aurora", ".mp4")).toBe("夜の曲-aurora.mp4");
    expect(fileNameFor("···", ".mp4")).toBe("render.mp4");
  });

  it("labels every format in words, and a new one by its name", () => {
    expect(formatLabel("preview-360p")).toBe("360p preview");
    expect(formatLabel("flat-4k-portrait")).toBe("4K portrait");
    expect(formatLabel("360-mono-8k")).toBe("360° 8K");
    expect(formatLabel("360-stereo-5.7k")).toBe("360° stereo 5.7K");
  });
});

describe("lengths, sizes and time left", () => {
  it("shows a sub-second track's length in tenths instead of 0:00", () => {
    expect(formatLength(0.43)).toBe("0.4 s");
    expect(formatLength(0.04)).toBe("0.1 s");
    expect(formatLength(83.4)).toBe("1:23");
    expect(formatLength(0)).toBe("0:00");
  });

  it("sizes in decimal units and time left in the largest useful unit", () => {
    expect(formatBytes(0)).toBe("0 B");
    expect(formatBytes(1536)).toBe("1.5 KB");
    expect(formatBytes(23_400_000)).toBe("23 MB");
    expect(timeLeft(42.4)).toBe("about 42 s left");
    expect(timeLeft(130)).toBe("about 2 min left");
    expect(timeLeft(4000)).toBe("about 1 h 7 min left");
  });
});

describe("the deletion confirmation", () => {
  const job = (type: "ingest" | "render", title: string) => ({
    id: `job_${title}`,
    type,
    title,
    status: "complete" as const,
  });
  const plan = (p: Partial<DeletionPlan>): DeletionPlan => ({
    job: job("ingest", "song"),
    cancelsRunning: false,
    renders: [],
    previews: [],
    keptSavedEdits: [],
    storage: { objects: 6, bytes: 791_000 },
    ...p,
  });

  it("says what goes with a track, what stays, and what is stopped", () => {
    expect(
      describePlan(
        plan({
          renders: [job("render", "a"), job("render", "b")],
          previews: [{ ...job("ingest", "p"), type: "preview" }],
          keptSavedEdits: [{ ...job("ingest", "song (edited)"), type: "save" }],
          cancelsRunning: true,
        }),
      ),
    ).toEqual([
      "This deletes the track and everything made from it: its 2 renders and 1 edit preview.",
      "1 saved edit made from it stays in your library as a track of its own: “song (edited)”.",
      "Work still running on it is stopped first.",
      "Frees 791 KB (6 files). This cannot be undone.",
    ]);
    expect(describePlan(plan({}))[0]).toBe(
      "This deletes the track. Nothing else was made from it.",
    );
    expect(describePlan(plan({ job: job("render", "r") }))[0]).toBe(
      "This deletes the video and its thumbnail.",
    );
  });
});
