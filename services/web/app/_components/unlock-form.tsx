"use client";
// Posts the access key; on success goes where the visitor was headed.
import { useState } from "react";
import { ApiClientError, api } from "../../lib/client/api";

export function UnlockForm() {
  const [key, setKey] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <form
      className="row"
      onSubmit={async (e) => {
        e.preventDefault();
        setBusy(true);
        setError(null);
        try {
          await api("/api/session", { body: { key } });
          const next = new URLSearchParams(window.location.search).get("next");
          window.location.href = next?.startsWith("/") && !next.startsWith("//") ? next : "/";
        } catch (err) {
          setError(err instanceof ApiClientError ? err.message : "Could not unlock; try again.");
          setBusy(false);
        }
      }}
    >
      <label className="grow">
        Access key
        <input
          name="key"
          type="password"
          autoComplete="current-password"
          value={key}
          onChange={(e) => setKey(e.target.value)}
          required
          style={{ width: "100%" }}
        />
      </label>
      <button type="submit" disabled={busy || key.length === 0}>
        {busy ? "Unlocking…" : "Unlock"}
      </button>
      {error ? (
        <p className="error" role="alert" style={{ width: "100%" }}>
          {error}
        </p>
      ) : null}
    </form>
  );
}
