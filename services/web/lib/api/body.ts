// Reads a JSON request body with a hard byte limit, so no route buffers more than it allows.
import { ApiError } from "./errors";

/** Default limit for small JSON bodies (job creation, unlock). */
const DEFAULT_JSON_LIMIT = 16 * 1024;

// Parses the body as JSON after checking its content type and size; throws ApiError otherwise.
export async function readJson(req: Request, limitBytes = DEFAULT_JSON_LIMIT): Promise<unknown> {
  const type = req.headers.get("content-type") ?? "";
  if (!/^application\/json\b/i.test(type.trim())) {
    throw new ApiError(
      415,
      "unsupported_media_type",
      `Send the body as JSON with "Content-Type: application/json" (got ${type ? `"${type}"` : "none"}).`,
    );
  }
  const text = await readText(req, limitBytes);
  if (text.trim() === "")
    throw new ApiError(400, "malformed_json", "The request body is empty; send a JSON object.");
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ApiError(400, "malformed_json", "The request body is not valid JSON.");
  }
}

// The body as UTF-8 text, refusing (413) once it exceeds `limitBytes`.
export async function readText(req: Request, limitBytes: number): Promise<string> {
  const declared = Number(req.headers.get("content-length") ?? Number.NaN);
  if (Number.isFinite(declared) && declared > limitBytes) throw tooLarge(limitBytes);
  if (!req.body) return "";
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limitBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(limitBytes);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function tooLarge(limitBytes: number): ApiError {
  return new ApiError(
    413,
    "payload_too_large",
    `The request body is larger than ${limitBytes} bytes.`,
  );
}
