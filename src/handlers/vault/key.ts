// `efs vault key [--reveal]`: where the vault key comes from, or the key itself.
import { EfsError } from "../../errors";
import type { CommandResult, Runtime } from "../../runtime";
import { projectVault } from "../../vault/open";

// Shows where the key lives; with --reveal prints it for a backup or for CI.
export async function vaultKey(rt: Runtime, args: { reveal: boolean }): Promise<CommandResult> {
  const vault = projectVault(rt);
  const key = await vault.key();
  if (!key) {
    throw new EfsError("There is no vault yet, so there is no key", {
      fix: "store a value first: efs env set NAME (or efs init)",
      code: "NO_VAULT",
    });
  }
  const header = vault.header();
  const b64 = key.keys.master.toString("base64");
  if (args.reveal) {
    rt.out.reveal(b64);
    rt.out.info("Keep it in a password manager; CI passes it as EFS_VAULT_KEY.");
  } else {
    rt.out.print(`key id ${key.keys.id} from ${key.source}`);
    rt.out.info("efs vault key --reveal prints it (for a backup or EFS_VAULT_KEY in CI).");
  }
  return {
    data: {
      keyId: key.keys.id,
      source: key.source,
      kdf: header?.kdf ?? null,
      ...(args.reveal ? { key: b64 } : {}),
    },
    reveal: args.reveal,
  };
}
