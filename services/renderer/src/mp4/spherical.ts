// Spherical video metadata (google/spatial-media RFCs), both versions: V2's `st3d` + `sv3d`
// boxes appended to the video sample entry (avc1), and V1's XML `uuid` box in the video `trak`
// for older players. Parent sizes are recomputed and, when moov precedes mdat (+faststart),
// every stco/co64 chunk offset is shifted by the bytes added.
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
  /** The V1 XML's fields, or null when the track has no V1 box. */
  v1: { projection: string; stereoMode: StereoMode; stitchingSoftware: string } | null;
}

const SOFTWARE = "Ethereal Flame Studio";

// V1: a `uuid` box with this UUID, then the XML (docs/spherical-video-rfc.md).
const V1_UUID = Buffer.from("ffcc8263f8554a938814587a02521fdd", "hex");

function v1Box(stereo: StereoMode): Box {
  const xml = [
    '<?xml version="1.0"?>',
    '<rdf:SphericalVideo xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:GSpherical="http://ns.google.com/videos/1.0/spherical/">',
    "<GSpherical:Spherical>true</GSpherical:Spherical>",
    "<GSpherical:Stitched>true</GSpherical:Stitched>",
    `<GSpherical:StitchingSoftware>${SOFTWARE}</GSpherical:StitchingSoftware>`,
    "<GSpherical:ProjectionType>equirectangular</GSpherical:ProjectionType>",
    // Optional, "mono" by default; the reference injector writes it only for stereo.
    ...(stereo === "mono" ? [] : [`<GSpherical:StereoMode>${stereo}</GSpherical:StereoMode>`]),
    "</rdf:SphericalVideo>",
  ].join("");
  return leaf("uuid", Buffer.concat([V1_UUID, Buffer.from(xml, "utf8")]));
}

const isV1 = (b: Box) => b.type === "uuid" && b.payload.subarray(0, 16).equals(V1_UUID);

function readV1(trak: Box): SphericalInfo["v1"] {
  const box = (trak.children ?? []).find(isV1);
  if (!box) return null;
  const xml = box.payload.toString("utf8", 16);
  const tag = (name: string) =>
    new RegExp(`<GSpherical:${name}>([^<]*)</GSpherical:${name}>`).exec(xml)?.[1];
  const stereo = tag("StereoMode") ?? "mono";
  return {
    projection: tag("ProjectionType") ?? "",
    stereoMode: stereo in STEREO_CODES ? (stereo as StereoMode) : "mono",
    stitchingSoftware: tag("StitchingSoftware") ?? "",
  };
}

function sphericalBoxes(stereo: StereoMode): Box[] {
  const st3d = leaf("st3d", fullBoxPayload(0, 0, Buffer.from([STEREO_CODES[stereo]])));
  const svhd = leaf("svhd", fullBoxPayload(0, 0, Buffer.from(`${SOFTWARE}\0`, "utf8")));
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

function videoTracks(moovChildren: Box[]): Box[] {
  return findAll(moovChildren, "trak").filter(
    (trak) => findAll(trak.children ?? [], "hdlr")[0]?.payload.toString("latin1", 8, 12) === "vide",
  );
}

function sampleEntries(trak: Box): Box[] {
  return findAll(trak.children ?? [], "stsd")
    .flatMap((s) => s.children ?? [])
    .filter((e) => e.type === "avc1" || e.type === "avc3");
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
  const tracks = videoTracks(children).filter((t) => sampleEntries(t).length > 0);
  if (tracks.length === 0)
    throw new Error(`${input} has no H.264 video sample entry to tag as 360`);
  for (const trak of tracks) {
    for (const e of sampleEntries(trak)) {
      e.children = (e.children ?? []).filter((c) => c.type !== "st3d" && c.type !== "sv3d");
      e.children.push(...sphericalBoxes(opts.stereo));
    }
    trak.children = [...(trak.children ?? []).filter((c) => !isV1(c)), v1Box(opts.stereo)];
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

// Reads spherical metadata back from a file (V2, plus V1 when present), or null when the
// video track has no V2 metadata.
export async function readSphericalMetadata(path: string): Promise<SphericalInfo | null> {
  const { children } = await loadMoov(path);
  const trak = videoTracks(children)[0];
  const entry = trak ? sampleEntries(trak)[0] : undefined;
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
    v1: trak ? readV1(trak) : null,
  };
}
