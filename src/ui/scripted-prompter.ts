// A prompter driven by a script of answers keyed by each question's flag (for tests and
// for handlers that want to replay answers). Unscripted questions fail like a CI run.
import { interrupted } from "../errors";
import {
  type ConfirmQuestion,
  lineSpinner,
  missingAnswer,
  type Prompter,
  type Question,
  type SelectQuestion,
  type Spinner,
  type TextQuestion,
} from "./prompter";

// An answer; the CANCEL answer simulates Ctrl-C at that prompt.
export type ScriptedAnswer =
  | string
  | boolean
  | typeof CANCEL
  | readonly (string | boolean | typeof CANCEL)[];

export const CANCEL: unique symbol = Symbol("cancel");

export interface AskedQuestion {
  readonly kind: "text" | "password" | "confirm" | "select";
  readonly flag: string;
  readonly message: string;
}

/** Answers from a script; an array answers the same flag several times in order. */
export class ScriptedPrompter implements Prompter {
  readonly interactive = true;
  readonly asked: AskedQuestion[] = [];
  readonly spinnerLog: string[] = [];
  readonly #queues = new Map<string, (string | boolean | typeof CANCEL)[]>();

  constructor(script: Record<string, ScriptedAnswer>) {
    for (const [flag, a] of Object.entries(script)) {
      this.#queues.set(flag, Array.isArray(a) ? [...a] : [a as string | boolean | typeof CANCEL]);
    }
  }

  #next(kind: AskedQuestion["kind"], q: Question): string | boolean {
    this.asked.push({ kind, flag: q.flag, message: q.message });
    const a = this.#queues.get(q.flag)?.shift();
    if (a === undefined) throw missingAnswer(q);
    if (a === CANCEL) throw interrupted();
    return a;
  }

  #textual(kind: "text" | "password", q: TextQuestion): string {
    const a = String(this.#next(kind, q));
    const problem = q.validate?.(a);
    if (problem)
      throw new Error(`scripted answer for ${q.flag} rejected by validation: ${problem}`);
    return a;
  }

  async text(q: TextQuestion): Promise<string> {
    return this.#textual("text", q);
  }

  async password(q: TextQuestion): Promise<string> {
    return this.#textual("password", q);
  }

  async confirm(q: ConfirmQuestion): Promise<boolean> {
    const a = this.#next("confirm", q);
    return a === true || a === "yes" || a === "y";
  }

  async select<T extends string>(q: SelectQuestion<T>): Promise<T> {
    const a = String(this.#next("select", q));
    if (!q.options.some((o) => o.value === a))
      throw new Error(`scripted answer ${a} is not an option of ${q.flag}`);
    return a as T;
  }

  spinner(): Spinner {
    return lineSpinner({ write: (s: string) => this.spinnerLog.push(s) }, false);
  }

  // Flags whose scripted answers were never used (a test can assert this is empty).
  unused(): string[] {
    return [...this.#queues].filter(([, q]) => q.length > 0).map(([f]) => f);
  }
}
