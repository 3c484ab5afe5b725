// Which project a vault belongs to: the repository its project directory is a checkout of,
// named by the `origin` remote (host/path, no credentials). A vault records it on its first
// write; reading it from a checkout of another repository is refused (docs/vault.md).
import { runChild } from "@efs/core/proc/run";

export const PROJECT_JOURNAL_KEY = "project";

/** The binding kept in the vault's encrypted journal. */
interface ProjectBinding {
  readonly origin: string;
}

// host/path of a remote URL (https, ssh, scp-like or a local path), without user, password
// or ".git": the same repository gives the same string however it was cloned.
function normalizeRemote(url: string): string {
  const u = url.trim();
  let host = "";
  let path = u;
  const scp = /^(?:[^@/]+@)?([^:/]+):(?!\/\/)(.+)$/.exec(u);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(u)) {
    try {
      const parsed = new URL(u);
      host = parsed.host.toLowerCase();
      path = decodeURIComponent(parsed.pathname);
    } catch {
      path = u;
    }
  } else if (scp) {
    host = (scp[1] ?? "").toLowerCase();
    path = scp[2] ?? "";
  }
  path = path
    .replace(/\/+$/, "")
    .replace(/\.git$/, "")
    .replace(/^\/+/, "");
  return host ? `${host}/${path}` : path;
}

// The project's origin (normalized), or null when cwd is not a git checkout with an origin.
export async function projectOrigin(cwd: string): Promise<string | null> {
  try {
    const res = await runChild("git", ["remote", "get-url", "origin"], { cwd });
    const url = res.stdout.trim();
    return res.exitCode === 0 && url ? normalizeRemote(url) : null;
  } catch {
    return null;
  }
}

// The binding recorded in a vault journal, if any.
export function boundOrigin(journal: Readonly<Record<string, unknown>>): string | null {
  const b = journal[PROJECT_JOURNAL_KEY] as Partial<ProjectBinding> | undefined;
  return typeof b?.origin === "string" ? b.origin : null;
}
