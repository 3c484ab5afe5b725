// The names block of `efs init --plan`: each resource name, where it came from, and the
// worker's region with the reason it was chosen.
import type { InitInputs } from "../../checklist/inputs";
import { describeSource, NAME_INPUTS, NAME_LABELS, type NameKey } from "../../checklist/names";
import type { RegionChoice } from "../../checklist/regions";

/** One line of the names block (also the `names` array of `--json`). */
export interface NameRow {
  readonly key: NameKey | "renderRegion";
  readonly what: string;
  readonly value: string | null;
  readonly source: string;
  readonly from: string;
  readonly flag: string;
}

// The rows for a run's inputs and the worker's region choice.
export function describeNames(inputs: InitInputs, region: RegionChoice): NameRow[] {
  const rows: NameRow[] = (Object.keys(NAME_LABELS) as NameKey[]).map((key) => {
    const n = inputs.names[key];
    return {
      key,
      what: NAME_LABELS[key],
      value: n.value,
      source: n.source,
      from: describeSource(n),
      flag: NAME_INPUTS[key].flag,
    };
  });
  rows.push({
    key: "renderRegion",
    what: "Render region",
    value: region.region ?? null,
    source: inputs.renderRegion ? "flag" : "turso",
    from: region.problem ?? region.because,
    flag: "--render-region",
  });
  return rows;
}

// The rows as text.
export function renderNames(rows: readonly NameRow[]): string {
  const w = Math.max(...rows.map((r) => (r.value ?? "?").length));
  return [
    "Names (a flag wins, then its env twin, then the vault, then the checklist):",
    ...rows.map(
      (r) =>
        `  ${r.what.padEnd(15)} ${(r.value ?? "?").padEnd(w)}  ${r.from}${r.source === "flag" || r.value === null ? "" : ` (${r.flag} to change)`}`,
    ),
  ].join("\n");
}
