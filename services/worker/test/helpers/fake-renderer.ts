// A renderer on 127.0.0.1 speaking the submit/status contract (contracts/modal-submit.json,
// contracts/modal-status.json). Tests program answers per job id and read what was sent.
import type { IncomingMessage, ServerResponse } from "node:http";
import { startServer, type TestServer } from "./http-server";

export interface Answer {
  status: number;
  body: Record<string, unknown>;
}

export interface FakeRenderer {
  server: TestServer;
  submits: Array<{ path: string; body: Record<string, unknown> }>;
  statusCalls: Array<{ path: string; callId: string; authorization: string | undefined }>;
  /** Answers for the next submits of `jobId` (last one repeats). */
  onSubmit(jobId: string, ...answers: Answer[]): void;
  /** What GET status says for the call of `jobId` from now on. */
  setStatus(jobId: string, body: Record<string, unknown>): void;
  close(): Promise<void>;
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString() || "{}") as Record<string, unknown>;
}

function send(res: ServerResponse, a: Answer): void {
  res.writeHead(a.status, { "content-type": "application/json" }).end(JSON.stringify(a.body));
}

// Serves submit on `submitPath` and status on `statusPath`.
export async function startFakeRenderer(paths: {
  submit: string;
  status: string;
  gpu?: string;
  /** When set, submit needs this auth_token and status this Bearer token (else 401). */
  token?: string;
}): Promise<FakeRenderer> {
  const server = await startServer();
  const submits: FakeRenderer["submits"] = [];
  const statusCalls: FakeRenderer["statusCalls"] = [];
  const submitAnswers = new Map<string, Answer[]>();
  const statuses = new Map<string, Record<string, unknown>>();
  server.route(paths.submit, async (req, res) => {
    const body = await readJson(req);
    submits.push({ path: req.url ?? "", body });
    if (paths.token !== undefined && body.auth_token !== paths.token) {
      return send(res, { status: 401, body: { error: "invalid auth_token" } });
    }
    const jobId = String(body.job_id);
    const queue = submitAnswers.get(jobId) ?? [];
    const answer =
      queue.length > 1
        ? queue.shift()!
        : (queue[0] ?? {
            status: 200,
            body: { call_id: `call-${jobId}`, job_id: jobId, gpu: paths.gpu ?? null },
          });
    send(res, answer);
  });
  server.route(paths.status, (req, res) => {
    const callId = new URL(req.url ?? "/", "http://x").searchParams.get("call_id") ?? "";
    statusCalls.push({ path: req.url ?? "", callId, authorization: req.headers.authorization });
    if (paths.token !== undefined && req.headers.authorization !== `Bearer ${paths.token}`) {
      return send(res, { status: 401, body: { error: "invalid token" } });
    }
    const body = statuses.get(callId.replace(/^call-/, "")) ?? {
      status: "unknown",
      error: "no such call",
    };
    send(res, { status: 200, body });
  });
  return {
    server,
    submits,
    statusCalls,
    onSubmit: (jobId, ...answers) => submitAnswers.set(jobId, answers),
    setStatus: (jobId, body) => statuses.set(jobId, body),
    close: () => server.close(),
  };
}
