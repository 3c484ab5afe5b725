"use client";
// Delete with a confirmation that says exactly what goes: asks the server for the plan
// (DELETE …?dryRun=1) — for a track, its renders and edit previews go with it, saved edits stay,
// running work is stopped first, how much storage is freed — then deletes on "Delete".
import { useEffect, useRef, useState } from "react";
import { api } from "../../lib/client/api";
import { describePlan } from "../../lib/client/words";
import type { DeletionPlan } from "../../lib/jobs/delete";

export function DeleteButton({
  id,
  title,
  onDeleted,
  label = "Delete",
}: {
  id: string;
  title: string;
  onDeleted: () => void;
  label?: string;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [open, setOpen] = useState(false);
  const [plan, setPlan] = useState<DeletionPlan | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!open) return;
    dialog.current?.showModal();
    let stale = false;
    setPlan(null);
    setError(null);
    api<{ plan: DeletionPlan }>(`/api/jobs/${encodeURIComponent(id)}?dryRun=1`, {
      method: "DELETE",
    }).then(
      (r) => !stale && setPlan(r.plan),
      (err: Error) => !stale && setError(err.message),
    );
    return () => {
      stale = true;
    };
  }, [open, id]);

  const confirm = async () => {
    setBusy(true);
    setError(null);
    try {
      await api(`/api/jobs/${encodeURIComponent(id)}`, { method: "DELETE" });
      dialog.current?.close();
      onDeleted();
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <button type="button" className="secondary danger" onClick={() => setOpen(true)}>
        {label}
      </button>
      {open ? (
        <dialog
          ref={dialog}
          onClose={() => setOpen(false)}
          aria-label={`Delete ${title}`}
          data-testid="delete-dialog"
        >
          <h2>Delete “{title}”?</h2>
          {plan ? (
            describePlan(plan).map((line) => <p key={line}>{line}</p>)
          ) : error ? null : (
            <p className="muted">Checking what this deletes…</p>
          )}
          {error ? <p className="error">{error}</p> : null}
          <div className="row">
            <button
              type="button"
              className="danger-solid"
              disabled={!plan || busy}
              onClick={() => void confirm()}
            >
              {busy ? "Deleting…" : "Delete"}
            </button>
            <button type="button" className="secondary" onClick={() => dialog.current?.close()}>
              Keep it
            </button>
          </div>
        </dialog>
      ) : null}
    </>
  );
}
