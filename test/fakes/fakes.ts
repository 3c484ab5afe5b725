// Test helper: puts the fake turso/vercel/modal first on PATH with state in a temp dir.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join, resolve } from "node:path";

export const FAKE_BIN = resolve(import.meta.dirname, "bin");

export interface FakeCall {
  cli: string;
  argv: string[];
  cwd: string;
  tokenFromEnv?: boolean;
}

export interface Fakes {
  dir: string;
  // Env to merge into the child's env (PATH first, EFS_FAKE_STATE).
  env(basePath?: string): Record<string, string>;
  set(cli: "turso" | "vercel" | "modal", state: Record<string, unknown>): void;
  get<T = Record<string, unknown>>(cli: "turso" | "vercel" | "modal"): T;
  calls(cli?: string): FakeCall[];
  cleanup(): void;
}

// Creates a state dir for the fake CLIs.
export function createFakes(): Fakes {
  const dir = mkdtempSync(join(tmpdir(), "efs-fakes-"));
  return {
    dir,
    env: (basePath = process.env.PATH ?? "/usr/bin:/bin") => ({
      PATH: `${FAKE_BIN}${delimiter}${basePath}`,
      EFS_FAKE_STATE: dir,
    }),
    set: (cli, state) => writeFileSync(join(dir, `${cli}.json`), JSON.stringify(state)),
    get: <T>(cli: string) => {
      try {
        return JSON.parse(readFileSync(join(dir, `${cli}.json`), "utf8")) as T;
      } catch {
        return {} as T;
      }
    },
    calls: (cli) => {
      let text = "";
      try {
        text = readFileSync(join(dir, "argv.jsonl"), "utf8");
      } catch {
        return [];
      }
      return text
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l) as FakeCall)
        .filter((c) => !cli || c.cli === cli);
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
