"use client";
// One job's live state in plain words: queue position, stage, a progress bar with what is
// being done and the time left (renders), error, cancel.
import { useState } from "react";
import { api, type JobView } from "../../lib/client/api";
import { timeLeft } from "../../lib/client/words";

const STAGE_WORDS: Record<string, string> = {
  fetch: "Fetching the audio",
  probe: "Checking the file",
  transcode: "Converting",
  analyse: "Analysing the sound",
  upload: "Saving",
  render: "Rendering frames",
  encode: "Encoding video",
  dispatch: "Sending to the renderer",
  starting: "Starting the renderer",
  rendering: "Rendering frames",
  encoding: "Encoding the video",
  uploading: "Uploading the video",
};

// "Queued (2nd in line)", "Analysing the sound · 50%", "Ready", "Failed: …".
function describe(job: JobView): string {
  switch (job.status) {
    case "pending":
      return job.queuePosition ? `Queued (position ${job.queuePosition})` : "Queued";
    case "processing": {
      const stage = job.progress?.stage
        ? (STAGE_WORDS[job.progress.stage] ?? job.progress.stage)
        : job.type === "render"
          ? "Sending to the renderer"
          : "Working";
      const pct = job.progress?.percent;
      return typeof pct === "number" ? `${stage} · ${Math.round(pct)}%` : stage;
    }
    case "complete":
      return "Ready";
    case "failed":
      return "Failed";
    case "cancelled":
      return "Cancelled";
  }
}

export function JobStatus({ job, onChange }: { job: JobView; onChange?: () => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const active = job.status === "pending" || job.status === "processing";
  const pct = job.status === "complete" ? 100 : (job.progress?.percent ?? 0);
  return (
    <div className="grow" data-status={job.status}>
      <div className="row">
        <span className={`status ${job.status}`} data-testid="job-status">
          {describe(job)}
        </span>
        {active ? (
          <button
            type="button"
            className="secondary"
            disabled={busy || job.cancelRequested}
            onClick={async () => {
              setBusy(true);
              try {
                await api(`/api/jobs/${job.id}/cancel`, { method: "POST" });
                onChange?.();
              } catch (err) {
                setError((err as Error).message);
              } finally {
                setBusy(false);
              }
            }}
          >
            {job.cancelRequested ? "Cancelling…" : "Cancel"}
          </button>
        ) : null}
      </div>
      {active ? (
        <div
          className="progress"
          role="progressbar"
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={Math.round(pct)}
          aria-valuetext={describe(job)}
          data-testid="job-progress"
          style={{ marginTop: 6 }}
        >
          <span style={{ width: `${Math.max(1, Math.min(100, pct))}%` }} />
        </div>
      ) : null}
      {active && (job.progress?.message || job.progress?.etaSec !== undefined) ? (
        <p className="muted" data-testid="job-progress-detail" style={{ margin: "4px 0 0" }}>
          {[
            job.progress?.message,
            job.progress?.etaSec !== undefined && job.progress.stage === "rendering"
              ? timeLeft(job.progress.etaSec)
              : null,
          ]
            .filter(Boolean)
            .join(" · ")}
        </p>
      ) : null}
      {job.status === "failed" && job.error ? (
        <p className="error" role="alert">
          {job.error}
        </p>
      ) : null}
      {error ? <p className="error">{error}</p> : null}
    </div>
  );
}
