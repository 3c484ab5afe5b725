// Project state: the vault opens with the available key and git never sees it.
import { statSync } from "node:fs";
import { relative } from "node:path";
import { isEfsError } from "../../errors";
import { probe } from "../../system/probe";
import type { Check, CheckResult } from "../../system/types";
import { hookInstalled } from "../../vault/hook";
import { Vault } from "../../vault/vault";

// The vault exists (or not yet), has mode 0600 and opens with the key at hand.
export const vaultCheck: Check = async (ctx) => {
  const vault = new Vault({ root: ctx.cwd, keys: { env: ctx.env } });
  const base = { id: "vault", title: "Vault" };
  if (!vault.exists())
    return { ...base, status: "ok", detail: "no vault yet (created by efs env set / efs init)" };
  try {
    const state = await vault.read();
    const mode = statSync(vault.path).mode & 0o777;
    if (mode !== 0o600) {
      return {
        ...base,
        status: "warn",
        detail: `readable, but mode ${mode.toString(8)}`,
        fix: `chmod 600 ${vault.path}`,
      };
    }
    return {
      ...base,
      status: "ok",
      detail: `${state.entries().length} variable(s), ${relative(ctx.cwd, vault.path)}`,
    };
  } catch (e) {
    if (isEfsError(e)) return { ...base, status: "fail", detail: e.message, fix: e.fix };
    throw e;
  }
};

// The project is a git repository, .efs/ is ignored, nothing secret is tracked, and the
// pre-commit guard is installed.
export const gitCheck: Check = async (ctx) => {
  const git = (args: string[]) => probe("git", args, ctx.env, ctx.cwd);
  const inside = await git(["rev-parse", "--is-inside-work-tree"]);
  if (inside.code !== 0 || inside.stdout.trim() !== "true") {
    return {
      id: "git",
      title: "git repository",
      status: "warn",
      detail: "not a git repository (nothing to protect)",
      fix: "git init",
    };
  }
  const results: CheckResult[] = [];
  const ignored = await git(["check-ignore", "-q", ".efs/vault.json"]);
  results.push(
    ignored.code === 0
      ? { id: "git:ignore", title: "git ignores .efs/", status: "ok", detail: ".efs/ is ignored" }
      : {
          id: "git:ignore",
          title: "git ignores .efs/",
          status: "fail",
          detail: ".efs/vault.json is not git-ignored",
          fix: "echo .efs/ >> .gitignore",
        },
  );
  const tracked = await git(["ls-files", "--", ".efs", ".env", "*.vault"]);
  const files = tracked.stdout.split("\n").filter(Boolean);
  results.push(
    files.length === 0
      ? {
          id: "git:tracked",
          title: "no secrets tracked",
          status: "ok",
          detail: "no vault or .env file is tracked",
        }
      : {
          id: "git:tracked",
          title: "no secrets tracked",
          status: "fail",
          detail: `tracked by git: ${files.join(", ")}`,
          fix: `git rm --cached ${files.join(" ")} && git commit, then rotate every secret they held`,
        },
  );
  results.push(
    (await hookInstalled(ctx.cwd, ctx.env))
      ? {
          id: "git:hook",
          title: "pre-commit guard",
          status: "ok",
          detail: "refuses commits of vault/env files",
        }
      : {
          id: "git:hook",
          title: "pre-commit guard",
          status: "warn",
          detail: "not installed",
          fix: "efs vault hook install (or efs doctor --fix)",
          fixHook: true,
        },
  );
  return results;
};
