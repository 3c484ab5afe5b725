// GET /api/usage: storage used by the studio, objects and bytes, in total and per kind
// (uploads, prepared audio, edit previews, renders, other).
import { ALLOWED_PREFIXES } from "@efs/core/storage/keys";
import { json } from "../../../lib/api/errors";
import { route } from "../../../lib/api/route";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const KINDS: Record<string, string> = {
  "uploads/": "uploads",
  "audio/": "audio",
  "previews/": "previews",
  "renders/": "renders",
};

export const GET = route("studio", async (_req, ctx) => {
  const byKind: Record<string, { objects: number; bytes: number }> = {
    uploads: { objects: 0, bytes: 0 },
    audio: { objects: 0, bytes: 0 },
    previews: { objects: 0, bytes: 0 },
    renders: { objects: 0, bytes: 0 },
    other: { objects: 0, bytes: 0 },
  };
  for (const prefix of ALLOWED_PREFIXES) {
    const kind = byKind[KINDS[prefix] ?? "other"]!;
    for await (const o of ctx.storage.list(prefix)) {
      kind.objects++;
      kind.bytes += o.size;
    }
  }
  const all = Object.values(byKind);
  return json({
    objects: all.reduce((n, k) => n + k.objects, 0),
    bytes: all.reduce((n, k) => n + k.bytes, 0),
    byKind,
  });
});
