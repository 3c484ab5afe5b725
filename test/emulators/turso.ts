// Stateful Turso Platform API emulation: orgs, groups, databases (create, delete), database
// tokens.
import { randomBytes } from "node:crypto";
import { HttpResponse } from "msw";
import { bearer, type Ctx, fail, route } from "./route";
import { type EmulatorState, newId } from "./state";

const NAME = /^[a-z0-9-]{1,64}$/;

// A JWT-shaped fake database token.
export function fakeJwt(): string {
  const part = () => randomBytes(12).toString("base64url");
  return `eyJhbGciOiJFZERTQSJ9.${part()}.${part()}`;
}

// msw handlers for the Turso Platform API under `base`.
export function tursoHandlers(state: EmulatorState, base: string) {
  const t = state.turso;
  const r = (
    m: Parameters<typeof route>[2],
    p: string,
    h: (c: Ctx) => Response | Promise<Response>,
  ) =>
    route(state, "turso", m, base, p, (ctx) => {
      if (!t.tokens.has(bearer(ctx.request) ?? "")) return fail("turso", 401, "token is invalid");
      if (ctx.params.org !== undefined && !t.orgs.some((o) => o.slug === ctx.params.org)) {
        return fail("turso", 403, "you do not have access to this organization");
      }
      return h(ctx);
    });
  const org = (ctx: Ctx) => String(ctx.params.org);
  const dbs = (o: string) => t.dbs.get(o) ?? t.dbs.set(o, []).get(o)!;
  const groups = (o: string) => t.groups.get(o) ?? t.groups.set(o, []).get(o)!;

  return [
    r("get", "/v1/auth/validate", () => HttpResponse.json({ exp: -1 })),
    r("get", "/v1/organizations", () =>
      HttpResponse.json(
        t.orgs.map((o) => ({
          ...o,
          plan_id: "starter",
          overages: false,
          blocked_reads: false,
          blocked_writes: false,
        })),
      ),
    ),
    r("get", "/v1/locations", () =>
      HttpResponse.json({
        locations: {
          "aws-us-east-1": "AWS US East (Virginia)",
          "aws-eu-west-1": "AWS EU West (Ireland)",
        },
      }),
    ),
    r("get", "/v1/organizations/:org/groups", (ctx) =>
      HttpResponse.json({ groups: groups(org(ctx)) }),
    ),
    r("post", "/v1/organizations/:org/groups", async (ctx) => {
      const body = (await ctx.json()) as { name?: string; location?: string };
      const list = groups(org(ctx));
      if (!body.name || !NAME.test(body.name)) return fail("turso", 400, "invalid group name");
      if (list.some((g) => g.name === body.name))
        return fail("turso", 409, `group ${body.name} already exists`);
      const group = {
        name: body.name,
        uuid: newId("", 16),
        primary: body.location ?? "aws-us-east-1",
        locations: [body.location ?? "aws-us-east-1"],
      };
      list.push(group);
      return HttpResponse.json({ group });
    }),
    r("get", "/v1/organizations/:org/databases", (ctx) => {
      const g = ctx.url.searchParams.get("group");
      const list = dbs(org(ctx)).filter((d) => !g || d.group === g);
      return HttpResponse.json({ databases: list.map(fullDb) });
    }),
    r("post", "/v1/organizations/:org/databases", async (ctx) => {
      const body = (await ctx.json()) as { name?: string; group?: string };
      const o = org(ctx);
      if (!body.name || !NAME.test(body.name)) return fail("turso", 400, "invalid database name");
      const group = groups(o).find((g) => g.name === body.group);
      if (!group) return fail("turso", 400, "group not found");
      if (dbs(o).some((d) => d.Name === body.name)) {
        return fail("turso", 409, `database with name ${body.name} already exists`);
      }
      const db = {
        Name: body.name,
        DbId: crypto.randomUUID(),
        Hostname: `${body.name}-${o}.${group.primary}.turso.io`,
        group: group.name,
        primaryRegion: group.primary,
      };
      dbs(o).push(db);
      return HttpResponse.json({
        database: { DbId: db.DbId, Hostname: db.Hostname, Name: db.Name },
      });
    }),
    r("get", "/v1/organizations/:org/databases/:name", (ctx) => {
      const db = dbs(org(ctx)).find((d) => d.Name === ctx.params.name);
      return db
        ? HttpResponse.json({ database: fullDb(db) })
        : fail("turso", 404, `database ${ctx.params.name} not found`);
    }),
    // A deleted database's tokens die with it.
    r("delete", "/v1/organizations/:org/databases/:name", (ctx) => {
      const o = org(ctx);
      const list = dbs(o);
      const i = list.findIndex((d) => d.Name === ctx.params.name);
      if (i < 0) return fail("turso", 404, `database ${ctx.params.name} not found`);
      const [gone] = list.splice(i, 1);
      t.minted = t.minted.filter((m) => !(m.org === o && m.db === gone!.Name));
      return HttpResponse.json({ database: gone!.Name });
    }),
    r("post", "/v1/organizations/:org/databases/:name/auth/tokens", (ctx) => {
      const o = org(ctx);
      const db = dbs(o).find((d) => d.Name === ctx.params.name);
      if (!db) return fail("turso", 404, `database ${ctx.params.name} not found`);
      const jwt = fakeJwt();
      t.minted.push({ org: o, db: db.Name, jwt });
      return HttpResponse.json({ jwt });
    }),
    // Invalidates every token of the database (they stop working at once).
    r("post", "/v1/organizations/:org/databases/:name/auth/rotate", (ctx) => {
      const o = org(ctx);
      const db = dbs(o).find((d) => d.Name === ctx.params.name);
      if (!db) return fail("turso", 404, `database ${ctx.params.name} not found`);
      for (const m of t.minted) if (m.org === o && m.db === db.Name) m.revoked = true;
      t.rotations.push({ org: o, db: db.Name });
      return new HttpResponse(null, { status: 200 });
    }),
  ];
}

function fullDb(d: {
  Name: string;
  DbId: string;
  Hostname: string;
  group: string;
  primaryRegion: string;
}) {
  return {
    ...d,
    regions: [d.primaryRegion],
    block_reads: false,
    block_writes: false,
    delete_protection: false,
    parent: null,
  };
}
