import type { FileHandle } from "node:fs/promises";
// Minimal ISO-BMFF box tree: parses the containers on the path to the video sample entry and
// keeps everything else as opaque bytes, so a box can be added and the tree written back.

export interface Box {
  type: string;
  /** Bytes between the header and the children (FullBox fields, sample-entry fields). */
  prefix: Buffer;
  /** Parsed children, or null for a leaf kept as `payload`. */
  children: Box[] | null;
  payload: Buffer;
}

const CONTAINERS = new Set([
  "moov",
  "trak",
  "mdia",
  "minf",
  "stbl",
  "edts",
  "dinf",
  "sv3d",
  "proj",
]);
/** Bytes of fields before child boxes, for boxes that have both. */
const PREFIX: Record<string, number> = { stsd: 8, avc1: 78, avc3: 78 };

export interface TopLevelBox {
  type: string;
  offset: number;
  size: number;
  headerSize: number;
}

// Reads the top-level box layout of a file from each box header (size 0 = to end of file).
export async function topLevelBoxes(fh: FileHandle, fileSize: number): Promise<TopLevelBox[]> {
  const out: TopLevelBox[] = [];
  const h = Buffer.alloc(16);
  let off = 0;
  while (off + 8 <= fileSize) {
    h.fill(0);
    await fh.read(h, 0, Math.min(16, fileSize - off), off);
    let size = h.readUInt32BE(0);
    const type = h.toString("latin1", 4, 8);
    let headerSize = 8;
    if (size === 1) {
      size = Number(h.readBigUInt64BE(8));
      headerSize = 16;
    } else if (size === 0) {
      size = fileSize - off;
    }
    if (size < headerSize || off + size > fileSize)
      throw new Error(`corrupt MP4: box "${type}" at byte ${off} has size ${size}`);
    out.push({ type, offset: off, size, headerSize });
    off += size;
  }
  return out;
}

// Parses the children of a buffer holding a sequence of boxes.
export function parseBoxes(buf: Buffer): Box[] {
  const out: Box[] = [];
  let off = 0;
  while (off + 8 <= buf.length) {
    let size = buf.readUInt32BE(off);
    const type = buf.toString("latin1", off + 4, off + 8);
    let header = 8;
    if (size === 1) {
      size = Number(buf.readBigUInt64BE(off + 8));
      header = 16;
    } else if (size === 0) size = buf.length - off;
    if (size < header || off + size > buf.length)
      throw new Error(`corrupt MP4: box "${type}" overruns its parent`);
    const body = buf.subarray(off + header, off + size);
    const pre = PREFIX[type] ?? 0;
    if (CONTAINERS.has(type) || pre > 0) {
      out.push({
        type,
        prefix: body.subarray(0, pre),
        children: parseBoxes(body.subarray(pre)),
        payload: Buffer.alloc(0),
      });
    } else {
      out.push({ type, prefix: Buffer.alloc(0), children: null, payload: body });
    }
    off += size;
  }
  return out;
}

// Serialises a box (sizes recomputed from the content).
export function writeBox(b: Box): Buffer {
  const body = b.children
    ? Buffer.concat([b.prefix, ...b.children.map(writeBox)])
    : Buffer.concat([b.prefix, b.payload]);
  const header = Buffer.alloc(8);
  header.writeUInt32BE(8 + body.length, 0);
  header.write(b.type, 4, "latin1");
  return Buffer.concat([header, body]);
}

// Depth-first search for boxes of a type.
export function findAll(boxes: Box[], type: string): Box[] {
  const out: Box[] = [];
  for (const b of boxes) {
    if (b.type === type) out.push(b);
    if (b.children) out.push(...findAll(b.children, type));
  }
  return out;
}

// A leaf box from its type and payload.
export function leaf(type: string, payload: Buffer): Box {
  return { type, prefix: Buffer.alloc(0), children: null, payload };
}

// A FullBox payload: version (1 byte) + flags (3 bytes) + body.
export function fullBoxPayload(version: number, flags: number, body: Buffer): Buffer {
  const vf = Buffer.alloc(4);
  vf.writeUInt32BE(((version & 0xff) << 24) | (flags & 0xffffff));
  return Buffer.concat([vf, body]);
}
