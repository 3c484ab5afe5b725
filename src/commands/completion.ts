// `efs completion bash|zsh|fish`: prints a shell completion script.
import type { Command } from "commander";
import type { CliContext } from "../context";

const SHELLS = ["bash", "zsh", "fish"] as const;

// Declares `efs completion <shell>`.
export function register(program: Command, ctx: CliContext): void {
  program
    .command("completion")
    .description("print a shell completion script (bash, zsh or fish)")
    .argument("<shell>", `one of: ${SHELLS.join(", ")}`)
    .addHelpText(
      "after",
      "\nExamples:\n  efs completion bash >> ~/.bashrc\n  efs completion fish > ~/.config/fish/completions/efs.fish",
    )
    .action(async (shell: string, _opts: unknown, cmd: Command) => {
      await ctx.run(cmd, async (rt) => {
        const { completion } = await import("../handlers/completion/handler");
        return completion(rt, { shell, program: ctx.program });
      });
    });
}
