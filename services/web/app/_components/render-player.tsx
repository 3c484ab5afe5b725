"use client";
// Watching a render before downloading it: a flat video plays in a <video>; a 360° one plays in
// the same drag-to-look viewer as the live 360 preview (phones can follow the device's motion),
// with its own play/pause and seek, so a VR video can be checked without a headset.
import { isRenderFormat, RENDER_FORMATS } from "@efs/core/formats";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { useJob } from "../../lib/client/use-job";
import { formatTime } from "../../lib/client/words";
import { formatLabel } from "../../lib/jobs/render-names";
import { DeleteButton } from "./delete-button";
import { JobStatus } from "./job-status";
import { renderSettings } from "./renders";
import { SphereViewer, type SphereViewerHandle } from "./sphere-viewer";

export function RenderPlayer({ id }: { id: string }) {
  const { job, error } = useJob(id);
  const router = useRouter();
  if (error && !job) return <p className="panel error">Could not load this render: {error}</p>;
  if (!job) return <p className="empty">Loading…</p>;
  const format = String((job.request as { format?: string }).format ?? "");
  const shape = isRenderFormat(format) ? RENDER_FORMATS[format] : null;
  return (
    <>
      <h1 data-testid="render-title">{job.title}</h1>
      {job.status !== "complete" || !job.urls.video ? (
        <div className="panel">
          <p>This render is not ready to watch yet.</p>
          <JobStatus job={job} />
        </div>
      ) : shape?.projection === "equirect" ? (
        <Player360 src={job.urls.video} stereo={shape.stereo} />
      ) : (
        // biome-ignore lint/a11y/useMediaCaption: music visuals have no captions
        <video
          className="player"
          src={job.urls.video}
          poster={job.urls.thumbnail}
          controls
          playsInline
          preload="metadata"
          data-testid="render-video"
          style={
            shape
              ? {
                  aspectRatio: `${shape.width} / ${shape.height}`,
                  width: `min(100%, calc(70vh * ${shape.width / shape.height}))`,
                }
              : undefined
          }
        />
      )}
      <p className="muted">
        {formatLabel(format)}
        {shape ? ` (${shape.width}×${shape.height})` : ""} · {renderSettings(job)}
      </p>
      <div className="row">
        {job.urls.download ? (
          <a className="button" href={job.urls.download} download data-testid="render-download">
            Download MP4
          </a>
        ) : null}
        <DeleteButton
          id={job.id}
          title={job.title}
          label="Delete render"
          onDeleted={() => router.push("/renders")}
        />
        <Link href="/renders">All renders</Link>
      </div>
    </>
  );
}

// A 360° video: decoded by a hidden <video>, shown through the sphere viewer.
function Player360({ src, stereo }: { src: string; stereo: "mono" | "top-bottom" }) {
  const [video, setVideo] = useState<HTMLVideoElement | null>(null);
  const viewer = useRef<SphereViewerHandle>(null);
  const [playing, setPlaying] = useState(false);
  const [time, setTime] = useState(0);
  const [duration, setDuration] = useState(0);
  useEffect(() => {
    if (!video) return;
    const redraw = () => viewer.current?.frame();
    const sync = () => {
      setPlaying(!video.paused && !video.ended);
      setTime(video.currentTime);
      setDuration(Number.isFinite(video.duration) ? video.duration : 0);
    };
    const events = [
      "loadeddata",
      "seeked",
      "play",
      "pause",
      "ended",
      "timeupdate",
      "durationchange",
    ];
    for (const e of events) video.addEventListener(e, sync);
    for (const e of ["loadeddata", "seeked"]) video.addEventListener(e, redraw);
    return () => {
      for (const e of events) video.removeEventListener(e, sync);
      for (const e of ["loadeddata", "seeked"]) video.removeEventListener(e, redraw);
    };
  }, [video]);
  return (
    <div data-testid="player-360">
      <SphereViewer
        source={video}
        stereo={stereo}
        ref={viewer}
        label="360° video: drag to look around"
      />
      {/* biome-ignore lint/a11y/useMediaCaption: music visuals have no captions */}
      <video
        ref={setVideo}
        src={src}
        crossOrigin="anonymous"
        playsInline
        preload="auto"
        hidden
        data-testid="render-video"
      />
      <div className="row">
        <button
          type="button"
          onClick={() => (video?.paused ? void video.play() : video?.pause())}
          disabled={!video}
        >
          {playing ? "Pause" : "Play"}
        </button>
        <input
          type="range"
          className="grow"
          min={0}
          max={duration || 0}
          step={0.01}
          value={time}
          aria-label="Position"
          onChange={(e) => {
            if (video) video.currentTime = Number(e.target.value);
          }}
        />
        <span className="muted">
          {formatTime(time)} / {formatTime(duration)}
        </span>
      </div>
    </div>
  );
}
