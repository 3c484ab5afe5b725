"use client";
// Renders list: thumbnail, settings, live status, signed download link.
import { useJobs } from "../../lib/client/use-job";
import { JobStatus } from "./job-status";

export function Renders() {
  const { jobs, error, refresh } = useJobs("render");
  return (
    <>
      <h1>Renders</h1>
      {error ? <p className="panel error">Could not load your renders: {error}</p> : null}
      {jobs === null && !error ? <p className="empty">Loading your renders…</p> : null}
      {jobs?.length === 0 ? (
        <p className="empty">
          No renders yet. Open an item from your library, choose Visualize, then Render video.
        </p>
      ) : null}
      <div className="grid" data-testid="renders">
        {jobs?.map((job) => {
          const r = job.request as { format?: string; fps?: number; durationSec?: number | null };
          return (
            <article className="card" key={job.id} data-job-id={job.id}>
              {job.urls.thumbnail ? (
                // biome-ignore lint/performance/noImgElement: signed storage URL, not a static asset
                <img className="thumb" src={job.urls.thumbnail} alt="" />
              ) : job.urls.video ? (
                <video
                  className="thumb"
                  src={`${job.urls.video}#t=0.5`}
                  preload="metadata"
                  muted
                  playsInline
                />
              ) : (
                <div className="thumb" />
              )}
              <div className="body">
                <strong>{job.title}</strong>
                <span className="muted">
                  {r.fps ?? 30} fps · {r.durationSec ? `first ${r.durationSec} s` : "whole track"}
                </span>
                <JobStatus job={job} onChange={refresh} />
                {job.urls.download ? (
                  <a className="button" href={job.urls.download} download>
                    Download MP4
                  </a>
                ) : null}
              </div>
            </article>
          );
        })}
      </div>
    </>
  );
}
