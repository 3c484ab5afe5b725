// Size and count bounds the API enforces (documented in docs/web.md).

/** Largest audio/video upload accepted (the storage signature enforces it too). */
export const MAX_UPLOAD_BYTES = 512 * 1024 * 1024;
/** Lifetime of a signed upload URL. */
export const UPLOAD_URL_TTL_SEC = 15 * 60;
/** Lifetime of signed download/stream URLs handed to the browser. */
export const DOWNLOAD_URL_TTL_SEC = 60 * 60;
/** Longest URL accepted for URL ingest. */
export const MAX_INGEST_URL_LENGTH = 2048;
/** Most clips in one edit recipe. */
export const MAX_CLIPS = 32;
/** Longest display title. */
export const MAX_TITLE_LENGTH = 200;
/** Largest webhook body. */
export const MAX_WEBHOOK_BYTES = 64 * 1024;
/** Most jobs returned by one list call. */
export const MAX_LIST_LIMIT = 100;

/** Content types the upload route signs for (audio, and video whose audio is extracted). */
export const UPLOAD_CONTENT_TYPES: readonly string[] = [
  "audio/mpeg",
  "audio/mp3",
  "audio/wav",
  "audio/x-wav",
  "audio/wave",
  "audio/vnd.wave",
  "audio/flac",
  "audio/x-flac",
  "audio/ogg",
  "audio/opus",
  "audio/aac",
  "audio/mp4",
  "audio/x-m4a",
  "audio/m4a",
  "audio/webm",
  "audio/aiff",
  "audio/x-aiff",
  "application/ogg",
  "video/mp4",
  "video/webm",
  "video/quicktime",
  "video/x-matroska",
];
