// In-process use: an msw server over a fresh world per test, failing on unhandled requests.
import { type SetupServer, setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, beforeEach, expect } from "vitest";
import type { EmulatorState } from "./state";
import { createWorld, emulatorHandlers } from "./world";

// Installs msw for the current test file; `world()` returns the current test's state;
// `server` lets a test add handlers of its own for one test (they go before the emulations).
export function useEmulators(): { world: () => EmulatorState; server: SetupServer } {
  const server = setupServer();
  let state: EmulatorState | undefined;
  beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
  beforeEach(async () => {
    state = await createWorld();
    server.resetHandlers(...emulatorHandlers(state));
  });
  afterEach(() => {
    server.resetHandlers();
    expect(
      state?.violations ?? [],
      "emulated calls outside the published API descriptions",
    ).toEqual([]);
  });
  afterAll(() => server.close());
  return {
    server,
    world: () => {
      if (!state) throw new Error("useEmulators: no world outside a test");
      return state;
    },
  };
}

// Client options for fast tests: no real sleeping, sleeps recorded.
export function fastRetries(): {
  sleep: (ms: number) => Promise<void>;
  sleeps: number[];
  baseDelayMs: number;
} {
  const sleeps: number[] = [];
  return { sleeps, baseDelayMs: 1, sleep: async (ms) => void sleeps.push(ms) };
}
