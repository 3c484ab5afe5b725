"use client";
// The player (streams the prepared audio with Range requests) and a simple editor: trim,
// fades, volume, loudness normalization → a preview job (listen first) or a save job (a new
// library item).
import Link from "next/link";
import { useEffect, useRef, useState } from "react";
import { api, type JobView } from "../../lib/client/api";
import { useJob } from "../../lib/client/use-job";
import { formatLength } from "../../lib/client/words";
import { JobStatus } from "./job-status";
import { loadPeaks, Waveform } from "./waveform";

export function AudioEditor({ id }: { id: string }) {
  const { job, error } = useJob(id);
  const audio = useRef<HTMLAudioElement>(null);
  const [peaks, setPeaks] = useState<number[] | null>(null);
  const duration = typeof job?.result?.durationSec === "number" ? job.result.durationSec : 0;
  const [start, setStart] = useState(0);
  const [end, setEnd] = useState(0);
  const [fadeIn, setFadeIn] = useState(0);
  const [fadeOut, setFadeOut] = useState(0);
  const [volume, setVolume] = useState(1);
  const [normalize, setNormalize] = useState(false);
  const [previewId, setPreviewId] = useState<string | null>(null);
  const [saved, setSaved] = useState<JobView | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const preview = useJob(previewId);

  useEffect(() => {
    void loadPeaks(job?.urls.peaks).then(setPeaks);
  }, [job?.urls.peaks]);
  useEffect(() => {
    if (duration > 0) setEnd((e) => (e > 0 ? e : duration));
  }, [duration]);

  if (error && !job) return <p className="panel error">Could not load this audio: {error}</p>;
  if (!job) return <p className="empty">Loading…</p>;
  if (job.status !== "complete") {
    return (
      <div className="panel">
        <h1>{job.title}</h1>
        <p>This audio is not ready yet.</p>
        <JobStatus job={job} />
        <p>
          <Link href="/">Back to the library</Link>
        </p>
      </div>
    );
  }

  const recipe = () => ({
    clips: [
      {
        start: round(start),
        end: round(end > start ? end : duration),
        ...(volume !== 1 ? { volume } : {}),
        ...(fadeIn > 0 ? { fadeIn } : {}),
        ...(fadeOut > 0 ? { fadeOut } : {}),
      },
    ],
    normalize,
  });
  const submit = async (type: "preview" | "save") => {
    setFormError(null);
    try {
      const { job: created } = await api<{ job: JobView }>("/api/jobs", {
        body: { type, audioId: id, recipe: recipe() },
      });
      if (type === "preview") setPreviewId(created.id);
      else setSaved(created);
    } catch (err) {
      setFormError((err as Error).message);
    }
  };

  return (
    <>
      <h1>{job.title}</h1>
      <div className="panel">
        <Waveform
          peaks={peaks}
          audio={audio}
          duration={duration}
          region={{ start, end: end || duration }}
        />
        {/* biome-ignore lint/a11y/useMediaCaption: music has no captions */}
        <audio
          ref={audio}
          controls
          preload="metadata"
          crossOrigin="anonymous"
          src={job.urls.audio}
          data-testid="player"
          style={{ marginTop: 8 }}
        />
        <div className="row muted">
          <span>{formatLength(duration)}</span>
          <span>·</span>
          <span>
            {String(job.result?.sampleRate ?? "?")} Hz, {String(job.result?.channels ?? "?")} ch
          </span>
          {job.urls.download ? (
            <a href={job.urls.download} download>
              Download the prepared audio
            </a>
          ) : null}
          <Link className="button" href={`/visual/${id}`}>
            Visualize
          </Link>
        </div>
      </div>

      <h2>Edit</h2>
      <div className="panel controls">
        <NumberField label="Start (s)" value={start} max={duration} onChange={setStart} />
        <NumberField label="End (s)" value={end} max={duration} onChange={setEnd} />
        <NumberField label="Fade in (s)" value={fadeIn} max={30} onChange={setFadeIn} />
        <NumberField label="Fade out (s)" value={fadeOut} max={30} onChange={setFadeOut} />
        <label>
          Volume ×{volume.toFixed(2)}
          <input
            type="range"
            min={0}
            max={2}
            step={0.05}
            value={volume}
            onChange={(e) => setVolume(Number(e.target.value))}
          />
        </label>
        <label>
          <input
            type="checkbox"
            checked={normalize}
            onChange={(e) => setNormalize(e.target.checked)}
          />{" "}
          Normalize loudness
        </label>
      </div>
      <div className="row">
        <button
          type="button"
          className="secondary"
          onClick={() => setStart(audio.current?.currentTime ?? 0)}
        >
          Start at playhead
        </button>
        <button
          type="button"
          className="secondary"
          onClick={() => setEnd(audio.current?.currentTime ?? duration)}
        >
          End at playhead
        </button>
        <button type="button" onClick={() => submit("preview")}>
          Preview edit
        </button>
        <button type="button" onClick={() => submit("save")}>
          Save as new item
        </button>
      </div>
      {formError ? <p className="error">{formError}</p> : null}
      {preview.job ? (
        <div className="panel">
          <h2>Preview</h2>
          <JobStatus job={preview.job} />
          {preview.job.urls.preview ? (
            // biome-ignore lint/a11y/useMediaCaption: music has no captions
            <audio controls autoPlay src={preview.job.urls.preview} />
          ) : null}
        </div>
      ) : null}
      {saved ? (
        <p className="panel ok">
          Saving the edit as a new item; it will appear in your <Link href="/">library</Link> when
          it is ready.
        </p>
      ) : null}
    </>
  );
}

function NumberField({
  label,
  value,
  max,
  onChange,
}: {
  label: string;
  value: number;
  max: number;
  onChange: (v: number) => void;
}) {
  return (
    <label>
      {label}
      <input
        type="number"
        min={0}
        max={max || undefined}
        step={0.1}
        value={Number.isFinite(value) ? round(value) : 0}
        onChange={(e) => onChange(Math.max(0, Number(e.target.value) || 0))}
        style={{ width: "100%" }}
      />
    </label>
  );
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
