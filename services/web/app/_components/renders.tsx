"use client";
// Renders list: thumbnail, title, settings, live status with progress, and Watch (in the page;
// 360° in the drag-to-look viewer), Download and Delete. Searchable by title, in pages.
import Link from "next/link";
import type { JobView } from "../../lib/client/api";
import { useJobs, usePager, useSearch } from "../../lib/client/use-job";
import { formatLabel } from "../../lib/jobs/render-names";
import { DeleteButton } from "./delete-button";
import { JobStatus } from "./job-status";
import { Pager } from "./library";

/** Renders per page. */
const RENDERS_PAGE = 24;

// "30 fps · first 2 s", "60 fps · whole track", plus the quality once renders report it.
export function renderSettings(job: JobView): string {
  const r = job.request as { fps?: number; durationSec?: number | null };
  return [
    `${r.fps ?? 30} fps`,
    r.durationSec ? `first ${r.durationSec} s` : "whole track",
    job.renderQuality ? `${job.renderQuality} quality` : null,
  ]
    .filter(Boolean)
    .join(" · ");
}

export function Renders() {
  const pager = usePager();
  // Search as you type; a new search starts at the first page.
  const { text: search, setText: setSearch, term: q } = useSearch(pager.reset);
  const { jobs, nextCursor, error, refresh } = useJobs("render", {
    q,
    cursor: pager.cursor,
    limit: RENDERS_PAGE,
  });
  return (
    <>
      <h1>Renders</h1>
      <label>
        Find a render
        <input
          type="search"
          placeholder="Track, preset or format"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          style={{ width: "100%" }}
        />
      </label>
      {error ? <p className="panel error">Could not load your renders: {error}</p> : null}
      {jobs === null && !error ? <p className="empty">Loading your renders…</p> : null}
      {jobs?.length === 0 ? (
        <p className="empty" data-testid="renders-empty">
          {q
            ? `No render matches “${q}”.`
            : "No renders yet. Open an item from your library, choose Visualize, then Render video."}
        </p>
      ) : null}
      <div className="grid" data-testid="renders" style={{ marginTop: 12 }}>
        {jobs?.map((job) => (
          <RenderCard key={job.id} job={job} onChange={refresh} />
        ))}
      </div>
      <Pager
        page={pager.page}
        onNewer={pager.page > 1 ? pager.newer : null}
        onOlder={nextCursor ? () => pager.older(nextCursor) : null}
      />
    </>
  );
}

function RenderCard({ job, onChange }: { job: JobView; onChange: () => void }) {
  const format = String((job.request as { format?: string }).format ?? "");
  const ready = job.status === "complete" && job.urls.video;
  const thumb = job.urls.thumbnail ? (
    // biome-ignore lint/performance/noImgElement: signed storage URL, not a static asset
    <img className="thumb" src={job.urls.thumbnail} alt={`Thumbnail of ${job.title}`} />
  ) : job.urls.video ? (
    // Renders from before thumbnails: a frame a second in, not the dark first one.
    <video className="thumb" src={`${job.urls.video}#t=1`} preload="metadata" muted playsInline />
  ) : (
    <div className="thumb" />
  );
  return (
    <article className="card" data-job-id={job.id}>
      {ready ? (
        <Link href={`/renders/${job.id}`} aria-label={`Watch ${job.title}`}>
          {thumb}
        </Link>
      ) : (
        thumb
      )}
      <div className="body">
        <strong data-testid="render-title">{job.title}</strong>
        <span className="muted">
          {formatLabel(format)} · {renderSettings(job)}
        </span>
        <JobStatus job={job} onChange={onChange} />
        <div className="row">
          {ready ? (
            <Link className="button secondary" href={`/renders/${job.id}`}>
              Watch
            </Link>
          ) : null}
          {job.urls.download ? (
            <a className="button" href={job.urls.download} download>
              Download MP4
            </a>
          ) : null}
          <DeleteButton id={job.id} title={job.title} onDeleted={onChange} />
        </div>
      </div>
    </article>
  );
}
