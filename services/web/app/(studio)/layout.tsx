// Every studio page: requires a session when the studio is locked, and says so when it is open.
import { cookies } from "next/headers";
import Link from "next/link";
import { redirect } from "next/navigation";
import type { ReactNode } from "react";
import { accessMode, hasAccess } from "../../lib/access/mode";
import { SESSION_COOKIE } from "../../lib/access/session";
import { getContext } from "../../lib/context";
import { LockButton } from "../_components/lock-button";

export const dynamic = "force-dynamic";

export default async function StudioLayout({ children }: { children: ReactNode }) {
  let problem: string | null = null;
  let mode: ReturnType<typeof accessMode> = "open";
  let locked = false;
  try {
    const { config } = await getContext();
    mode = accessMode(config);
    const jar = await cookies();
    const session = jar.get(SESSION_COOKIE)?.value;
    const header = session ? `${SESSION_COOKIE}=${session}` : null;
    if (mode === "misconfigured") {
      problem =
        "This studio is deployed without STUDIO_ACCESS_KEY, so it stays closed. Set it (efs env push) and redeploy.";
    } else {
      locked = !hasAccess(config, header);
    }
  } catch (err) {
    problem = `The studio cannot start: ${(err as Error).message}`;
  }
  if (locked) redirect("/unlock");
  return (
    <>
      <header className="topbar">
        <Link className="brand" href="/">
          Ethereal Flame Studio
        </Link>
        <nav>
          <Link href="/">Library</Link>
          <Link href="/renders">Renders</Link>
          {mode === "locked" ? <LockButton /> : null}
        </nav>
      </header>
      {mode === "open" ? (
        <div className="banner" role="status">
          Open studio: no STUDIO_ACCESS_KEY is set, so anyone who can reach this address can use it.
          Fine on your own machine; set a key before exposing it.
        </div>
      ) : null}
      <main>{problem ? <p className="panel error">{problem}</p> : children}</main>
    </>
  );
}
