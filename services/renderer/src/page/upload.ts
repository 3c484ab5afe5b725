// Moving bytes out of the capture page: POSTs to the capture server, with the memory they
// hold released as they go, and failures that say what was being sent.
//
// A Blob body is the fast way out (measured here: ≈0.25 s per 44 MB 8K frame, against 1–10 s
// for a Uint8Array or XHR body, and a streamed ReadableStream body is refused over HTTP/1.1).
// But a Blob's bytes are held by the browser process until V8 collects the Blob object, and V8
// does not count them, so it sees no reason to collect: 44 MB frames piled up until fetch
// failed after ≈0.35–0.6 GB. With a full GC after every RELEASE_BYTES sent, 1.3 GB of 8K
// frames left the page with Chromium's memory flat to within a few MB (docs/rendering.md).

/** Bytes sent between forced collections: bounds what unsent-but-dead Blobs can hold. */
const RELEASE_BYTES = 64 << 20;

type Gc = () => void;

// The page's `gc()`, exposed by Chromium's --js-flags=--expose-gc (renderer browser.ts).
export function pageGc(): Gc {
  const gc = (globalThis as { gc?: Gc }).gc;
  if (typeof gc !== "function") {
    throw new Error(
      "the capture page cannot free the frames it sends (Chromium was started without --js-flags=--expose-gc), so a long render would run out of memory; launch it through services/renderer/src/browser.ts",
    );
  }
  return gc;
}

const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;

interface Uploader {
  /** POSTs `body` (a Blob of frame or bitstream bytes); `what` names it in errors. */
  send(path: string, body: Blob, what: string): Promise<void>;
}

// An uploader that collects released Blobs every RELEASE_BYTES.
export function createUploader(gc: Gc = pageGc()): Uploader {
  let unreleased = 0;
  return {
    async send(path, body, what) {
      let res: Response;
      try {
        res = await fetch(path, {
          method: "POST",
          body,
          headers: { "content-type": "application/octet-stream" },
        });
      } catch (e) {
        // fetch only says "Failed to fetch": the server went away, or the browser refused the body.
        throw new Error(
          `could not send ${what} (${mb(body.size)}) out of the page: ${e instanceof Error ? e.message : String(e)} (the capture server closed the connection or the browser refused the upload)`,
        );
      }
      if (!res.ok) {
        throw new Error(`the renderer refused ${what} (${mb(body.size)}): ${await res.text()}`);
      }
      unreleased += body.size;
      if (unreleased >= RELEASE_BYTES) {
        unreleased = 0;
        gc();
      }
    },
  };
}
