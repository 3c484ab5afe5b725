"use client";
// The render dialog: format (the one the page previews), fps, quality (draft or final), whole
// track or the first N seconds → a render job, followed live until the video is ready to watch
// and download.
import { RENDER_FORMAT_NAMES, RENDER_FORMATS, type RenderFormatName } from "@efs/core/formats";
import { defaultQuality, type RenderQuality } from "@efs/core/quality";
import Link from "next/link";
import { useEffect, useRef, useState } from "react";
import { api, type JobView } from "../../lib/client/api";
import { useJob } from "../../lib/client/use-job";
import { formatLabel } from "../../lib/jobs/render-names";
import { JobStatus } from "./job-status";

// Seconds to offer for "First N seconds": 10, or the whole of a shorter track (to 0.1 s).
function defaultSeconds(duration: number): number {
  if (!(duration > 0)) return 10;
  return Math.min(10, Math.max(0.1, Math.floor(duration * 10) / 10));
}

export function RenderDialog({
  audioId,
  duration,
  format,
  onFormatChange,
  preset,
  visual,
  onClose,
}: {
  audioId: string;
  duration: number;
  format: RenderFormatName;
  onFormatChange: (f: RenderFormatName) => void;
  preset: string;
  visual: Record<string, unknown>;
  onClose: () => void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const setFormat = onFormatChange;
  const [fps, setFps] = useState(30);
  // null: the format's default quality (it follows the format until the user picks one).
  const [chosenQuality, setQuality] = useState<RenderQuality | null>(null);
  const formatDefault = defaultQuality(RENDER_FORMATS[format]);
  const quality = chosenQuality ?? formatDefault;
  const [whole, setWhole] = useState(true);
  const [seconds, setSeconds] = useState(defaultSeconds(duration));
  const [renderId, setRenderId] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const { job } = useJob(renderId);

  useEffect(() => {
    dialog.current?.showModal();
  }, []);

  const start = async () => {
    setBusy(true);
    setError(null);
    try {
      const { job: created } = await api<{ job: JobView }>("/api/jobs", {
        body: {
          type: "render",
          audioId,
          preset,
          format,
          fps,
          quality,
          durationSec: whole ? null : seconds,
          visual,
        },
      });
      setRenderId(created.id);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <dialog ref={dialog} onClose={onClose} aria-label="Render video">
      <h2>Render video</h2>
      {!renderId ? (
        <form
          method="dialog"
          onSubmit={(e) => {
            e.preventDefault();
            void start();
          }}
        >
          <label>
            Format
            <select
              value={format}
              onChange={(e) => setFormat(e.target.value as RenderFormatName)}
              data-testid="render-format"
              style={{ width: "100%" }}
            >
              {RENDER_FORMAT_NAMES.map((name) => {
                const f = RENDER_FORMATS[name];
                return (
                  <option key={name} value={name}>
                    {formatLabel(name)} ({f.width}×{f.height})
                  </option>
                );
              })}
            </select>
          </label>
          <label style={{ marginTop: 8 }}>
            Frame rate
            <select
              value={fps}
              onChange={(e) => setFps(Number(e.target.value))}
              style={{ width: "100%" }}
            >
              <option value={30}>30 fps</option>
              <option value={60}>60 fps</option>
            </select>
          </label>
          <fieldset style={{ marginTop: 8, border: 0, padding: 0 }} data-testid="render-quality">
            <legend style={{ padding: 0 }}>Quality</legend>
            {(
              [
                ["draft", "Draft", "quick look, fire detail at reduced resolution"],
                ["final", "Final", "full detail at the output resolution, slower"],
              ] as const
            ).map(([value, label, hint]) => (
              <label key={value}>
                <input
                  type="radio"
                  name="render-quality"
                  value={value}
                  checked={quality === value}
                  onChange={() => setQuality(value)}
                  data-testid={`render-quality-${value}`}
                />{" "}
                {label}
                {value === formatDefault ? " (default for this format)" : ""}{" "}
                <span className="muted">— {hint}</span>
              </label>
            ))}
          </fieldset>
          <fieldset style={{ marginTop: 8, border: 0, padding: 0 }}>
            <label>
              <input type="radio" checked={whole} onChange={() => setWhole(true)} /> Whole track
            </label>
            <label>
              <input
                type="radio"
                checked={!whole}
                onChange={() => setWhole(false)}
                data-testid="render-partial"
              />{" "}
              First{" "}
              <input
                type="number"
                min={0.1}
                step="any"
                max={duration > 0 ? duration : undefined}
                value={seconds}
                onChange={(e) => setSeconds(Math.max(0.1, Number(e.target.value) || 0.1))}
                data-testid="render-seconds"
                style={{ width: 90 }}
              />{" "}
              seconds
            </label>
          </fieldset>
          {error ? <p className="error">{error}</p> : null}
          <div className="row" style={{ marginTop: 12 }}>
            <button type="submit" disabled={busy}>
              {busy ? "Starting…" : "Start render"}
            </button>
            <button type="button" className="secondary" onClick={() => dialog.current?.close()}>
              Close
            </button>
          </div>
        </form>
      ) : (
        <div data-job-id={renderId}>
          {job ? <JobStatus job={job} /> : <p className="muted">Starting…</p>}
          {job?.status === "complete" && job.urls.download ? (
            <p className="row">
              <Link className="button secondary" href={`/renders/${job.id}`}>
                Watch
              </Link>
              <a className="button" href={job.urls.download} download data-testid="render-download">
                Download MP4
              </a>
            </p>
          ) : null}
          <p className="muted">
            Renders keep going if you close this; find them under{" "}
            <Link href="/renders">Renders</Link>.
          </p>
          <button type="button" className="secondary" onClick={() => dialog.current?.close()}>
            Close
          </button>
        </div>
      )}
    </dialog>
  );
}
