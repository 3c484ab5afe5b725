// Vercel's published description as @vercel/sdk ships it: zod models generated from
// Vercel's OpenAPI document (the document itself is not published on a registry). Each
// operation the emulation serves is listed with the SDK's request model, the success
// statuses its generated client accepts (src/funcs/*.ts) and their response models.
// Zod strips members a model does not declare; a member lost in parsing is reported as
// undocumented, like the OpenAPI checks do.

import { CreateDeploymentResponseBody$inboundSchema } from "@vercel/sdk/models/createdeploymentresponsebody.js";
import { CreateProjectRequest$outboundSchema } from "@vercel/sdk/models/createprojectcontenthint2.js";
import {
  CreateProjectEnvRequest$outboundSchema,
  CreateProjectEnvResponseBody$inboundSchema,
} from "@vercel/sdk/models/createprojectenvop.js";
import { CreateProjectResponseBody$inboundSchema } from "@vercel/sdk/models/createprojectresponsebody.js";
import { DeleteProjectRequest$outboundSchema } from "@vercel/sdk/models/deleteprojectop.js";
import {
  EditProjectEnvRequest$outboundSchema,
  EditProjectEnvResponseBody$inboundSchema,
} from "@vercel/sdk/models/editprojectenvop.js";
import {
  FilterProjectEnvsRequest$outboundSchema,
  FilterProjectEnvsResponseBody$inboundSchema,
} from "@vercel/sdk/models/filterprojectenvsop.js";
import {
  GetDeploymentsRequest$outboundSchema,
  GetDeploymentsResponseBody$inboundSchema,
} from "@vercel/sdk/models/getdeploymentsop.js";
import {
  GetProjectEnvRequest$outboundSchema,
  GetProjectEnvResponseBody$inboundSchema,
} from "@vercel/sdk/models/getprojectenvop.js";
import { GetProjectRequest$outboundSchema } from "@vercel/sdk/models/getprojecthas2.js";
import { GetProjectResponseBody$inboundSchema } from "@vercel/sdk/models/getprojectresponsebody.js";
import {
  RemoveProjectEnvRequest$outboundSchema,
  RemoveProjectEnvResponseBody$inboundSchema,
} from "@vercel/sdk/models/removeprojectenvop.js";
import { CreateDeploymentRequest$outboundSchema } from "@vercel/sdk/models/responsebodyimages.js";
import { UpdateProjectRequest$outboundSchema } from "@vercel/sdk/models/updateprojectdefinitions.js";
import { UpdateProjectResponseBody$inboundSchema } from "@vercel/sdk/models/updateprojectresponsebody.js";
import type { Description, OperationCheck, RequestInput } from "./types";

// The slice of zod's runtime API used here (the SDK's models are zod/v3 schemas).
interface Model {
  safeParse(
    v: unknown,
  ):
    | { success: true; data: unknown }
    | { success: false; error: { issues: { path: (string | number)[]; message: string }[] } };
  _def?: { typeName?: string; schema?: Model; shape?: () => Record<string, Model> };
}

interface VercelOp {
  method: string;
  path: string;
  request: unknown;
  // Success statuses and their models (other 2xx/3xx are undocumented); NO_BODY: the
  // generated client reads that status without a body (M.nil).
  ok: Record<number, unknown>;
}

const NO_BODY = null;

const OPS: VercelOp[] = [
  {
    method: "GET",
    path: "/v9/projects/{idOrName}",
    request: GetProjectRequest$outboundSchema,
    ok: { 200: GetProjectResponseBody$inboundSchema },
  },
  {
    method: "PATCH",
    path: "/v9/projects/{idOrName}",
    request: UpdateProjectRequest$outboundSchema,
    ok: { 200: UpdateProjectResponseBody$inboundSchema },
  },
  {
    // projectsDeleteProject.ts: M.nil(204, z.void()).
    method: "DELETE",
    path: "/v9/projects/{idOrName}",
    request: DeleteProjectRequest$outboundSchema,
    ok: { 204: NO_BODY },
  },
  {
    method: "POST",
    path: "/v11/projects",
    request: CreateProjectRequest$outboundSchema,
    ok: { 200: CreateProjectResponseBody$inboundSchema },
  },
  {
    method: "GET",
    path: "/v10/projects/{idOrName}/env",
    request: FilterProjectEnvsRequest$outboundSchema,
    ok: { 200: FilterProjectEnvsResponseBody$inboundSchema },
  },
  {
    method: "POST",
    path: "/v10/projects/{idOrName}/env",
    request: CreateProjectEnvRequest$outboundSchema,
    ok: { 201: CreateProjectEnvResponseBody$inboundSchema },
  },
  {
    method: "GET",
    path: "/v1/projects/{idOrName}/env/{id}",
    request: GetProjectEnvRequest$outboundSchema,
    ok: { 200: GetProjectEnvResponseBody$inboundSchema },
  },
  {
    method: "PATCH",
    path: "/v9/projects/{idOrName}/env/{id}",
    request: EditProjectEnvRequest$outboundSchema,
    ok: { 200: EditProjectEnvResponseBody$inboundSchema },
  },
  {
    method: "DELETE",
    path: "/v9/projects/{idOrName}/env/{id}",
    request: RemoveProjectEnvRequest$outboundSchema,
    ok: { 200: RemoveProjectEnvResponseBody$inboundSchema },
  },
  {
    method: "GET",
    path: "/v7/deployments",
    request: GetDeploymentsRequest$outboundSchema,
    ok: { 200: GetDeploymentsResponseBody$inboundSchema },
  },
  {
    method: "POST",
    path: "/v13/deployments",
    request: CreateDeploymentRequest$outboundSchema,
    ok: { 200: CreateDeploymentResponseBody$inboundSchema },
  },
];

