// Checks emulated requests and responses against a provider's published OpenAPI 3.0
// description (ajv for the JSON Schema part). Beyond what a plain schema check does, the
// emulations are held to what the description *documents*: a query parameter, a body field
// or a response field it does not name is a problem, as is a success status it does not list.
import Ajv, { type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import type { OperationCheck, RequestInput } from "./types";

type Json = Record<string, unknown>;

export interface DescriptionOptions {
  // Name used in messages ("the Turso description").
  name: string;
  // JSON pointer (in the document) of the error body for statuses an operation does not
  // list (429, 5xx, …); absent: such error bodies are not checked.
  fallbackError?: string;
  // Hold every error body (4xx/5xx) to `fallbackError`, whatever the operation lists.
  errorsUseFallback?: boolean;
}

const METHODS = ["get", "post", "put", "patch", "delete"] as const;

// The checks of one published description, looked up by method and path template.
export class OpenApiDescription {
  readonly name: string;
  readonly #doc: Json;
  readonly #ajv: Ajv;
  readonly #requestAjv: Ajv;
  readonly #params: Ajv;
  readonly #fallback?: string;
  readonly #errorsUseFallback: boolean;
  readonly #ops = new Map<string, OperationCheck | null>();
  readonly #compiled = new WeakMap<object, ValidateFunction>();
  readonly #compiledRequest = new WeakMap<object, ValidateFunction>();
  readonly #compiledParams = new WeakMap<object, ValidateFunction>();

  constructor(doc: Json, opts: DescriptionOptions) {
    this.name = opts.name;
    this.#doc = prepare(structuredClone(doc));
    // OpenAPI: a required readOnly member is required in responses only, a required
    // writeOnly member in requests only.
    const responseDoc = prepare(withoutRequired(structuredClone(doc), "writeOnly"));
    const requestDoc = prepare(withoutRequired(structuredClone(doc), "readOnly"));
    this.#fallback = opts.fallbackError;
    this.#errorsUseFallback = opts.errorsUseFallback === true;
    const base = { strict: false, allErrors: true, validateSchema: false } as const;
    this.#ajv = addFormats(new Ajv(base));
    this.#requestAjv = addFormats(new Ajv(base));
    this.#params = addFormats(new Ajv({ ...base, coerceTypes: "array" }));
    this.#ajv.addSchema(responseDoc, "spec");
    this.#requestAjv.addSchema(requestDoc, "spec");
    this.#params.addSchema(requestDoc, "spec");
  }

  // The operation for `method` on a path template (`{x}` or `:x` segments), or undefined.
  operation(method: string, template: string): OperationCheck | undefined {
    const key = `${method.toLowerCase()} ${shape(template)}`;
    if (!this.#ops.has(key)) this.#ops.set(key, this.#build(method.toLowerCase(), template));
    return this.#ops.get(key) ?? undefined;
  }

  // Every documented operation as "METHOD /path".
  operations(): string[] {
    const out: string[] = [];
    for (const [path, item] of Object.entries(this.#paths()))
      for (const m of METHODS) if ((item as Json)[m]) out.push(`${m.toUpperCase()} ${path}`);
    return out;
  }

  #paths(): Json {
    return (this.#doc.paths ?? {}) as Json;
  }

  #build(method: string, template: string): OperationCheck | null {
    const path = Object.keys(this.#paths()).find((p) => shape(p) === shape(template));
    const item = path ? (this.#paths()[path] as Json) : undefined;
    const op = item?.[method] as Json | undefined;
    if (!path || !item || !op) return null;
    const id = `${method.toUpperCase()} ${path}`;
    const names = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
    const params = [
      ...((item.parameters as Json[]) ?? []),
      ...((op.parameters as Json[]) ?? []),
    ].map((p) => this.#deref(p));
    const where = `${this.name}, ${id}`;
    return {
      id,
      pathParams: names,
      request: (input) => this.#checkRequest(where, params, op, input),
      response: (status, body) => this.#checkResponse(where, op, status, body),
    };
  }

  #checkRequest(where: string, params: Json[], op: Json, input: RequestInput): string[] {
    const problems: string[] = [];
    const documented = new Set(params.filter((p) => p.in === "query").map((p) => p.name));
    for (const name of new Set(input.query.keys())) {
      if (!documented.has(name)) problems.push(`query parameter "${name}" is not documented`);
    }
    for (const p of params) {
      const name = String(p.name);
      const raw =
        p.in === "path"
          ? input.params[name]
          : p.in === "query"
            ? input.query.getAll(name)
            : p.in === "header"
              ? (input.headers.get(name) ?? undefined)
              : undefined;
      const missing = raw === undefined || (Array.isArray(raw) && raw.length === 0);
      if (missing) {
        if (p.required) problems.push(`${p.in} parameter "${name}" is required`);
        continue;
      }
      const schema = (p.schema ?? {}) as Json;
      const isArray = this.#deref(schema).type === "array";
      const holder = { v: Array.isArray(raw) && !isArray ? raw[0] : raw };
      const check = this.#compileParam(schema);
      if (!check(holder)) problems.push(...errors(check, `${p.in} parameter "${name}"`));
    }
    const body = op.requestBody ? this.#deref(op.requestBody as Json) : undefined;
    const schema = (body?.content as Json | undefined)?.["application/json"] as Json | undefined;
    if (input.body === undefined) {
      // A "required" body whose media type has no schema documents nothing to send
      // (Cloudflare's token deletes: `content: {application/json: {}}`); none is accepted.
      if (body?.required && schema?.schema) problems.push("the request body is required");
    } else if (!schema) {
      problems.push("the operation takes no JSON request body");
    } else if (schema.schema) {
      problems.push(
        ...this.#checkValue(schema.schema as Json, input.body, "request body", "request"),
      );
    }
    return problems.map((p) => `${where}: ${p}`);
  }

  #checkResponse(where: string, op: Json, status: number, body: unknown): string[] {
    const responses = (op.responses ?? {}) as Json;
    if (status >= 400 && this.#errorsUseFallback && this.#fallback) {
      if (body === undefined) return [`${where}: HTTP ${status} must carry a JSON body`];
      return this.#checkValue({ $ref: `spec#${this.#fallback}` }, body, `HTTP ${status} body`).map(
        (p) => `${where}: ${p}`,
      );
    }
    const spec =
      responses[String(status)] ??
      responses[`${String(status)[0]}XX`] ??
      responses[`${String(status)[0]}xx`] ??
      responses.default;
    let schema: Json | undefined;
    if (spec) {
      const content = this.#deref(spec as Json).content as Json | undefined;
      schema = (content?.["application/json"] as Json | undefined)?.schema as Json | undefined;
      if (!schema && body !== undefined)
        return [`${where}: HTTP ${status} is documented without a body, but one was sent`];
    } else if (status < 400) {
      const listed = Object.keys(responses).join(", ");
      return [`${where}: HTTP ${status} is not a documented answer (documented: ${listed})`];
    } else if (this.#fallback) {
      schema = { $ref: `spec#${this.#fallback}` };
    }
    if (!schema) return [];
    if (body === undefined) return [`${where}: HTTP ${status} must carry a JSON body`];
    return this.#checkValue(schema, body, `HTTP ${status} body`).map((p) => `${where}: ${p}`);
  }

  // Schema errors, then fields the description does not declare.
  #checkValue(
    schema: Json,
    value: unknown,
    what: string,
    side: "request" | "response" = "response",
  ): string[] {
    const check = this.#compile(schema, side);
    if (!check(value)) return errors(check, what);
    return undeclared(schema, value, what, {
      deref: (s) => this.#deref(s),
      matches: (s, v) => this.#compile(s, side)(v) === true,
    });
  }

  #compile(schema: Json, side: "request" | "response" = "response"): ValidateFunction {
    const [ajv, cache] =
      side === "request" ? [this.#requestAjv, this.#compiledRequest] : [this.#ajv, this.#compiled];
    let fn = cache.get(schema);
    if (!fn) {
      fn = ajv.compile(schema);
      cache.set(schema, fn);
    }
    return fn;
  }

  // Parameters arrive as strings: checked with type coercion, wrapped as {v}.
  #compileParam(schema: Json): ValidateFunction {
    let fn = this.#compiledParams.get(schema);
    if (!fn) {
      fn = this.#params.compile({ type: "object", properties: { v: schema } });
      this.#compiledParams.set(schema, fn);
    }
    return fn;
  }

  // Follows `$ref`s ("spec#/…", after prepare) to the object they point at.
  #deref(node: Json): Json {
    let cur = node;
    for (let i = 0; i < 20 && typeof cur.$ref === "string"; i++) {
      const pointer = cur.$ref.replace(/^spec#/, "");
      cur = resolvePointer(this.#doc, pointer) as Json;
    }
    return cur;
  }
}

// Path shape for matching: every parameter segment reads "{}".
function shape(path: string): string {
  return path.replace(/\{[^}]+\}|:[A-Za-z_][A-Za-z0-9_]*/g, "{}").replace(/\/+$/, "");
}

function resolvePointer(doc: Json, pointer: string): unknown {
  let cur: unknown = doc;
  for (const raw of pointer.split("/").slice(1)) {
    const key = decodeURIComponent(raw).replace(/~1/g, "/").replace(/~0/g, "~");
    cur = (cur as Json | undefined)?.[key];
  }
  if (cur === undefined) throw new Error(`unresolvable $ref ${pointer}`);
  return cur;
}

// Drops from every `required` list the members marked `flag` (readOnly / writeOnly).
function withoutRequired(doc: Json, flag: "readOnly" | "writeOnly"): Json {
  const flagged = (s: unknown, depth = 0): boolean => {
    const o = s as Json | undefined;
    if (!o || typeof o !== "object" || depth > 20) return false;
    if (o[flag] === true) return true;
    if (typeof o.$ref === "string" && o.$ref.startsWith("#"))
      return flagged(resolvePointer(doc, o.$ref.slice(1)), depth + 1);
    return ((o.allOf as Json[] | undefined) ?? []).some((x) => flagged(x, depth + 1));
  };
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) {
      for (const x of n) walk(x);
      return;
    }
    if (!n || typeof n !== "object") return;
    const o = n as Json;
    if (Array.isArray(o.required) && o.properties && typeof o.properties === "object") {
      const props = o.properties as Json;
      o.required = (o.required as string[]).filter((k) => !flagged(props[k]));
    }
    for (const v of Object.values(o)) walk(v);
  };
  walk(doc);
  return doc;
}

