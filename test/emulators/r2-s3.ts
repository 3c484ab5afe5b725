// R2's S3 API at the network boundary (in-process msw), for the few S3 calls the CLI makes:
// list, put/get/delete an object, a CORS preflight. The account has one endpoint per
// jurisdiction, https://<account>[.<jurisdiction>].r2.cloudflarestorage.com, reached
// virtual-hosted (<bucket>.<endpoint host>) or path-style; a bucket answers only at the endpoint
// of its jurisdiction (world.cloudflare.buckets), everywhere else NoSuchBucket, as on R2
// (https://developers.cloudflare.com/r2/reference/data-location/#using-jurisdictions-with-the-s3-api).
// Objects live in memory; every request's host is logged for the tests.
import { HttpResponse, http } from "msw";
import type { EmulatorState } from "./state";

export interface R2S3Request {
  method: string;
  host: string;
  bucket: string;
  key: string;
}

export interface R2S3 {
  handlers: ReturnType<typeof http.all>[];
  requests: R2S3Request[];
  // Objects by "<jurisdiction>/<bucket>/<key>".
  objects: Map<string, Uint8Array>;
}

const HOST =
  /^(?:([a-z0-9][a-z0-9-]*)\.)?([0-9a-f]{32})\.(?:(eu|fedramp)\.)?r2\.cloudflarestorage\.com$/;

function s3Error(status: number, code: string, message: string) {
  const xml = `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`;
  return new HttpResponse(xml, { status, headers: { "content-type": "application/xml" } });
}

const escapeXml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;");

// The emulation over `world`'s buckets; S3 requests must be signed with `accessKeyId`.
export function r2S3Emulation(world: EmulatorState, accessKeyId: string): R2S3 {
  const requests: R2S3Request[] = [];
  const objects = new Map<string, Uint8Array>();
  const handler = http.all(/^https:\/\/[^/]*r2\.cloudflarestorage\.com\//, async ({ request }) => {
    const url = new URL(request.url);
    const m = HOST.exec(url.hostname);
    if (!m || m[2] !== world.cloudflare.accountId)
      return s3Error(400, "InvalidArgument", "not an endpoint of this account");
    const jurisdiction = (m[3] ?? "default") as "default" | "eu" | "fedramp";
    const path = decodeURIComponent(url.pathname.slice(1));
    const [bucket, key] = m[1]
      ? [m[1], path]
      : [path.split("/")[0] ?? "", path.split("/").slice(1).join("/")];
    requests.push({ method: request.method, host: url.hostname, bucket, key });
    const b = world.cloudflare.buckets.find(
      (x) => x.name === bucket && x.jurisdiction === jurisdiction,
    );
    if (!b) return s3Error(404, "NoSuchBucket", "The specified bucket does not exist.");

    if (request.method === "OPTIONS") {
      const origin = request.headers.get("origin") ?? "";
      const method = request.headers.get("access-control-request-method") ?? "";
      const rules = (b.cors ?? []) as { allowed: { origins: string[]; methods: string[] } }[];
      const rule = rules.find(
        (r) => r.allowed.origins.includes(origin) && r.allowed.methods.includes(method),
      );
      if (!rule) return new HttpResponse(null, { status: 403 });
      return new HttpResponse(null, {
        status: 200,
        headers: {
          "access-control-allow-origin": origin,
          "access-control-allow-methods": rule.allowed.methods.join(", "),
        },
      });
    }
    const auth = request.headers.get("authorization") ?? "";
    if (!auth.includes(`Credential=${accessKeyId}/`))
      return s3Error(403, "AccessDenied", "Access Denied");

    const id = `${jurisdiction}/${bucket}/${key}`;
    if (request.method === "GET" && key === "" && url.searchParams.get("list-type") === "2") {
      const prefix = `${jurisdiction}/${bucket}/`;
      const max = Number(url.searchParams.get("max-keys") ?? 1000);
      const keys = [...objects.keys()].filter((k) => k.startsWith(prefix)).sort();
      const shown = keys.slice(0, max);
      const contents = shown
        .map(
          (k) =>
            `<Contents><Key>${escapeXml(k.slice(prefix.length))}</Key><Size>${objects.get(k)!.byteLength}</Size><ETag>"e"</ETag><LastModified>${new Date().toISOString()}</LastModified></Contents>`,
        )
        .join("");
      const xml = `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>${bucket}</Name><Prefix></Prefix><KeyCount>${shown.length}</KeyCount><MaxKeys>${max}</MaxKeys><IsTruncated>${keys.length > max}</IsTruncated>${contents}</ListBucketResult>`;
      return new HttpResponse(xml, { headers: { "content-type": "application/xml" } });
    }
    if (request.method === "PUT" && key) {
      objects.set(id, new Uint8Array(await request.arrayBuffer()));
      return new HttpResponse(null, { status: 200, headers: { etag: '"e"' } });
    }
    if (request.method === "GET" && key) {
      const body = objects.get(id);
      if (!body) return s3Error(404, "NoSuchKey", "The specified key does not exist.");
      return new HttpResponse(body, {
        headers: { "content-type": "text/plain", "content-length": String(body.byteLength) },
      });
    }
    if (request.method === "DELETE" && key) {
      objects.delete(id);
      return new HttpResponse(null, { status: 204 });
    }
    return s3Error(501, "NotImplemented", `${request.method} is not emulated`);
  });
  return { handlers: [handler], requests, objects };
}
