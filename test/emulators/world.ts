// Builds the whole emulated provider world: state plus the msw handlers for given base URLs.
import { expect } from "vitest";
import { cloudflareHandlers } from "./cloudflare";
import { githubHandlers, githubKeyPair } from "./github";
import { renderHandlers } from "./render";
import { createEmulatorState, type EmulatorState, type Provider } from "./state";
import { tursoHandlers } from "./turso";
import { vercelHandlers } from "./vercel";

export interface Bases {
  cloudflare: string;
  turso: string;
  vercel: string;
  render: string;
  renderHooks: string;
  github: string;
}

// The real provider base URLs (what in-process msw tests intercept).
export const REAL_BASES: Bases = {
  cloudflare: "https://api.cloudflare.com/client/v4",
  turso: "https://api.turso.tech",
  vercel: "https://api.vercel.com",
  render: "https://api.render.com/v1",
  renderHooks: "https://api.render.com",
  github: "https://api.github.com",
};

// A fresh default world (one account per provider, nothing created yet).
export async function createWorld(): Promise<EmulatorState> {
  return createEmulatorState(await githubKeyPair());
}

// All provider handlers over one state.
export function emulatorHandlers(state: EmulatorState, bases: Bases = REAL_BASES) {
  return [
    ...cloudflareHandlers(state, bases.cloudflare),
    ...tursoHandlers(state, bases.turso),
    ...vercelHandlers(state, bases.vercel),
    ...renderHandlers(state, bases.render, bases.renderHooks),
    ...githubHandlers(state, bases.github),
  ];
}

export type ExpectedCall = [Provider, string, RegExp];

// Fails unless every expected call happened at least once with a non-fault answer.
export function assertCallsHappened(state: EmulatorState, expected: ExpectedCall[]): void {
  const missing = expected.filter(
    ([p, m, path]) =>
      !state.calls.some(
        (c) => c.provider === p && c.method === m && path.test(c.path) && c.outcome !== "fault",
      ),
  );
  expect(missing.map(([p, m, path]) => `${p} ${m} ${path}`)).toEqual([]);
}

// Number of processed (non-fault) calls matching provider, method and path.
export function countCalls(
  state: EmulatorState,
  provider: Provider,
  method: string,
  path: RegExp,
): number {
  return state.calls.filter(
    (c) =>
      c.provider === provider && c.method === method && path.test(c.path) && c.outcome !== "fault",
  ).length;
}
