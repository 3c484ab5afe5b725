// Render output formats: names are part of the wire contract (web → worker → renderer/Modal).

export interface RenderFormat {
  readonly name: string;
  readonly width: number;
  readonly height: number;
  readonly projection: "flat" | "equirect";
  readonly stereo: "mono" | "top-bottom";
  /** Video bitrate in kb/s at 30 fps (60 fps uses 1.5×). */
  readonly videoKbps: number;
  /** True when a GPU is preferred in the cloud. */
  readonly gpu: boolean;
}

const f = (x: RenderFormat): RenderFormat => Object.freeze(x);

export const RENDER_FORMATS = Object.freeze({
  "preview-360p": f({
    name: "preview-360p",
    width: 640,
    height: 360,
    projection: "flat",
    stereo: "mono",
    videoKbps: 1_000,
    gpu: false,
  }),
  "flat-1080p-landscape": f({
    name: "flat-1080p-landscape",
    width: 1920,
    height: 1080,
    projection: "flat",
    stereo: "mono",
    videoKbps: 8_000,
    gpu: false,
  }),
  "flat-1080p-portrait": f({
    name: "flat-1080p-portrait",
    width: 1080,
    height: 1920,
    projection: "flat",
    stereo: "mono",
    videoKbps: 8_000,
    gpu: false,
  }),
  "flat-1080p-square": f({
    name: "flat-1080p-square",
    width: 1080,
    height: 1080,
    projection: "flat",
    stereo: "mono",
    videoKbps: 6_000,
    gpu: false,
  }),
  "flat-4k-landscape": f({
    name: "flat-4k-landscape",
    width: 3840,
    height: 2160,
    projection: "flat",
    stereo: "mono",
    videoKbps: 40_000,
    gpu: true,
  }),
  "flat-4k-portrait": f({
    name: "flat-4k-portrait",
    width: 2160,
    height: 3840,
    projection: "flat",
    stereo: "mono",
    videoKbps: 40_000,
    gpu: true,
  }),
  "360-mono-4k": f({
    name: "360-mono-4k",
    width: 4096,
    height: 2048,
    projection: "equirect",
    stereo: "mono",
    videoKbps: 40_000,
    gpu: true,
  }),
  "360-mono-8k": f({
    name: "360-mono-8k",
    width: 7680,
    height: 3840,
    projection: "equirect",
    stereo: "mono",
    videoKbps: 100_000,
    gpu: true,
  }),
  // Two 5760×2880 eyes, top-bottom: 129,600 macroblocks, inside H.264 level 6's 139,264 (a
  // 7680×7680 frame has 230,400 and no decoder has to accept it). docs/rendering.md "360°".
  "360-stereo-8k": f({
    name: "360-stereo-8k",
    width: 5760,
    height: 5760,
    projection: "equirect",
    stereo: "top-bottom",
    videoKbps: 120_000,
    gpu: true,
  }),
} as const);

export type RenderFormatName = keyof typeof RENDER_FORMATS;
export const RENDER_FORMAT_NAMES = Object.keys(RENDER_FORMATS) as RenderFormatName[];
export const RENDER_FPS = [30, 60] as const;

export function isRenderFormat(name: unknown): name is RenderFormatName {
  return typeof name === "string" && Object.hasOwn(RENDER_FORMATS, name);
}
