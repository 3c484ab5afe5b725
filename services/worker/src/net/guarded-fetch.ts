// GET a user-supplied URL without letting it reach internal services (SSRF guard):
// http(s) only; every hop's host is resolved and each address checked; the connection is
// pinned to the checked address through the Agent's connect.lookup, so a second DNS answer
// (rebinding) is never used; redirects are followed by hand, at most `maxRedirects`.
import { lookup as dnsLookup } from "node:dns/promises";
import type { LookupFunction } from "node:net";
import type { Readable } from "node:stream";
import { displayUrl, splitUrlCredentials } from "@efs/core/url-safety";
import { Agent, request } from "undici";
import { isTransientStatus, PermanentJobError, TransientJobError } from "../errors";
import { blockedReason } from "./address-policy";
import { BlockedUrlError } from "./blocked-url-error";

export type Resolver = (hostname: string) => Promise<Array<{ address: string; family: number }>>;

export interface GuardOptions {
  /** Test-only: exact `host:port` pairs exempt from the address check. Never set in production. */
  allowHostPorts?: readonly string[];
  resolve?: Resolver;
}

export interface GuardedFetchOptions extends GuardOptions {
  maxRedirects?: number;
  signal?: AbortSignal;
  headersTimeoutMs?: number;
  bodyTimeoutMs?: number;
}

// Drops a response body we will not read (no 'error' event left unhandled).
export function discardBody(body: Readable): void {
  body.on("error", () => {});
  body.destroy();
}

export interface GuardedResponse {
  /** The final URL, without user info (credentials travel only as `authorization`). */
  url: URL;
  /** The Basic authorization sent to the final URL's origin (from `user:password@`), or null. */
  authorization: string | null;
  statusCode: number;
  contentType: string;
  contentLength: number | null;
  body: Readable;
  /** Closes the pinned connection; call after the body is consumed or abandoned. */
  close(): Promise<void>;
}

const defaultResolve: Resolver = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

function defaultPort(u: URL): string {
  return u.port || (u.protocol === "https:" ? "443" : "80");
}

// Checks scheme and resolves the host; returns the one address the connection must use.
export async function checkUrl(
  raw: string | URL,
  opts: GuardOptions = {},
): Promise<{ url: URL; address: string; family: number }> {
  let url: URL;
  try {
    url = new URL(String(raw));
  } catch {
    throw new BlockedUrlError(`"${displayUrl(String(raw))}" is not a valid URL`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new BlockedUrlError(`only http and https URLs can be fetched (got ${url.protocol})`);
  }
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const allowed = opts.allowHostPorts?.includes(`${url.hostname}:${defaultPort(url)}`) ?? false;
  let addrs: Array<{ address: string; family: number }>;
  if (/^[\d.]+$/.test(host) || host.includes(":")) {
    addrs = [{ address: host, family: host.includes(":") ? 6 : 4 }];
  } else {
    try {
      addrs = await (opts.resolve ?? defaultResolve)(host);
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === "EAI_AGAIN")
        throw new TransientJobError(`could not resolve ${host} (DNS timeout)`);
      throw new PermanentJobError(`could not resolve host ${host}`);
    }
    if (addrs.length === 0) throw new PermanentJobError(`could not resolve host ${host}`);
  }
  if (!allowed) {
    for (const a of addrs) {
      const why = blockedReason(a.address);
      if (why) throw new BlockedUrlError(`refusing to fetch ${url.hostname}: ${why}`);
    }
  }
  const first = addrs[0]!;
  return { url, address: first.address, family: first.family };
}

function pinnedAgent(address: string, family: number, timeouts: { headers: number; body: number }) {
  const lookup: LookupFunction = (_host, options, cb) => {
    if ((options as { all?: boolean }).all) {
      (cb as unknown as (e: null, a: Array<{ address: string; family: number }>) => void)(null, [
        { address, family },
      ]);
    } else {
      cb(null, address, family);
    }
  };
  return new Agent({
    connect: { lookup, timeout: 15_000 },
    headersTimeout: timeouts.headers,
    bodyTimeout: timeouts.body,
    connections: 1,
  });
}

// GETs `raw`, following up to maxRedirects redirects, each hop re-checked and pinned.
export async function guardedFetch(
  raw: string,
  opts: GuardedFetchOptions = {},
): Promise<GuardedResponse> {
  const maxRedirects = opts.maxRedirects ?? 5;
  let next: string | URL = raw;
  // `user:password@` becomes a Basic authorization header for that origin only (dropped on a
  // redirect elsewhere); the URL itself, which may be logged or shown, never carries it.
  let credentials: { origin: string; authorization: string } | null = null;
  for (let hop = 0; hop <= maxRedirects; hop++) {
    try {
      const split = splitUrlCredentials(String(next));
      next = split.url;
      if (split.authorization) {
        credentials = { origin: split.url.origin, authorization: split.authorization };
      }
    } catch {
      // not a URL: checkUrl says so
    }
    const { url, address, family } = await checkUrl(next, opts);
    const authorization = credentials?.origin === url.origin ? credentials.authorization : null;
    const agent = pinnedAgent(address, family, {
      headers: opts.headersTimeoutMs ?? 30_000,
      body: opts.bodyTimeoutMs ?? 60_000,
    });
    const res = await request(url, {
      method: "GET",
      dispatcher: agent,
      signal: opts.signal,
      headers: {
        "user-agent": "EtherealFlameStudio-worker/0.1",
        accept: "*/*",
        ...(authorization ? { authorization } : {}),
      },
    }).catch(async (e: unknown) => {
      await agent.close().catch(() => {});
      throw e;
    });
    const close = () => agent.destroy().catch(() => {});
    if (res.statusCode >= 300 && res.statusCode < 400 && res.headers.location) {
      res.body.resume();
      await close();
      next = new URL(String(res.headers.location), url);
      continue;
    }
    if (res.statusCode >= 400) {
      res.body.resume();
      await close();
      const msg = `${url.host} answered HTTP ${res.statusCode}`;
      throw isTransientStatus(res.statusCode)
        ? new TransientJobError(msg)
        : new PermanentJobError(msg);
    }
    const len = Number(res.headers["content-length"]);
    return {
      url,
      authorization,
      statusCode: res.statusCode,
      contentType: String(res.headers["content-type"] ?? "").toLowerCase(),
      contentLength:
        Number.isFinite(len) && res.headers["content-length"] !== undefined ? len : null,
      body: res.body,
      close,
    };
  }
  throw new BlockedUrlError(`too many redirects (more than ${maxRedirects})`);
}
