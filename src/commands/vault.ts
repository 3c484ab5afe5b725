// `efs vault …`: the vault file itself (status, key backup, git guard).
import type { Command } from "commander";
import type { CliContext } from "../context";

// Declares `efs vault status|key|rebind|hook install`.
export function register(program: Command, ctx: CliContext): void {
  const vault = program
    .command("vault")
    .description("the encrypted vault file: status, key backup, git pre-commit guard");

  vault
    .command("status")
    .description("where the vault and its key are, and whether they are healthy")
    .action(async (_opts: unknown, cmd: Command) => {
      await ctx.run(cmd, async (rt) => {
        const { vaultStatus } = await import("../handlers/vault/status");
        return vaultStatus(rt);
      });
    });

  vault
    .command("key")
    .description(
      "show where the key lives; --reveal prints it (back it up, or give it to CI as EFS_VAULT_KEY)",
    )
    .option("--reveal", "print the 32-byte key (base64)")
    .action(async (opts: { reveal?: boolean }, cmd: Command) => {
      await ctx.run(cmd, async (rt) => {
        const { vaultKey } = await import("../handlers/vault/key");
        return vaultKey(rt, { reveal: opts.reveal === true });
      });
    });

  vault
    .command("rebind")
    .description(
      "bind the vault to this checkout's origin after the repository moved (asks first; --yes in CI)",
    )
    .action(async (_opts: unknown, cmd: Command) => {
      await ctx.run(cmd, async (rt) => {
        const { vaultRebind } = await import("../handlers/vault/rebind");
        return vaultRebind(rt);
      });
    });

  const hook = vault
    .command("hook")
    .description("the git pre-commit guard that refuses vault and env files");
  hook
    .command("install")
    .description("install the guard into .git/hooks (chained into an existing pre-commit hook)")
    .action(async (_opts: unknown, cmd: Command) => {
      await ctx.run(cmd, async (rt) => {
        const { vaultHookInstall } = await import("../handlers/vault/hook-install");
        return vaultHookInstall(rt);
      });
    });
}
