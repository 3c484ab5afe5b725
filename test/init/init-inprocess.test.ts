import { PassThrough } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { init } from "../../src/handlers/init/handler";
import { Redactor } from "../../src/redact";
import { createRuntime } from "../../src/runtime";
import { ScriptedPrompter } from "../../src/ui/scripted-prompter";
import { useEmulators } from "../emulators/msw";
import { TEST_CREDENTIALS as C } from "../emulators/state";
import { assertCallsHappened } from "../emulators/world";
import { type Sandbox, sandbox } from "../helpers/cli";
import { recordOutput, registerSecret, testSecret } from "../helpers/leak-record";

const { world } = useEmulators();
let box: Sandbox;
afterEach(() => box?.cleanup());

// Runs the init handler in this process (global fetch → msw) with a scripted prompter.
async function runInit(
  prompter: ScriptedPrompter,
  args: Partial<Parameters<typeof init>[1]>,
  env: Record<string, string> = {},
) {
  let stdout = "";
  let stderr = "";
  const io = {
    stdout: {
      write: (s: string) => {
        stdout += s;
      },
    },
    stderr: {
      write: (s: string) => {
        stderr += s;
      },
    },
    stdin: Object.assign(new PassThrough(), { isTTY: true }),
    env: {
      HOME: box.home,
      XDG_CONFIG_HOME: box.configHome,
      EFS_VAULT_KEY: testSecret(64),
      EFS_HTTP_BASE_DELAY_MS: "1",
      ...env,
    },
    cwd: box.project,
    colorDefault: false,
    signal: new AbortController().signal,
    prompter,
  };
  const rt = createRuntime(
    "init",
    { json: false, yes: false, debug: false, color: false, cwd: box.project },
    io,
    new Redactor(),
  );
  try {
    const result = await init(rt, { flags: {}, plan: false, unlock: false, ...args });
    return { result, stdout, stderr };
  } finally {
    recordOutput("in-process init [stdout]", stdout);
    recordOutput("in-process init [stderr]", stderr);
  }
}

describe("efs init in-process over msw", () => {
  it("asks for a missing token with a hidden prompt, confirms, and makes exactly the expected calls", async () => {
    box = sandbox();
    registerSecret(C.tursoToken);
    const prompter = new ScriptedPrompter({ TURSO_API_TOKEN: C.tursoToken, "--yes": true });
    const { result } = await runInit(prompter, { only: ["turso"] });
    expect(result.exitCode ?? 0).toBe(0);
    expect(prompter.asked.map((q) => [q.kind, q.flag])).toEqual([
      ["password", "TURSO_API_TOKEN"],
      ["confirm", "--yes"],
    ]);
    assertCallsHappened(world(), [
      ["turso", "GET", /^\/v1\/organizations$/],
      ["turso", "GET", /\/databases\/ethereal-flame-studio$/],
      ["turso", "GET", /\/groups$/],
      ["turso", "POST", /\/groups$/],
      ["turso", "POST", /\/databases$/],
      ["turso", "POST", /\/databases\/ethereal-flame-studio\/auth\/tokens$/],
    ]);
    expect(world().calls.every((c) => c.provider === "turso")).toBe(true);
    expect(prompter.spinnerLog.join("\n")).toContain("Turso job store: done");
    registerSecret(world().turso.minted[0]!.jwt);
  });

  it("stops before any change when the user declines the plan", async () => {
    box = sandbox();
    const prompter = new ScriptedPrompter({ "--yes": false });
    const { result } = await runInit(prompter, { only: ["webhook"] });
    expect(result.exitCode).toBe(2);
    expect(world().calls).toEqual([]);
  });

  it("prints the full plan on an empty vault without touching anything", async () => {
    box = sandbox();
    const { result, stdout } = await runInit(new ScriptedPrompter({}), { plan: true });
    expect(result.exitCode).toBe(2);
    for (const s of ["templates", "r2", "turso", "modal", "webhook", "vercel", "render", "github"])
      expect(stdout).toMatch(new RegExp(`^${s} `, "m"));
    expect(stdout).toContain("blocked: needs CLOUDFLARE_API_TOKEN");
    // The checklist's names, each saying where it came from.
    for (const [what, name] of [
      ["R2 bucket", "ethereal-flame-studio"],
      ["R2 API token", "ethereal-flame-studio-prod"],
      ["Turso database", "ethereal-flame-studio"],
      ["Render worker", "ethereal-flame-worker"],
    ])
      expect(stdout).toMatch(new RegExp(`^  ${what} +${name} +checklist default`, "m"));
    expect(stdout).toMatch(
      /^ {2}Render region +virginia +next to the default Turso location \(aws-us-east-1\)/m,
    );
    expect(stdout).toContain("+ create   background worker ethereal-flame-worker");
    expect(world().calls).toEqual([]);
  });
});
