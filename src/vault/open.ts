// Opens the project's vault for a command: key sources from the runtime's env and prompter,
// values fed to the runtime's redactor.
import type { Runtime } from "../runtime";
import { Vault } from "./vault";

// The vault of the project at rt.cwd (nothing is read until read()/update()).
export function projectVault(rt: Runtime): Vault {
  return new Vault({
    root: rt.cwd,
    redactor: rt.redactor,
    keys: {
      env: rt.env,
      askPassphrase: (message) => rt.prompter.password({ message, flag: "EFS_VAULT_PASSPHRASE" }),
    },
    lock: { signal: rt.signal },
  });
}
