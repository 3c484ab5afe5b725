// The interactive prompter over @clack/prompts (loaded lazily by ./prompter).
import * as p from "@clack/prompts";
import { interrupted } from "../errors";
import type {
  ConfirmQuestion,
  Prompter,
  PrompterOptions,
  SelectQuestion,
  Spinner,
  TextQuestion,
} from "./prompter";

// Prompts go to stderr so stdout stays clean for results and pipes.
export function createClackPrompter(options: PrompterOptions): Prompter {
  const common = { output: process.stderr, signal: options.signal };
  const unwrap = <T>(answer: T | symbol): Exclude<T, symbol> => {
    if (p.isCancel(answer) || typeof answer === "symbol") throw interrupted();
    return answer as Exclude<T, symbol>;
  };
  return {
    interactive: true,
    async text(q: TextQuestion) {
      return unwrap(
        await p.text({
          ...common,
          message: q.message,
          placeholder: q.placeholder,
          initialValue: q.initial,
          validate: q.validate ? (v) => q.validate?.(v ?? "") : undefined,
        }),
      );
    },
    async password(q: TextQuestion) {
      return unwrap(
        await p.password({
          ...common,
          message: q.message,
          validate: q.validate ? (v) => q.validate?.(v ?? "") : undefined,
        }),
      );
    },
    async confirm(q: ConfirmQuestion) {
      return unwrap(await p.confirm({ ...common, message: q.message, initialValue: q.initial }));
    },
    async select<T extends string>(q: SelectQuestion<T>) {
      type Options = Parameters<typeof p.select<T>>[0]["options"];
      const options = q.options.map((o) => ({ value: o.value, label: o.label, hint: o.hint }));
      return unwrap(
        await p.select<T>({
          ...common,
          message: q.message,
          options: options as unknown as Options,
          initialValue: q.initial,
        }),
      );
    },
    spinner(): Spinner {
      const s = p.spinner(common);
      return {
        start: (m) => s.start(m),
        message: (m) => s.message(m),
        stop: (m) => s.stop(m),
        error: (m) => s.error(m),
      };
    },
  };
}
