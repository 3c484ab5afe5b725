// The set-up most worker process tests share: a fresh stack (job store, storage, temp folder)
// and a loopback HTTP server per test; after each, every worker process is reaped and checked
// for leaks once the stack and server are closed (so a leak does not also leave the folder).
import { afterEach, beforeEach, expect } from "vitest";
import { startServer, type TestServer } from "./http-server";
import { createStack, type Stack } from "./stack";
import { reapWorkers } from "./worker-process";

export interface StackAndServer {
  readonly stack: Stack;
  readonly server: TestServer;
}

// Call inside describe(); read `.stack` and `.server` inside tests and later hooks.
export function useStackAndServer(): StackAndServer {
  let stack: Stack | undefined;
  let server: TestServer | undefined;
  beforeEach(async () => {
    stack = await createStack();
    server = await startServer();
  });
  afterEach(async () => {
    const leaked = await reapWorkers();
    await server?.close();
    await stack?.close();
    expect(leaked, "a test leaked a worker process").toBe(0);
  });
  return {
    get stack() {
      if (!stack) throw new Error("useStackAndServer: the stack exists only inside a test");
      return stack;
    },
    get server() {
      if (!server) throw new Error("useStackAndServer: the server exists only inside a test");
      return server;
    },
  };
}
