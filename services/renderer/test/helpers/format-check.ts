// Renders `frames` frames of a format and checks the MP4 the way YouTube ingest and a hardware
// decoder would (the stream fits the H.264 level it declares); returns the file and its level_idc.
import { join } from "node:path";
import { RENDER_FORMATS, type RenderFormatName } from "@efs/core/formats";
import { expect } from "vitest";
import { readSphericalMetadata } from "../../src/mp4/spherical";
import { renderVideo } from "../../src/render";
import { expectConformsToLevel } from "./level-check";
import { makeAudio, probe, topLevelTypes } from "./media";

export async function renderAndCheck(
  dir: string,
  name: RenderFormatName,
  fps: 30 | 60,
  frames: number,
): Promise<{ out: string; level: number }> {
  const f = RENDER_FORMATS[name];
  const seconds = frames / fps;
  const audio = makeAudio(join(dir, `${name}-${fps}.wav`), seconds);
  const out = join(dir, `${name}-${fps}.mp4`);
  await renderVideo({
    audioPath: audio,
    preset: "ethereal-flame",
    format: name,
    fps,
    out,
    cacheDir: false,
  });
  const p = probe(out);
  expect(p.video).toMatchObject({
    codec_name: "h264",
    profile: "High",
    width: f.width,
    height: f.height,
    pix_fmt: "yuv420p",
  });
  expect(p.audio).toMatchObject({ codec_name: "aac", sample_rate: "48000" });
  const level = expectConformsToLevel(p.video, { bitrate: frames >= fps });
  expect(Math.abs(Number(p.video.duration) - seconds)).toBeLessThanOrEqual(1 / fps + 1e-3);
  expect(Math.abs(p.durationSec - seconds)).toBeLessThanOrEqual(1 / fps + 1e-3);
  const types = topLevelTypes(out);
  expect(types.indexOf("moov")).toBeLessThan(types.indexOf("mdat"));
  const sph = await readSphericalMetadata(out);
  if (f.projection === "equirect") {
    expect(sph).toMatchObject({ projection: "equirectangular", stereoMode: f.stereo });
    expect(sph?.v1).toMatchObject({ projection: "equirectangular", stereoMode: f.stereo });
    expect(JSON.stringify(p.video.side_data_list)).toMatch(/Spherical Mapping/);
  } else {
    expect(sph).toBeNull();
  }
  return { out, level };
}