// Makes refs absolute to the document's id and turns OpenAPI 3.0 boolean
// exclusiveMinimum/Maximum into their JSON Schema form, so ajv compiles any subschema alone.
function prepare(node: Json): Json {
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) {
      for (const x of n) walk(x);
      return;
    }
    if (!n || typeof n !== "object") return;
    const o = n as Json;
    if (typeof o.$ref === "string" && o.$ref.startsWith("#")) o.$ref = `spec${o.$ref}`;
    for (const [flag, bound] of [
      ["exclusiveMinimum", "minimum"],
      ["exclusiveMaximum", "maximum"],
    ] as const) {
      if (typeof o[flag] === "boolean") {
        if (o[flag] === true) o[flag] = o[bound];
        else delete o[flag];
        if (o[flag] !== undefined) delete o[bound];
      }
    }
    for (const v of Object.values(o)) walk(v);
  };
  walk(node);
  return node;
}

function errors(check: ValidateFunction, what: string): string[] {
  return (check.errors ?? []).slice(0, 5).map((e) => {
    const path = e.instancePath.replace(/^\/v(?=\/|$)/, what.endsWith('"') ? "" : "/v");
    const at = path ? `${what} at ${path}` : what;
    const extra = e.params && "allowedValues" in e.params ? ` (${e.params.allowedValues})` : "";
    return `${at} ${e.message ?? "is invalid"}${extra}`;
  });
}

