import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { injectSphericalMetadata, readSphericalMetadata } from "../src/mp4/spherical";
import { probe, topLevelTypes } from "./helpers/media";

const dir = mkdtempSync(join(tmpdir(), "efs-sph-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function makeMp4(name: string, faststart: boolean): string {
  const out = join(dir, name);
  execFileSync("ffmpeg", [
    ...["-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=256x128:rate=30:duration=1"],
    ...["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=1"],
    ...["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac"],
    ...(faststart ? ["-movflags", "+faststart"] : []),
    out,
  ]);
  return out;
}

const framemd5 = (p: string) =>
  execFileSync("ffmpeg", ["-v", "error", "-i", p, "-map", "0:v", "-f", "framemd5", "-"])
    .toString()
    .split("\n")
    .filter((l) => !l.startsWith("#"));

// A copy of `path` whose boxes of these types are renamed in place (sizes and offsets kept), so
// a reader no longer recognises them.
function hideBoxes(path: string, out: string, types: string[]): string {
  const b = readFileSync(path);
  for (const t of types) {
    const at = b.indexOf(Buffer.from(t, "latin1"));
    expect(at).toBeGreaterThan(0);
    b.write(`x${t.slice(1)}`, at, "latin1");
  }
  writeFileSync(out, b);
  return out;
}

describe("spherical video metadata (V2 and V1)", () => {
  it("injects st3d/sv3d into avc1 of a faststart MP4, reads them back, and keeps every sample decodable", async () => {
    const src = makeMp4("src.mp4", true);
    const out = join(dir, "360.mp4");
    await injectSphericalMetadata(src, out, { stereo: "top-bottom" });
    expect(await readSphericalMetadata(src)).toBeNull();
    expect(await readSphericalMetadata(out)).toEqual({
      stereoMode: "top-bottom",
      projection: "equirectangular",
      metadataSource: "Ethereal Flame Studio",
      pose: { yaw: 0, pitch: 0, roll: 0 },
      bounds: { top: 0, bottom: 0, left: 0, right: 0 },
      v1: {
        projection: "equirectangular",
        stereoMode: "top-bottom",
        stitchingSoftware: "Ethereal Flame Studio",
      },
    });
    // ffmpeg's own parser sees it too (independent of ours).
    const side = JSON.stringify(probe(out).video.side_data_list ?? []);
    expect(side).toMatch(/Spherical Mapping/);
    expect(side).toMatch(/equirectangular/);
    expect(side).toMatch(/Stereo 3D/);
    // Chunk offsets were shifted: the decoded frames are bit-identical to the source.
    expect(framemd5(out)).toEqual(framemd5(src));
    const types = topLevelTypes(out);
    expect(types.indexOf("moov")).toBeLessThan(types.indexOf("mdat"));
  });

  it("writes V1 for older players: ffprobe reads the projection and stereo mode from it alone", async () => {
    const src = makeMp4("v1src.mp4", true);
    const out = join(dir, "v1-360.mp4");
    await injectSphericalMetadata(src, out, { stereo: "top-bottom" });
    // V2 hidden: what ffprobe reports now comes from the V1 XML box.
    const v1Only = hideBoxes(out, join(dir, "v1-only.mp4"), ["st3d", "sv3d"]);
    const side = JSON.stringify(probe(v1Only).video.side_data_list ?? []);
    expect(side).toMatch(/"projection":"equirectangular"/);
    expect(side).toMatch(/"type":"top and bottom"/);
    // And with neither, nothing: the check above cannot pass by accident.
    const none = readFileSync(v1Only);
    none[none.indexOf(Buffer.from("ffcc8263f8554a938814587a02521fdd", "hex"))] = 0;
    writeFileSync(join(dir, "none.mp4"), none);
    expect(probe(join(dir, "none.mp4")).video.side_data_list).toBeUndefined();
    expect(framemd5(v1Only)).toEqual(framemd5(src));
  });

  it("handles moov after mdat (no offset shift needed) and mono stereo mode", async () => {
    const src = makeMp4("tail.mp4", false);
    const out = join(dir, "tail-360.mp4");
    await injectSphericalMetadata(src, out, { stereo: "mono" });
    const info = await readSphericalMetadata(out);
    expect(info?.stereoMode).toBe("mono");
    expect(info?.v1).toMatchObject({ projection: "equirectangular", stereoMode: "mono" });
    expect(framemd5(out)).toEqual(framemd5(src));
  });

  it("refuses a file without a video track, naming it", async () => {
    const src = join(dir, "audio-only.mp4");
    execFileSync("ffmpeg", [
      "-v",
      "error",
      "-y",
      "-f",
      "lavfi",
      "-i",
      "sine=duration=0.2",
      "-c:a",
      "aac",
      src,
    ]);
    await expect(
      injectSphericalMetadata(src, join(dir, "x.mp4"), { stereo: "mono" }),
    ).rejects.toThrow(/audio-only\.mp4 has no H\.264 video/);
  });
});
