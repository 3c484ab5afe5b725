// Runs one check body; a missing credential becomes a WARN naming it, any other error a FAIL
// — except Ctrl-C / SIGTERM, which stops the whole run.
import { isInterruption } from "../errors";
import { ProviderError } from "../providers/errors";
import { MissingCredential } from "../stack/context";
import { type CheckResult, result } from "./types";

type Body = () => Promise<CheckResult | CheckResult[]>;

// Runs `body`, turning thrown errors into results for (service, id, title).
export async function guard(
  service: CheckResult["service"],
  id: string,
  title: string,
  body: Body,
): Promise<CheckResult[]> {
  try {
    const r = await body();
    return Array.isArray(r) ? r : [r];
  } catch (e) {
    if (isInterruption(e)) throw e;
    if (e instanceof MissingCredential)
      return [result(service, id, title, "warn", e.message, e.fix)];
    if (e instanceof ProviderError) {
      const [first] = e.message.split("\n");
      return [result(service, id, title, "fail", first ?? e.message, e.hint)];
    }
    const fix = (e as { fix?: string }).fix;
    return [result(service, id, title, "fail", (e as Error).message, fix)];
  }
}

// A FAIL for a variable the vault lacks.
export function missingVar(
  service: CheckResult["service"],
  id: string,
  title: string,
  name: string,
): CheckResult {
  return result(
    service,
    id,
    title,
    "fail",
    `${name} is not in the vault`,
    `run efs init --only ${service === "cross" ? "vercel" : service} (or efs env set ${name})`,
  );
}
