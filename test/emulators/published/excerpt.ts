// Cuts an OpenAPI document down to the operations the emulations serve, with every
// component they reference (transitively), so a vendored excerpt stays small and an npm
// document loads fast. Run as a script to refresh a vendored excerpt:
//   npx tsx test/emulators/published/excerpt.ts <full.json> <out.json> <path>…
// where a path ending in /** keeps everything under it.
import { readFileSync, writeFileSync } from "node:fs";

type Json = Record<string, unknown>;

// The document with only the paths `keep` accepts and the components they need.
// `alsoKeep` names further components to keep (e.g. "#/components/schemas/basic-error").
export function excerpt(
  doc: Json,
  keep: (path: string) => boolean,
  alsoKeep: readonly string[] = [],
): Json {
  const paths = Object.fromEntries(
    Object.entries((doc.paths ?? {}) as Json).filter(([p]) => keep(p)),
  );
  const components: Record<string, Json> = {};
  const seen = new Set<string>();
  const queue: unknown[] = [paths, ...alsoKeep.map(($ref) => ({ $ref }))];
  while (queue.length) {
    const node = queue.pop();
    if (Array.isArray(node)) {
      queue.push(...node);
      continue;
    }
    if (!node || typeof node !== "object") continue;
    const o = node as Json;
    const ref = o.$ref;
    if (typeof ref === "string" && ref.startsWith("#/components/")) {
      const [kind, name] = ref.slice("#/components/".length).split("/") as [string, string];
      const key = `${kind}/${name}`;
      if (!seen.has(key)) {
        seen.add(key);
        const value = ((doc.components as Json)[kind] as Json)[name] as Json;
        components[kind] ??= {};
        components[kind]![name] = value;
        queue.push(value);
      }
    }
    queue.push(...Object.values(o));
  }
  const sorted = Object.fromEntries(
    Object.entries(components).map(([k, v]) => [
      k,
      Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))),
    ]),
  );
  return { openapi: doc.openapi, info: doc.info, paths, components: sorted };
}

if (process.argv[1]?.endsWith("excerpt.ts")) {
  const [src, out, ...prefixes] = process.argv.slice(2);
  if (!src || !out || prefixes.length === 0) {
    console.error("usage: excerpt.ts <full.json> <out.json> <path>…");
    process.exit(2);
  }
  const doc = JSON.parse(readFileSync(src, "utf8")) as Json;
  const cut = excerpt(doc, (p) =>
    prefixes.some((x) => (x.endsWith("/**") ? p.startsWith(x.slice(0, -2)) : p === x)),
  );
  writeFileSync(out, `${JSON.stringify(cut, null, 1)}\n`);
  console.log(`${out}: ${Object.keys(cut.paths as Json).length} paths`);
}
