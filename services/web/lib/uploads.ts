// Upload keys: chosen by the server as `uploads/<job id>/<safe file name>`, so a client can
// neither pick nor guess another object's key, and confirming the upload creates exactly one
// ingest job: the one with the id the key was made for.
import { newId } from "@efs/core/jobs/ids";

const UPLOAD_KEY = /^uploads\/(job_[0-9a-z]{26})\/([A-Za-z0-9._-]{1,120})$/;

// A fresh upload key for a user's file name (and the id its ingest job will get).
export function newUploadKey(filename: string): string {
  return `uploads/${newId()}/${safeFileName(filename)}`;
}

// The ingest job id a server-made upload key was made for, or null when `key` is not one.
export function uploadIdOf(key: string): string | null {
  const m = UPLOAD_KEY.exec(key);
  return m?.[1] ?? null;
}

// ASCII letters, digits, dot, dash, underscore; keeps the extension; never empty or dot-only.
function safeFileName(filename: string): string {
  const base = filename.split(/[\\/]/).pop() ?? "";
  const ascii = base.normalize("NFKD").replace(/[^\x20-\x7e]/g, "");
  const extMatch = /\.([A-Za-z0-9]{1,8})$/.exec(ascii);
  const ext = extMatch ? `.${extMatch[1]!.toLowerCase()}` : "";
  const stem = (extMatch ? ascii.slice(0, -extMatch[0].length) : ascii)
    .replace(/[^A-Za-z0-9_-]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 100);
  return `${stem || "audio"}${ext}`;
}
