// The result of one verification: OK / WARN / FAIL with the cause and the fix.

export const SERVICES = ["r2", "turso", "modal", "webhook", "vercel", "render", "github"] as const;
export type Service = (typeof SERVICES)[number];

export type CheckStatus = "ok" | "warn" | "fail";

/** One check's outcome, as printed and as listed by --json. */
export interface CheckResult {
  readonly service: Service | "cross";
  readonly id: string;
  readonly title: string;
  readonly status: CheckStatus;
  // What was seen (OK) or what is wrong (WARN/FAIL); never a secret value.
  readonly detail: string;
  // The command or variable that fixes a WARN/FAIL.
  readonly fix?: string;
}

// Builds a result; `fix` only matters for warn/fail.
export function result(
  service: CheckResult["service"],
  id: string,
  title: string,
  status: CheckStatus,
  detail: string,
  fix?: string,
): CheckResult {
  return Object.freeze({ service, id, title, status, detail, ...(fix ? { fix } : {}) });
}
