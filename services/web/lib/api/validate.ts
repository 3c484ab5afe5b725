// Validates parsed input with a zod schema; failures become a 400 naming the field.
import type { z } from "zod";
import { ApiError } from "./errors";

// Returns the parsed value or throws ApiError(400) like `format: must be one of … (got "vhs")`.
export function validate<S extends z.ZodTypeAny>(schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue && issue.path.length > 0 ? `${formatPath(issue.path)}: ` : "";
  throw new ApiError(400, "bad_request", `${where}${issue?.message ?? "invalid input"}`);
}

function formatPath(path: (string | number)[]): string {
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? p : `.${p}`)).join("");
}
