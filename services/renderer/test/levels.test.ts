import { RENDER_FORMATS, RENDER_FPS } from "@efs/core/formats";
import { describe, expect, it } from "vitest";
import { chunkLevel, vbv } from "../src/ffmpeg";
import { avcHighCodec } from "../src/page/avc-level";
import { expectConformsToLevel } from "./helpers/level-check";

// Every format's stream must fit the H.264 level it declares (players and headsets refuse or
// mis-decode streams beyond it); the check uses its own copy of the spec's Table A-1.
describe("H.264 levels", () => {
  for (const f of Object.values(RENDER_FORMATS)) {
    for (const fps of RENDER_FPS) {
      it(`${f.name} at ${fps} fps fits the level it declares, VBV included`, () => {
        const kbps = f.videoKbps * (fps === 60 ? 1.5 : 1);
        const level = chunkLevel({ width: f.width, height: f.height, fps, videoKbps: kbps });
        expectConformsToLevel(
          {
            width: f.width,
            height: f.height,
            level: level.idc,
            refs: 1,
            r_frame_rate: `${fps}/1`,
            bit_rate: String(vbv(kbps).maxKbps * 1000),
          } as Parameters<typeof expectConformsToLevel>[0],
          { bitrate: true },
        );
        expect(vbv(kbps).bufKbit).toBeLessThanOrEqual(level.maxCpbKbit);
      });
    }
  }

  it("stereo 360 is level 6.0 at 30 fps and 6.1 at 60", () => {
    const s = RENDER_FORMATS["360-stereo-8k"];
    expect(chunkLevel({ ...s, fps: 30, videoKbps: s.videoKbps }).idc).toBe(60);
    expect(chunkLevel({ ...s, fps: 60, videoKbps: s.videoKbps * 1.5 }).idc).toBe(61);
  });

  it("refuses a frame no level holds (7680×7680: 230,400 macroblocks), naming the fix", () => {
    expect(() => chunkLevel({ width: 7680, height: 7680, fps: 30, videoKbps: 140_000 })).toThrow(
      /7680×7680 at 30 fps and 140000 kb\/s exceeds H\.264 level 6\.2, the largest there is; render a smaller size/,
    );
  });

  it("gives WebCodecs the codec string of the smallest level from 4.0 to 5.2, else none", () => {
    expect(avcHighCodec(640, 360, 30)).toBe("avc1.640028");
    expect(avcHighCodec(1920, 1080, 60)).toBe("avc1.64002a");
    expect(avcHighCodec(3840, 2160, 30)).toBe("avc1.640033");
    expect(avcHighCodec(3840, 2160, 60)).toBe("avc1.640034");
    expect(avcHighCodec(7680, 3840, 30)).toBeNull();
  });
});
