// The shape of one `efs doctor` check and its outcome.

export type CheckStatus = "ok" | "warn" | "fail";

/** One line of the doctor report. */
export interface CheckResult {
  readonly id: string;
  readonly title: string;
  readonly status: CheckStatus;
  readonly detail: string;
  // The command that fixes it (shown on WARN/FAIL).
  readonly fix?: string;
  // Debian packages `efs doctor --fix` may install for it.
  readonly apt?: readonly string[];
  // `efs doctor --fix` can install the git pre-commit guard for it.
  readonly fixHook?: boolean;
}

/** What checks may read: no process globals. */
export interface CheckContext {
  readonly cwd: string;
  readonly env: Readonly<NodeJS.ProcessEnv>;
  readonly signal: AbortSignal;
  // Launch Chromium to test WebGL (off with --no-webgl).
  readonly webgl: boolean;
}

export type Check = (ctx: CheckContext) => Promise<CheckResult | CheckResult[]>;