const shape = (p: string) =>
  p.replace(/\{[^}]+\}|:[A-Za-z_][A-Za-z0-9_]*/g, "{}").replace(/\/+$/, "");

// The request model's fields (the object inside a remapping transform).
function fields(model: Model): Record<string, Model> {
  const def = model._def;
  const inner = def?.typeName === "ZodEffects" && def.schema ? def.schema : model;
  return inner._def?.shape?.() ?? {};
}

// The zod type name under optional/nullable/default wrappers.
function baseType(m: Model | undefined): string | undefined {
  let cur = m as (Model & { _def?: { innerType?: Model } }) | undefined;
  for (let i = 0; i < 5 && cur?._def?.innerType; i++) cur = cur._def.innerType;
  return cur?._def?.typeName;
}

interface Issue {
  path: (string | number)[];
  message: string;
  unionErrors?: { issues: Issue[] }[];
}

// A union's issues are those of its closest branch (the one with the fewest).
function flatten(list: Issue[], prefix: (string | number)[] = []): Issue[] {
  return list.flatMap((i) => {
    const path = [...prefix, ...i.path];
    if (!i.unionErrors?.length) return [{ ...i, path }];
    const best = i.unionErrors
      .map((u) => flatten(u.issues, path))
      .sort((a, b) => a.length - b.length)[0]!;
    return best;
  });
}

function issues(result: ReturnType<Model["safeParse"]>, what: string): string[] {
  if (result.success) return [];
  return flatten(result.error.issues as Issue[])
    .slice(0, 5)
    .map((i) => `${what}${i.path.length ? ` at /${i.path.join("/")}` : ""}: ${i.message}`);
}

// Members of `input` that did not survive parsing (zod strips what a model does not declare).
export function dropped(input: unknown, output: unknown, what: string, at = ""): string[] {
  if (Array.isArray(input)) {
    if (!Array.isArray(output)) return [];
    return input.flatMap((x, i) => dropped(x, output[i], what, `${at}/${i}`));
  }
  if (!input || typeof input !== "object" || !output || typeof output !== "object") return [];
  const out: string[] = [];
  for (const [k, v] of Object.entries(input)) {
    if (!(k in output)) out.push(`${what} has "${at}/${k}", which is not documented`);
    else out.push(...dropped(v, (output as Record<string, unknown>)[k], what, `${at}/${k}`));
  }
  return out;
}

function operation(op: VercelOp): OperationCheck {
  const id = `${op.method} ${op.path}`;
  const where = `Vercel (@vercel/sdk), ${id}`;
  const model = op.request as Model;
  const names = [...op.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
  const all = fields(model);
  return {
    id,
    pathParams: names,
    request(input: RequestInput) {
      const problems: string[] = [];
      const ts: Record<string, unknown> = { ...input.params };
      for (const name of new Set(input.query.keys())) {
        const field = all[name];
        if (!field || names.includes(name) || name === "requestBody") {
          problems.push(`query parameter "${name}" is not documented`);
          continue;
        }
        const values = input.query.getAll(name);
        const type = baseType(field);
        const one = values[0]!;
        ts[name] =
          type === "ZodArray"
            ? values
            : type === "ZodNumber"
              ? Number(one)
              : type === "ZodBoolean"
                ? one === "true"
                  ? true
                  : one === "false"
                    ? false
                    : one
                : one;
      }
      const takesBody = "requestBody" in all;
      if (input.body !== undefined && !takesBody)
        problems.push("the operation takes no JSON request body");
      if (takesBody) ts.requestBody = input.body;
      const parsed = model.safeParse(ts);
      problems.push(...issues(parsed, "request"));
      if (parsed.success && takesBody) {
        const out = parsed.data as Record<string, unknown>;
        problems.push(...dropped(input.body, out.RequestBody ?? out.requestBody, "request body"));
      }
      return problems.map((p) => `${where}: ${p}`);
    },
    response(status, body) {
      const m = op.ok[status] as Model | null | undefined;
      if (m === NO_BODY && status in op.ok)
        return body === undefined
          ? []
          : [`${where}: HTTP ${status} is documented without a body, but one was sent`];
      if (!m) {
        if (status < 400) {
          const listed = Object.keys(op.ok).join(", ");
          return [`${where}: HTTP ${status} is not a documented answer (documented: ${listed})`];
        }
        // The generated client reads 4xx/5xx as failures without a model.
        return [];
      }
      if (body === undefined) return [`${where}: HTTP ${status} must carry a JSON body`];
      const parsed = m.safeParse(body);
      const problems = issues(parsed, `HTTP ${status} body`);
      if (parsed.success) problems.push(...dropped(body, parsed.data, `HTTP ${status} body`));
      return problems.map((p) => `${where}: ${p}`);
    },
  };
}

// The Vercel operations the emulation serves, checked with the SDK's models.
export function vercelDescription(): Description {
  const ops = new Map(OPS.map((op) => [`${op.method} ${shape(op.path)}`, operation(op)]));
  return {
    name: "Vercel (@vercel/sdk models)",
    operation: (method, template) => ops.get(`${method.toUpperCase()} ${shape(template)}`),
  };
}
