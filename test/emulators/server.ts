// The same emulations served over real HTTP on loopback, for subprocess tests.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { getResponse } from "msw";
import type { EmulatorState } from "./state";
import { type Bases, emulatorHandlers } from "./world";

export interface EmulatorServer {
  url: string;
  bases: Bases;
  // EFS_*_API_URL variables pointing efs at this server.
  env: Record<string, string>;
  // Requests no handler matched (tests assert this stays empty).
  unhandled: string[];
  // Stops the server; rejects when an emulated call fell outside the published descriptions.
  close(): Promise<void>;
}

// Starts an HTTP server on 127.0.0.1:0 answering with the emulator handlers.
export async function startEmulatorServer(state: EmulatorState): Promise<EmulatorServer> {
  const unhandled: string[] = [];
  let handlers: ReturnType<typeof emulatorHandlers> = [];
  const server = createServer((req, res) => {
    serve(req, res).catch((err) => {
      res.statusCode = 500;
      res.end(String(err));
    });
  });
  async function serve(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = chunks.length ? Buffer.concat(chunks) : undefined;
    const request = new Request(new URL(req.url ?? "/", url), {
      method: req.method,
      headers: req.headers as Record<string, string>,
      body: req.method === "GET" || req.method === "HEAD" ? undefined : body,
    });
    const response = await getResponse(handlers, request);
    if (!response) {
      unhandled.push(`${req.method} ${req.url}`);
      res.writeHead(501, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: "not emulated" }));
      return;
    }
    const headers: Record<string, string> = {};
    response.headers.forEach((v, k) => {
      headers[k] = v;
    });
    res.writeHead(response.status, headers);
    res.end(Buffer.from(await response.arrayBuffer()));
  }
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const bases: Bases = {
    cloudflare: `${url}/cloudflare/client/v4`,
    turso: `${url}/turso`,
    vercel: `${url}/vercel`,
    render: `${url}/render/v1`,
    renderHooks: `${url}/render`,
    github: `${url}/github`,
  };
  handlers = emulatorHandlers(state, bases);
  return {
    url,
    bases,
    env: {
      EFS_CLOUDFLARE_API_URL: bases.cloudflare,
      EFS_TURSO_API_URL: bases.turso,
      EFS_VERCEL_API_URL: bases.vercel,
      EFS_RENDER_API_URL: bases.render,
      EFS_GITHUB_API_URL: bases.github,
    },
    unhandled,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
      if (state.violations.length) {
        throw new Error(
          `emulated calls outside the published API descriptions:\n  ${state.violations.join("\n  ")}`,
        );
      }
    },
  };
}
