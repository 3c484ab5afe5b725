// A tiny HTTP server on 127.0.0.1, port 0, with per-test routes; always closed by the test.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type Route = (req: IncomingMessage, res: ServerResponse) => void;

export interface TestServer {
  url: string;
  hostPort: string;
  requests: string[];
  route(path: string, handler: Route): void;
  close(): Promise<void>;
}

// Starts a server answering 404 for unknown paths.
export async function startServer(host = "127.0.0.1"): Promise<TestServer> {
  const routes = new Map<string, Route>();
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    const handler = routes.get((req.url ?? "/").split("?")[0] ?? "/");
    if (handler) handler(req, res);
    else res.writeHead(404).end("not found");
  });
  await new Promise<void>((r) => server.listen(0, host, r));
  const { port } = server.address() as AddressInfo;
  const h = host.includes(":") ? `[${host}]` : host;
  return {
    url: `http://${h}:${port}`,
    hostPort: `${h}:${port}`,
    requests,
    route: (path, handler) => routes.set(path, handler),
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