interface Walk {
  deref: (s: Json) => Json;
  matches: (s: Json, v: unknown) => boolean;
}

// Object members present in `value` that no applicable schema declares. A schema that
// allows additional properties (or declares none) accepts anything, as published.
export function undeclared(schema: Json, value: unknown, what: string, w: Walk): string[] {
  const out: string[] = [];
  const visit = (s: Json, v: unknown, at: string): void => {
    const sch = w.deref(s);
    if (Array.isArray(v)) {
      const items = sch.items as Json | undefined;
      if (items) for (const [i, x] of v.entries()) visit(items, x, `${at}/${i}`);
      for (const sub of branches(sch, v, w)) visit(sub, v, at);
      return;
    }
    if (!v || typeof v !== "object") return;
    const { declared, open, nested } = members(sch, v, w);
    for (const [k, x] of Object.entries(v as Json)) {
      if (!open && !declared.has(k)) out.push(`${what} has "${at}/${k}", which is not documented`);
      for (const sub of nested.get(k) ?? []) visit(sub, x, `${at}/${k}`);
    }
  };
  visit(schema, value, "");
  return [...new Set(out)];
}

// The subschemas that apply to `v`: every allOf, and the anyOf/oneOf branches it matches.
function branches(sch: Json, v: unknown, w: Walk): Json[] {
  const all = (sch.allOf as Json[] | undefined) ?? [];
  const some = [
    ...((sch.anyOf as Json[] | undefined) ?? []),
    ...((sch.oneOf as Json[] | undefined) ?? []),
  ].filter((b) => w.matches(b, v));
  return [...all, ...some];
}

function members(sch: Json, v: unknown, w: Walk) {
  const declared = new Set<string>();
  const nested = new Map<string, Json[]>();
  let open = false;
  let sawProperties = false;
  const collect = (s: Json, depth: number): void => {
    const d = w.deref(s);
    if (d.properties) {
      sawProperties = true;
      for (const [k, p] of Object.entries(d.properties as Json)) {
        declared.add(k);
        nested.set(k, [...(nested.get(k) ?? []), p as Json]);
      }
    }
    // A free-form object ("type: object" declaring nothing) anywhere in the chain allows
    // any member, as in allOf: [{type: object}, {properties: {value}}].
    const freeForm =
      !d.properties &&
      d.additionalProperties === undefined &&
      !d.allOf &&
      !d.anyOf &&
      !d.oneOf &&
      (d.type === "object" || d.type === undefined) &&
      !d.enum;
    if (freeForm) open = true;
    const extra = d.additionalProperties;
    if (extra === true || (extra && typeof extra === "object")) {
      open = true;
      if (typeof extra === "object" && v && typeof v === "object")
        for (const k of Object.keys(v as Json))
          if (!declared.has(k)) nested.set(k, [...(nested.get(k) ?? []), extra as Json]);
    }
    if (depth < 20) for (const b of branches(d, v, w)) collect(b, depth + 1);
  };
  collect(sch, 0);
  // A free-form object ("type: object" with nothing declared) documents no members.
  if (!sawProperties) open = true;
  return { declared, open, nested };
}
