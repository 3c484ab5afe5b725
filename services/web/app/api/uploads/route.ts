// POST /api/uploads {filename, contentType, size}: a signed PUT the browser uploads to directly
// (R2 or the local storage route); the server picks the key and the signature caps the size.
// Confirm with POST /api/jobs {type:"ingest", source:{kind:"upload", key}}.
import { z } from "zod";
import { readJson } from "../../../lib/api/body";
import { ApiError, json } from "../../../lib/api/errors";
import { route } from "../../../lib/api/route";
import { validate } from "../../../lib/api/validate";
import { MAX_UPLOAD_BYTES, UPLOAD_CONTENT_TYPES, UPLOAD_URL_TTL_SEC } from "../../../lib/limits";
import { newUploadKey } from "../../../lib/uploads";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const schema = z
  .object({
    filename: z.string({ required_error: "is required" }).min(1).max(255),
    contentType: z.string({ required_error: "is required" }).min(1).max(100),
    size: z.number({ required_error: "is required (bytes)" }).int().min(1, "the file is empty"),
  })
  .strict();

export const POST = route("studio", async (req, ctx) => {
  const input = validate(schema, await readJson(req));
  const contentType = input.contentType.toLowerCase();
  if (!UPLOAD_CONTENT_TYPES.includes(contentType)) {
    throw new ApiError(
      415,
      "unsupported_media_type",
      `contentType: "${input.contentType}" is not an audio or video type this studio prepares; upload MP3, WAV, FLAC, OGG, M4A/AAC, AIFF, WebM, MP4, MOV or MKV.`,
    );
  }
  if (input.size > MAX_UPLOAD_BYTES) {
    throw new ApiError(
      413,
      "payload_too_large",
      `size: ${input.size} bytes is over the ${MAX_UPLOAD_BYTES / 1024 / 1024} MiB upload limit; trim the file or paste a URL instead.`,
    );
  }
  const key = newUploadKey(input.filename);
  const upload = await ctx.storage.signPutUrl(key, {
    expiresInSec: UPLOAD_URL_TTL_SEC,
    contentType,
    maxBytes: MAX_UPLOAD_BYTES,
    contentLength: input.size,
  });
  return json({ key, upload }, { status: 201 });
});
