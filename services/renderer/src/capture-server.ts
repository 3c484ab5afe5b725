// Tiny local HTTP server for one render: serves the capture page and job, and receives the
// page's binary output (POST /chunk H.264 bitstream, POST /frame raw RGBA) into a sink.
import { once } from "node:events";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Writable } from "node:stream";
import type { PageBundle } from "./bundle";
import type { CaptureJob } from "./page/job";

export interface CaptureServer {
  url: string;
  setJob(job: CaptureJob): void;
  setSink(sink: Writable | null): void;
  onProgress(cb: ((done: number) => void) | null): void;
  close(): Promise<void>;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const parts: Buffer[] = [];
  for await (const c of req) parts.push(c as Buffer);
  return JSON.parse(Buffer.concat(parts).toString("utf8"));
}

// Starts the server on 127.0.0.1 with an OS-chosen port.
export async function startCaptureServer(bundle: PageBundle): Promise<CaptureServer> {
  let jobJson = "null";
  let sink: Writable | null = null;
  let progress: ((done: number) => void) | null = null;
  const server: Server = createServer(async (req, res) => {
    try {
      if (req.method === "GET" && (req.url === "/" || req.url === "/index.html")) {
        res.writeHead(200, { "content-type": "text/html" }).end(bundle.html);
      } else if (req.method === "GET" && req.url === "/capture.js") {
        res.writeHead(200, { "content-type": "text/javascript" }).end(bundle.js);
      } else if (req.method === "GET" && req.url === "/job.json") {
        res.writeHead(200, { "content-type": "application/json" }).end(jobJson);
      } else if (req.method === "POST" && (req.url === "/chunk" || req.url === "/frame")) {
        if (!sink) throw new Error("no encoder is attached");
        for await (const c of req) {
          if (!sink.write(c)) await once(sink, "drain");
        }
        res.writeHead(204).end();
      } else if (req.method === "POST" && req.url === "/progress") {
        const body = (await readJson(req)) as { done?: number };
        if (typeof body.done === "number") progress?.(body.done);
        res.writeHead(204).end();
      } else {
        res.writeHead(404).end("not found");
      }
    } catch (e) {
      if (!res.headersSent) res.writeHead(500).end(e instanceof Error ? e.message : String(e));
    }
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    setJob(job) {
      jobJson = JSON.stringify(job);
    },
    setSink(s) {
      sink = s;
    },
    onProgress(cb) {
      progress = cb;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
