// The git pre-commit guard that refuses to commit the vault, env files or any file holding
// an efs vault. `efs vault hook install` writes it (chained into an existing hook).
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import { runChild } from "@efs/core/proc/run";
import { EfsError } from "../errors";

const GUARD_NAME = "efs-vault-guard";
const MARKER = "# efs-vault-guard";
const CALL = `"$(dirname "$0")/${GUARD_NAME}" || exit 1 ${MARKER}`;

// The guard script (POSIX sh).
function guardScript(): string {
  return `#!/bin/sh
${MARKER}: refuses to commit the efs vault or env files (installed by efs vault hook install)
bad=""
IFS='
'
for f in $(git diff --cached --name-only --diff-filter=ACMR); do
  case "$f" in
    *.env.example|*.env.sample) ;;
    .efs/*|*/.efs/*|.env|*/.env|.env.*|*/.env.*|*.vault|vault.enc|*/vault.enc) bad="$bad
  $f" ;;
    *) if git show ":$f" 2>/dev/null | head -c 4096 | grep -q '"format": *"efs-vault"'; then bad="$bad
  $f"; fi ;;
  esac
done
if [ -n "$bad" ]; then
  echo "efs: refusing to commit secret files:$bad" >&2
  echo "fix: git restore --staged <file>  (values belong in the encrypted vault; .efs/ stays out of git)" >&2
  exit 1
fi
exit 0
`;
}

// git's trimmed stdout, or null when it fails or cannot run.
async function git(
  args: string[],
  cwd: string,
  env: Readonly<NodeJS.ProcessEnv>,
): Promise<string | null> {
  const res = await runChild("git", args, { cwd, env, inheritEnv: false }).catch(() => null);
  return res?.exitCode === 0 ? res.stdout.trim() : null;
}

// The repository's hooks directory (honours core.hooksPath), or null outside a repository.
async function hooksDir(cwd: string, env: Readonly<NodeJS.ProcessEnv>): Promise<string | null> {
  const p = await git(["rev-parse", "--git-path", "hooks"], cwd, env);
  if (p === null) return null;
  return isAbsolute(p) ? p : join(cwd, p);
}

// True when the pre-commit hook runs the guard.
export async function hookInstalled(
  cwd: string,
  env: Readonly<NodeJS.ProcessEnv>,
): Promise<boolean> {
  const dir = await hooksDir(cwd, env);
  if (!dir) return false;
  const pre = join(dir, "pre-commit");
  return (
    existsSync(pre) &&
    readFileSync(pre, "utf8").includes(MARKER) &&
    existsSync(join(dir, GUARD_NAME))
  );
}

// Installs (or refreshes) the guard; an existing foreign pre-commit hook gets one line that
// runs the guard first.
export async function installHook(
  cwd: string,
  env: Readonly<NodeJS.ProcessEnv>,
): Promise<{ path: string; action: "created" | "chained" | "updated" }> {
  const dir = await hooksDir(cwd, env);
  if (!dir) {
    throw new EfsError(`${cwd} is not inside a git repository`, {
      fix: "run git init first (or pass --cwd <repo>)",
      code: "NOT_A_REPO",
    });
  }
  mkdirSync(dir, { recursive: true });
  const guard = join(dir, GUARD_NAME);
  writeFileSync(guard, guardScript(), { mode: 0o755 });
  chmodSync(guard, 0o755);
  const pre = join(dir, "pre-commit");
  if (!existsSync(pre)) {
    writeFileSync(pre, `#!/bin/sh\n${CALL}\n`, { mode: 0o755 });
    return { path: pre, action: "created" };
  }
  const text = readFileSync(pre, "utf8");
  if (text.includes(MARKER)) return { path: pre, action: "updated" };
  const lines = text.split("\n");
  const at = lines[0]?.startsWith("#!") ? 1 : 0;
  lines.splice(at, 0, CALL);
  writeFileSync(pre, lines.join("\n"));
  chmodSync(pre, 0o755);
  return { path: pre, action: "chained" };
}
