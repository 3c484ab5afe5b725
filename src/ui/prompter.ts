// The one way commands ask questions. Every question names its flag or env-var twin, so a
// non-interactive run (stdin not a TTY, or CI) fails at once telling the user what to pass.
// The @clack/prompts implementation is loaded only when a question is actually asked.
import { EfsError, EXIT } from "../errors";
import type { TextSink } from "./output";

export interface Question {
  readonly message: string;
  // The flag or env var that answers this question without a prompt, e.g. "--value" or
  // "EFS_VAULT_PASSPHRASE". Scripted prompters are keyed by it.
  readonly flag: string;
}

export interface TextQuestion extends Question {
  readonly placeholder?: string;
  readonly initial?: string;
  // Returns a problem description, or undefined when the answer is acceptable.
  readonly validate?: (value: string) => string | undefined;
}

export interface ConfirmQuestion extends Question {
  readonly initial?: boolean;
}

interface Choice<T extends string> {
  readonly value: T;
  readonly label: string;
  readonly hint?: string;
}

export interface SelectQuestion<T extends string> extends Question {
  readonly options: readonly Choice<T>[];
  readonly initial?: T;
}

export interface Spinner {
  start(message: string): void;
  message(message: string): void;
  stop(message?: string): void;
  error(message?: string): void;
}

/** Asks the user; cancelling (Ctrl-C, Esc) throws an EfsError with exit code 130. */
export interface Prompter {
  readonly interactive: boolean;
  text(q: TextQuestion): Promise<string>;
  password(q: TextQuestion): Promise<string>;
  confirm(q: ConfirmQuestion): Promise<boolean>;
  select<T extends string>(q: SelectQuestion<T>): Promise<T>;
  spinner(): Spinner;
}

export interface PrompterOptions {
  readonly interactive: boolean;
  // --yes: confirmations answer themselves with "yes".
  readonly yes: boolean;
  readonly stderr: TextSink;
  readonly signal?: AbortSignal;
  // Suppress spinner text (--json).
  readonly quiet?: boolean;
}

// True when prompting is allowed: stdin is a terminal and CI is not set.
export function canPrompt(
  stdin: { isTTY?: boolean } = process.stdin,
  env: NodeJS.ProcessEnv = process.env,
): boolean {
  const ci = env.CI;
  const inCi = ci !== undefined && ci !== "" && ci !== "0" && ci.toLowerCase() !== "false";
  return Boolean(stdin.isTTY) && !inCi;
}

// The error a non-interactive run raises for a question it cannot ask.
export function missingAnswer(q: Question): EfsError {
  return new EfsError(
    `No answer for "${q.message}": efs never prompts when stdin is not a terminal or CI is set`,
    { fix: `pass ${q.flag}`, exitCode: EXIT.usage, code: "MISSING_ANSWER" },
  );
}

// Builds the prompter for this run: clack when interactive, fail-fast otherwise.
export function createPrompter(options: PrompterOptions): Prompter {
  return options.interactive ? new LazyClackPrompter(options) : new NonInteractivePrompter(options);
}

/** Never prompts: confirmations need --yes, every other question throws naming its flag. */
class NonInteractivePrompter implements Prompter {
  readonly interactive = false;
  readonly #o: PrompterOptions;

  constructor(options: PrompterOptions) {
    this.#o = options;
  }

  async text(q: TextQuestion): Promise<string> {
    throw missingAnswer(q);
  }

  async password(q: TextQuestion): Promise<string> {
    throw missingAnswer(q);
  }

  async confirm(q: ConfirmQuestion): Promise<boolean> {
    if (this.#o.yes) return true;
    throw missingAnswer({
      message: q.message,
      flag: q.flag === "--yes" ? "--yes" : `${q.flag} or --yes`,
    });
  }

  async select<T extends string>(q: SelectQuestion<T>): Promise<T> {
    throw missingAnswer(q);
  }

  spinner(): Spinner {
    return lineSpinner(this.#o.stderr, this.#o.quiet ?? false);
  }
}

// A spinner that prints one line per state change (logs, CI).
export function lineSpinner(sink: TextSink, quiet: boolean): Spinner {
  const w = (s: string) => {
    if (!quiet) sink.write(`${s}\n`);
  };
  return {
    start: (m) => w(`… ${m}`),
    message: (m) => w(`… ${m}`),
    stop: (m) => m && w(`✔ ${m}`),
    error: (m) => m && w(`✖ ${m}`),
  };
}

/** Interactive prompter: loads ./clack-prompter on the first question. */
class LazyClackPrompter implements Prompter {
  readonly interactive = true;
  readonly #o: PrompterOptions;
  #impl: Promise<Prompter> | undefined;

  constructor(options: PrompterOptions) {
    this.#o = options;
  }

  #load(): Promise<Prompter> {
    this.#impl ??= import("./clack-prompter").then((m) => m.createClackPrompter(this.#o));
    return this.#impl;
  }

  async text(q: TextQuestion): Promise<string> {
    return (await this.#load()).text(q);
  }

  async password(q: TextQuestion): Promise<string> {
    return (await this.#load()).password(q);
  }

  async confirm(q: ConfirmQuestion): Promise<boolean> {
    if (this.#o.yes) return true;
    return (await this.#load()).confirm(q);
  }

  async select<T extends string>(q: SelectQuestion<T>): Promise<T> {
    return (await this.#load()).select(q);
  }

  spinner(): Spinner {
    // Spinners start synchronously; buffer calls until clack is loaded.
    let real: Spinner | undefined;
    const pending: ((s: Spinner) => void)[] = [];
    void this.#load().then((p) => {
      real = p.spinner();
      for (const f of pending.splice(0)) f(real);
    });
    const call = (f: (s: Spinner) => void) => (real ? f(real) : pending.push(f));
    return {
      start: (m) => call((s) => s.start(m)),
      message: (m) => call((s) => s.message(m)),
      stop: (m) => call((s) => s.stop(m)),
      error: (m) => call((s) => s.error(m)),
    };
  }
}
