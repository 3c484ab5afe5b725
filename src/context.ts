// The context every command declaration receives: `run` turns a commander action into a
// handler call with a Runtime and prints the result in the mode the global flags chose.
import type { Command } from "commander";
import type { Redactor } from "./redact";
import type { CommandResult, Io, Runtime } from "./runtime";
import { JSON_VERSION } from "./ui/output";

export interface CliContext {
  // The root program (for `efs completion`, which walks the command tree).
  readonly program: Command;
  // Runs `handler` for the invoked command `cmd` (the commander action's last argument).
  run(cmd: Command, handler: (rt: Runtime) => Promise<CommandResult | undefined>): Promise<void>;
}

/** Mutable state the entry point reads after parsing. */
export interface RunState {
  exitCode: number;
  command: string;
  // With --json: help text commander printed, kept for the JSON envelope.
  captured?: string[];
}

// "env ls" for `efs env ls`.
function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(" ");
}

// Creates the context handed to each `register(program, ctx)`.
export function createContext(
  program: Command,
  io: Io,
  redactor: Redactor,
  state: RunState,
): CliContext {
  return {
    program,
    async run(cmd, handler) {
      const command = commandPath(cmd);
      state.command = command;
      const { createRuntime, parseGlobals } = await import("./runtime");
      const globals = parseGlobals(cmd.optsWithGlobals(), io);
      const rt = createRuntime(command, globals, io, redactor);
      rt.out.debug(`command: ${command}; cwd: ${globals.cwd}`);
      const result = (await handler(rt)) ?? {};
      const exitCode = result.exitCode ?? 0;
      if (globals.json) {
        rt.out.envelope(
          // `ok` agrees with the exit code: a plan with changes pending (2) is not ok.
          {
            version: JSON_VERSION,
            command,
            ok: exitCode === 0,
            exitCode,
            data: result.data ?? null,
          },
          result.reveal === true,
        );
      }
      state.exitCode = exitCode;
    },
  };
}
