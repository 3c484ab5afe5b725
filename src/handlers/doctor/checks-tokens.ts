// Provider tokens: present and plausibly shaped. Presence + shape only — validity needs the
// providers' APIs and is checked online by `efs init` / `efs verify`.
import type { Check, CheckResult } from "../../system/types";

interface TokenSpec {
  readonly name: string;
  readonly usedBy: string;
  readonly shape: RegExp;
  readonly shapeHint: string;
  readonly where: string;
}

const TOKENS: readonly TokenSpec[] = [
  {
    name: "CLOUDFLARE_API_TOKEN",
    usedBy: "efs init (r2)",
    shape: /^[A-Za-z0-9_-]{40}$/,
    shapeHint: "40 letters, digits, - or _",
    where: "https://dash.cloudflare.com/profile/api-tokens",
  },
  {
    name: "TURSO_API_TOKEN",
    usedBy: "efs init (turso)",
    shape: /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/,
    shapeHint: "a JWT (three dot-separated parts)",
    where: "turso auth api-tokens mint efs",
  },
  {
    name: "VERCEL_TOKEN",
    usedBy: "efs init (vercel)",
    shape: /^[A-Za-z0-9_]{20,}$/,
    shapeHint: "20+ letters or digits",
    where: "https://vercel.com/account/tokens",
  },
  {
    name: "RENDER_API_KEY",
    usedBy: "efs init (render)",
    shape: /^rnd_[A-Za-z0-9]{16,}$/,
    shapeHint: "rnd_ followed by letters/digits",
    where: "https://dashboard.render.com/u/settings#api-keys",
  },
  {
    name: "GITHUB_TOKEN",
    usedBy: "efs init (github)",
    shape: /^(gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})$/,
    shapeHint: "ghp_…, gho_… or github_pat_…",
    where: "gh auth token, or https://github.com/settings/tokens",
  },
  {
    name: "MODAL_TOKEN_ID",
    usedBy: "efs init (modal)",
    shape: /^ak-[A-Za-z0-9]{8,}$/,
    shapeHint: "ak-…",
    where: "modal token new",
  },
  {
    name: "MODAL_TOKEN_SECRET",
    usedBy: "efs init (modal)",
    shape: /^as-[A-Za-z0-9]{8,}$/,
    shapeHint: "as-…",
    where: "modal token new",
  },
];

// One line per provider token (values are never shown).
export const tokenChecks: Check = async (ctx) =>
  TOKENS.map((t): CheckResult => {
    const v = ctx.env[t.name];
    const base = { id: `token:${t.name}`, title: t.name };
    if (v === undefined || v === "") {
      return {
        ...base,
        status: "warn",
        detail: `not set (needed by ${t.usedBy})`,
        fix: `export ${t.name}=… (from ${t.where})`,
      };
    }
    if (v !== v.trim())
      return {
        ...base,
        status: "fail",
        detail: "has surrounding whitespace or a newline",
        fix: `re-export ${t.name} without whitespace`,
      };
    if (!t.shape.test(v)) {
      return {
        ...base,
        status: "fail",
        detail: `does not look like a token (${v.length} chars; expected ${t.shapeHint})`,
        fix: `export ${t.name}=… (from ${t.where})`,
      };
    }
    return {
      ...base,
      status: "ok",
      detail: `set, ${v.length} chars (shape only; efs verify checks it online)`,
    };
  });
