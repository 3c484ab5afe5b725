// Spherical Video V2 metadata (google/spatial-media RFC): `st3d` + `sv3d` boxes appended to
// the video sample entry (avc1). Parent sizes are recomputed and, when moov precedes mdat
// (+faststart), every stco/co64 chunk offset is shifted by the bytes added.
import { createReadStream, createWriteStream } from "node:fs";
import { open, stat } from "node:fs/promises";
import { pipeline } from "node:stream/promises";
import {
  type Box,
  findAll,
  fullBoxPayload,
  leaf,
  parseBoxes,
  topLevelBoxes,
  writeBox,
} from "./boxes";

export type StereoMode = "mono" | "top-bottom" | "left-right";
const STEREO_CODES: Record<StereoMode, number> = { mono: 0, "top-bottom": 1, "left-right": 2 };

export interface SphericalInfo {
  stereoMode: StereoMode;
  projection: "equirectangular";
  metadataSource: string;
  pose: { yaw: number; pitch: number; roll: number };
  bounds: { top: number; bottom: number; left: number; right: number };
}

function sphericalBoxes(stereo: StereoMode): Box[] {
  const st3d = leaf("st3d", fullBoxPayload(0, 0, Buffer.from([STEREO_CODES[stereo]])));
  const svhd = leaf("svhd", fullBoxPayload(0, 0, Buffer.from("Ethereal Flame Studio\0", "utf8")));
  const prhd = leaf("prhd", fullBoxPayload(0, 0, Buffer.alloc(12)));
  const equi = leaf("equi", fullBoxPayload(0, 0, Buffer.alloc(16)));
  const proj: Box = {
    type: "proj",
    prefix: Buffer.alloc(0),
    children: [prhd, equi],
    payload: Buffer.alloc(0),
  };
  const sv3d: Box = {
    type: "sv3d",
    prefix: Buffer.alloc(0),
    children: [svhd, proj],
    payload: Buffer.alloc(0),
  };
  return [st3d, sv3d];
}

function videoSampleEntries(moovChildren: Box[]): Box[] {
  return findAll(moovChildren, "trak").flatMap((trak) => {
    const hdlr = findAll(trak.children ?? [], "hdlr")[0];
    if (hdlr?.payload.toString("latin1", 8, 12) !== "vide") return [];
    return findAll(trak.children ?? [], "stsd")
      .flatMap((s) => s.children ?? [])
      .filter((e) => e.type === "avc1" || e.type === "avc3");
  });
}

function shiftChunkOffsets(moovChildren: Box[], delta: number): void {
  for (const b of findAll(moovChildren, "stco")) {
    const n = b.payload.readUInt32BE(4);
    for (let i = 0; i < n; i++)
      b.payload.writeUInt32BE(b.payload.readUInt32BE(8 + 4 * i) + delta, 8 + 4 * i);
  }
  for (const b of findAll(moovChildren, "co64")) {
    const n = b.payload.readUInt32BE(4);
    for (let i = 0; i < n; i++)
      b.payload.writeBigUInt64BE(b.payload.readBigUInt64BE(8 + 8 * i) + BigInt(delta), 8 + 8 * i);
  }
}

async function loadMoov(path: string) {
  const size = (await stat(path)).size;
  const fh = await open(path, "r");
  try {
    const top = await topLevelBoxes(fh, size);
    const moov = top.find((b) => b.type === "moov");
    if (!moov) throw new Error(`${path} has no moov box (not an MP4?)`);
    const buf = Buffer.alloc(moov.size - moov.headerSize);
    await fh.read(buf, 0, buf.length, moov.offset + moov.headerSize);
    return { size, top, moov, children: parseBoxes(buf) };
  } finally {
    await fh.close();
  }
}

// Writes `out` = `input` with V2 spherical metadata on the video track (input is untouched).
export async function injectSphericalMetadata(
  input: string,
  out: string,
  opts: { stereo: StereoMode },
): Promise<void> {
  const { top, moov, children } = await loadMoov(input);
  const entries = videoSampleEntries(children);
  if (entries.length === 0)
    throw new Error(`${input} has no H.264 video sample entry to tag as 360`);
  for (const e of entries) {
    e.children = (e.children ?? []).filter((c) => c.type !== "st3d" && c.type !== "sv3d");
    e.children.push(...sphericalBoxes(opts.stereo));
  }
  let newMoov = writeBox({
    type: "moov",
    prefix: Buffer.alloc(0),
    children,
    payload: Buffer.alloc(0),
  });
  const delta = newMoov.length - moov.size;
  const mdatAfter = top.some((b) => b.type === "mdat" && b.offset > moov.offset);
  if (mdatAfter && delta !== 0) {
    shiftChunkOffsets(children, delta);
    newMoov = writeBox({
      type: "moov",
      prefix: Buffer.alloc(0),
      children,
      payload: Buffer.alloc(0),
    });
  }
  const ws = createWriteStream(out);
  try {
    for (const b of top) {
      if (b === moov) {
        if (!ws.write(newMoov)) await new Promise<void>((r) => ws.once("drain", () => r()));
      } else {
        await pipeline(
          createReadStream(input, { start: b.offset, end: b.offset + b.size - 1 }),
          ws,
          { end: false },
        );
      }
    }
  } finally {
    await new Promise<void>((resolve, reject) =>
      ws.end((e?: Error | null) => (e ? reject(e) : resolve())),
    );
  }
}

// Reads V2 spherical metadata back from a file, or null when the video track has none.
export async function readSphericalMetadata(path: string): Promise<SphericalInfo | null> {
  const { children } = await loadMoov(path);
  const entry = videoSampleEntries(children)[0];
  const kids = entry?.children ?? [];
  const sv3d = kids.find((c) => c.type === "sv3d");
  if (!sv3d) return null;
  const st3d = kids.find((c) => c.type === "st3d");
  const code = st3d ? st3d.payload.readUInt8(4) : 0;
  const stereoMode =
    (Object.keys(STEREO_CODES) as StereoMode[]).find((k) => STEREO_CODES[k] === code) ?? "mono";
  const svhd = findAll([sv3d], "svhd")[0];
  const prhd = findAll([sv3d], "prhd")[0];
  const equi = findAll([sv3d], "equi")[0];
  if (!prhd || !equi)
    throw new Error(`${path}: sv3d has no proj/prhd/equi (only equirectangular is supported)`);
  const fx = (b: Buffer, o: number) => b.readInt32BE(o) / 65536;
  const u32 = (b: Buffer, o: number) => b.readUInt32BE(o) / 2 ** 32;
  return {
    stereoMode,
    projection: "equirectangular",
    metadataSource: svhd ? svhd.payload.toString("utf8", 4).replace(/\0+$/, "") : "",
    pose: { yaw: fx(prhd.payload, 4), pitch: fx(prhd.payload, 8), roll: fx(prhd.payload, 12) },
    bounds: {
      top: u32(equi.payload, 4),
      bottom: u32(equi.payload, 8),
      left: u32(equi.payload, 12),
      right: u32(equi.payload, 16),
    },
  };
}
