// The `efs status` screen: one section per part of the stack, problems last.
import type kleur from "kleur";
import { bytes } from "../../ui/units";
import { ago } from "./assess";
import type { StatusSnapshot } from "./types";

const LABEL = 10;

// Renders the snapshot as text lines (no trailing newline).
export function renderStatus(s: StatusSnapshot, c: typeof kleur, where: string): string {
  const lines: string[] = [];
  const row = (label: string, text: string) => lines.push(`${c.bold(label.padEnd(LABEL))}${text}`);
  const sub = (text: string) => lines.push(`${" ".repeat(LABEL)}${text}`);
  const now = Date.parse(s.at);
  const age = (t: number) => ago((now - t) / 1000);
  const ok = (b: boolean) => (b ? c.green("ok") : c.red("FAIL"));

  lines.push(`efs status — ${s.target} (${where}) at ${s.at}`);
  const a = s.app;
  const backends = a.backends
    ? Object.entries(a.backends)
        .map(([k, v]) => `${k} ${v}`)
        .join(" · ")
    : "";
  row(
    "app",
    `${ok(a.ok)} ${a.url ?? "(no URL)"}${a.version ? ` v${a.version}` : ""}${backends ? ` · ${backends}` : ""}${a.ok ? "" : ` — ${a.error}`}`,
  );
  if (s.processes) {
    row(
      "processes",
      s.processes
        .map(
          (p) =>
            `${p.name} ${p.alive ? c.green("up") : c.red("down")}${p.restarts ? ` (${p.restarts} restarts)` : ""}`,
        )
        .join(" · "),
    );
  }
  const j = s.jobs;
  if (!j.ok) row("jobs", `${c.red("FAIL")} ${j.error}`);
  else {
    const byStatus = new Map<string, { n: number; types: string[] }>();
    for (const r of j.counts) {
      const e = byStatus.get(r.status) ?? { n: 0, types: [] };
      e.n += r.count;
      e.types.push(`${r.type} ${r.count}`);
      byStatus.set(r.status, e);
    }
    row(
      "jobs",
      j.total === 0
        ? "none"
        : `${j.total} total: ${[...byStatus]
            .map(([st, e]) => `${st} ${e.n} (${e.types.join(", ")})`)
            .join(" · ")}`,
    );
    if (j.oldestPending)
      sub(
        `oldest pending: ${j.oldestPending.id} (${j.oldestPending.type}), ${age(j.oldestPending.createdAt)} old`,
      );
    row("failed", `${j.failedRecent.count} in the last 24 h${j.failedRecent.count ? ":" : ""}`);
    for (const f of j.failedRecent.jobs)
      sub(`${f.id} ${f.type} ${age(f.finishedAt)} ago — ${f.error ?? "(no reason)"}`);
    row("stuck", j.stuck.count ? c.red(`${j.stuck.count}`) : "0");
    for (const t of j.stuck.jobs)
      sub(
        `${t.id} ${t.type} ${t.why === "lease" ? "lease expired" : "past its deadline"} ${age(t.since)} ago`,
      );
    row("renders", `${j.dispatched.length} dispatched`);
    for (const d of j.dispatched) {
      const p = d.progress;
      const progress = p
        ? [p.stage, p.percent !== undefined ? `${Math.round(p.percent)}%` : "", p.message ?? ""]
            .filter(Boolean)
            .join(" ")
        : "no progress yet";
      sub(`${d.id} ${d.backend} call ${d.callId}, ${age(d.createdAt)} old — ${progress}`);
    }
  }
  if (s.workers) {
    const live = s.workers.filter((w) => w.state === "live").length;
    row(
      "workers",
      `${live} live${s.workers.length > live ? `, ${s.workers.length - live} not` : ""}`,
    );
    for (const w of s.workers) {
      const mark =
        w.state === "live"
          ? c.green(w.state)
          : w.state === "stale"
            ? c.red(w.state)
            : c.gray(w.state);
      sub(`${w.id} v${w.version} last heartbeat ${ago(w.ageSec)} ago — ${mark}`);
    }
  }
  const st = s.storage;
  if (!st.ok) row("storage", `${c.red("FAIL")} ${st.backend} ${st.where} — ${st.error}`);
  else {
    const total = st.prefixes.reduce((n, p) => n + p.objects, 0);
    const size = st.prefixes.reduce((n, p) => n + p.bytes, 0);
    row("storage", `${st.backend} ${st.where}: ${total} objects, ${bytes(size)}`);
    const shown = st.prefixes.filter(
      (p) => p.objects > 0 || ["uploads/", "audio/", "renders/"].includes(p.prefix),
    );
    sub(shown.map((p) => `${p.prefix} ${p.objects} (${bytes(p.bytes)})`).join(" · "));
  }
  if (s.env) row("env", s.env.summary);
  if (s.problems.length === 0) lines.push(c.green("✔ healthy"));
  else {
    lines.push(c.red(`✖ unhealthy: ${s.problems.length} problem(s)`));
    for (const p of s.problems) {
      lines.push(`  • ${p.what}`);
      lines.push(`    fix: ${p.fix}`);
    }
  }
  return lines.join("\n");
}
