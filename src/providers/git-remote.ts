// Finds the GitHub repository of a working tree from `git remote get-url`.
import { runChild } from "@efs/core/proc/run";
import type { RepoRef } from "./github";

// Parses owner/repo out of an https, ssh or scp-like GitHub remote URL.
function parseGitHubRemote(url: string): RepoRef | null {
  const m = /github\.com[:/]([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+?)(?:\.git)?\/?$/.exec(url.trim());
  return m?.[1] && m[2] ? { owner: m[1], repo: m[2] } : null;
}

// Parses "owner/repo" as given on the command line.
export function parseRepoArg(value: string): RepoRef | null {
  const m = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)$/.exec(value.trim());
  return m?.[1] && m[2] ? { owner: m[1], repo: m[2] } : parseGitHubRemote(value);
}

// The GitHub repository behind `remote` in `cwd`, or null when there is none.
export async function repoFromGit(cwd: string, remote = "origin"): Promise<RepoRef | null> {
  const res = await runChild("git", ["remote", "get-url", remote], { cwd });
  return res.exitCode === 0 ? parseGitHubRemote(res.stdout) : null;
}
