// A loopback HTTP proxy in front of an emulator server that records every request in order.
// The first request matching `when` trips it: `trip` runs (a test sends SIGINT/SIGTERM to efs
// and waits for it to exit) before the request is forwarded, so the provider still receives
// the call that was in flight. `after()` lists what arrived after the trip (must be nothing).
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface SeenRequest {
  readonly seq: number;
  readonly method: string;
  readonly path: string;
}

export interface Tripwire {
  readonly url: string;
  readonly requests: SeenRequest[];
  tripped(): SeenRequest | null;
  after(): SeenRequest[];
  // `env` with every value starting with `from` pointed at this proxy instead.
  rewrite(env: Record<string, string>, from: string): Record<string, string>;
  close(): Promise<void>;
}

// Starts the proxy forwarding to `target` (an origin such as http://127.0.0.1:1234).
export async function startTripwire(
  target: string,
  when: (method: string, path: string) => boolean,
  trip: (req: SeenRequest) => Promise<void>,
): Promise<Tripwire> {
  const requests: SeenRequest[] = [];
  let tripped: SeenRequest | null = null;
  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
  });
  async function handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const seen = { seq: requests.length + 1, method: req.method ?? "GET", path: req.url ?? "/" };
    requests.push(seen);
    if (!tripped && when(seen.method, seen.path)) {
      tripped = seen;
      await trip(seen);
    }
    const headers = { ...req.headers } as Record<string, string>;
    // fetch sets these itself (undici refuses a hand-set content-length once npm undici is
    // the global dispatcher, as it is when a test file loads a module that installs it).
    delete headers.host;
    delete headers.connection;
    delete headers["content-length"];
    const upstream = await fetch(new URL(seen.path, target), {
      method: seen.method,
      headers,
      body: seen.method === "GET" || seen.method === "HEAD" ? undefined : Buffer.concat(chunks),
    });
    const body = Buffer.from(await upstream.arrayBuffer());
    const out: Record<string, string> = {};
    upstream.headers.forEach((v, k) => {
      if (k !== "content-encoding" && k !== "transfer-encoding") out[k] = v;
    });
    res.writeHead(upstream.status, out);
    res.end(body);
  }
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    requests,
    tripped: () => tripped,
    after: () => (tripped ? requests.filter((r) => r.seq > (tripped as SeenRequest).seq) : []),
    rewrite: (env, from) =>
      Object.fromEntries(
        Object.entries(env).map(([k, v]) => [
          k,
          v.startsWith(from) ? url + v.slice(from.length) : v,
        ]),
      ),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
