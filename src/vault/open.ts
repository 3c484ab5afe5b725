// Opens the project's vault for a command: key sources from the runtime's env and prompter,
// values fed to the runtime's redactor.
import type { Runtime } from "../runtime";
import { projectOrigin } from "./project";
import { Vault } from "./vault";

// The vault of the project at rt.cwd (nothing is read until read()/update()); `rebind`
// accepts a vault bound to another origin and re-binds it on the next write.
export function projectVault(rt: Runtime, options: { rebind?: boolean } = {}): Vault {
  return new Vault({
    root: rt.cwd,
    redactor: rt.redactor,
    project: () => projectOrigin(rt.cwd),
    rebind: options.rebind,
    keys: {
      env: rt.env,
      askPassphrase: (message) => rt.prompter.password({ message, flag: "EFS_VAULT_PASSPHRASE" }),
    },
    lock: { signal: rt.signal },
  });
}
