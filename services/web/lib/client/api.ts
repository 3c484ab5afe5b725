"use client";
// Browser side of the API: JSON calls that surface the server's `{error:{code,message}}`
// as an Error whose message is already written for the user.
import type { JobView } from "../jobs/view";

export class ApiClientError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "ApiClientError";
  }
}

// Calls an API route; a locked studio sends the browser to /unlock.
export async function api<T>(
  path: string,
  init: { method?: string; body?: unknown } = {},
): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method: init.method ?? (init.body === undefined ? "GET" : "POST"),
      headers: init.body === undefined ? {} : { "content-type": "application/json" },
      body: init.body === undefined ? null : JSON.stringify(init.body),
      cache: "no-store",
    });
  } catch {
    throw new ApiClientError(
      0,
      "network",
      "Cannot reach the studio server. Check your connection and try again.",
    );
  }
  const data = (await res.json().catch(() => null)) as
    | (T & { error?: undefined })
    | { error?: { code?: string; message?: string } }
    | null;
  if (!res.ok) {
    const err = data && "error" in data && data.error ? data.error : {};
    if (res.status === 401 && err.code === "locked") {
      window.location.href = `/unlock?next=${encodeURIComponent(window.location.pathname)}`;
    }
    throw new ApiClientError(
      res.status,
      err.code ?? "http_error",
      err.message ?? `The server answered ${res.status}. Try again in a moment.`,
    );
  }
  return data as T;
}

export type { JobView };

interface SignedPut {
  url: string;
  headers: Record<string, string>;
  maxBytes: number;
}

const FORBIDDEN_HEADERS = new Set(["content-length", "host", "connection"]);

// PUTs a file straight to storage with upload progress (0..1).
function putFile(
  upload: SignedPut,
  file: Blob,
  onProgress: (fraction: number) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("PUT", upload.url);
    for (const [k, v] of Object.entries(upload.headers)) {
      if (!FORBIDDEN_HEADERS.has(k.toLowerCase())) xhr.setRequestHeader(k, v);
    }
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total);
    };
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) resolve();
      else
        reject(
          new Error(
            `Storage refused the upload (HTTP ${xhr.status}). Try again; if it keeps failing, check the storage settings (efs verify r2).`,
          ),
        );
    };
    xhr.onerror = () =>
      reject(
        new Error(
          "The upload could not reach storage. If the studio uses R2, its CORS rule may be missing (efs verify r2).",
        ),
      );
    xhr.send(file);
  });
}

const EXT_TYPES: Record<string, string> = {
  mp3: "audio/mpeg",
  wav: "audio/wav",
  flac: "audio/flac",
  ogg: "audio/ogg",
  oga: "audio/ogg",
  opus: "audio/opus",
  m4a: "audio/mp4",
  aac: "audio/aac",
  aif: "audio/aiff",
  aiff: "audio/aiff",
  webm: "audio/webm",
  mp4: "video/mp4",
  mov: "video/quicktime",
  mkv: "video/x-matroska",
};

// The file's media type, from the browser or else from its extension ("" when unknown).
export function mediaTypeOf(file: File): string {
  if (file.type) return file.type;
  const ext = file.name.split(".").pop()?.toLowerCase() ?? "";
  return EXT_TYPES[ext] ?? "";
}

// Uploads one file: signed PUT from the server, PUT to storage, confirm → the ingest job.
export async function uploadAudio(
  file: File,
  onProgress: (fraction: number) => void,
): Promise<JobView> {
  const contentType = mediaTypeOf(file);
  const { key, upload } = await api<{ key: string; upload: SignedPut }>("/api/uploads", {
    body: {
      filename: file.name,
      contentType: contentType || "application/octet-stream",
      size: file.size,
    },
  });
  await putFile(upload, file, onProgress);
  const title = file.name.replace(/\.[^.]+$/, "") || file.name;
  const { job } = await api<{ job: JobView }>("/api/jobs", {
    body: { type: "ingest", source: { kind: "upload", key }, title },
  });
  return job;
}
