"use client";
// The library: add audio (file picker, drag-and-drop, or a URL), follow each item live, find
// tracks by title, page through all of them, delete them; shows the storage used.
import Link from "next/link";
import { useState } from "react";
import { api, type JobView, mediaTypeOf, uploadAudio } from "../../lib/client/api";
import { useJobs, usePager, useSearch, useUsage } from "../../lib/client/use-job";
import { formatBytes, formatLength } from "../../lib/client/words";
import { DeleteButton } from "./delete-button";
import { JobStatus } from "./job-status";

/** Tracks per page. */
const LIBRARY_PAGE = 20;

interface Uploading {
  id: number;
  name: string;
  fraction: number;
  error: string | null;
}

let nextUploadId = 1;

export function Library() {
  const pager = usePager();
  // Search as you type; a new search starts at the first page.
  const { text: search, setText: setSearch, term: q } = useSearch(pager.reset);
  const { jobs, nextCursor, error, refresh } = useJobs("ingest,save", {
    q,
    cursor: pager.cursor,
    limit: LIBRARY_PAGE,
  });
  const { usage, refresh: refreshUsage } = useUsage();
  const [uploads, setUploads] = useState<Uploading[]>([]);
  const changed = () => {
    void refresh();
    void refreshUsage();
  };
  const [over, setOver] = useState(false);
  const [url, setUrl] = useState("");
  const [urlError, setUrlError] = useState<string | null>(null);

  const addFiles = async (files: FileList | File[]) => {
    for (const file of Array.from(files)) {
      const id = nextUploadId++;
      const update = (patch: Partial<Uploading>) =>
        setUploads((list) => list.map((u) => (u.id === id ? { ...u, ...patch } : u)));
      setUploads((list) => [{ id, name: file.name, fraction: 0, error: null }, ...list]);
      if (!mediaTypeOf(file)) {
        update({
          error:
            "This does not look like an audio or video file. Try MP3, WAV, FLAC, OGG, M4A or MP4.",
        });
        continue;
      }
      try {
        await uploadAudio(file, (fraction) => update({ fraction }));
        setUploads((list) => list.filter((u) => u.id !== id));
        changed();
      } catch (err) {
        update({ error: (err as Error).message });
      }
    }
  };

  return (
    <>
      <h1>Your audio</h1>
      <section
        className={`dropzone ${over ? "over" : ""}`}
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={(e) => {
          e.preventDefault();
          setOver(false);
          void addFiles(e.dataTransfer.files);
        }}
        aria-label="Upload audio"
      >
        <p>Drop audio or video files here, or</p>
        <label className="button" style={{ display: "inline-block" }}>
          Choose files
          <input
            type="file"
            accept="audio/*,video/*"
            multiple
            hidden
            data-testid="file-input"
            onChange={(e) => {
              if (e.target.files) void addFiles(e.target.files);
              e.target.value = "";
            }}
          />
        </label>
        <p className="muted">Up to 512 MiB. Video files keep just their sound.</p>
      </section>

      <form
        className="panel row"
        onSubmit={async (e) => {
          e.preventDefault();
          setUrlError(null);
          try {
            await api("/api/jobs", {
              body: { type: "ingest", source: { kind: "url", url: url.trim() } },
            });
            setUrl("");
            await refresh();
          } catch (err) {
            setUrlError((err as Error).message);
          }
        }}
      >
        <label className="grow">
          Or paste a link (a direct audio file, or a page such as YouTube)
          <input
            type="url"
            placeholder="https://…"
            value={url}
            onChange={(e) => setUrl(e.target.value)}
            style={{ width: "100%" }}
          />
        </label>
        <button type="submit" disabled={!url.trim()}>
          Add link
        </button>
        {urlError ? (
          <p className="error" style={{ width: "100%" }}>
            {urlError}
          </p>
        ) : null}
      </form>

      <ul className="list">
        {uploads.map((u) => (
          <li className="item" key={u.id}>
            <span className="title grow">{u.name}</span>
            {u.error ? (
              <span className="error">{u.error}</span>
            ) : (
              <div className="progress" style={{ maxWidth: 240 }}>
                <span style={{ width: `${Math.round(u.fraction * 100)}%` }} />
              </div>
            )}
          </li>
        ))}
      </ul>

      <div className="row library-tools">
        <label className="grow">
          Find a track
          <input
            type="search"
            placeholder="Title or file name"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            data-testid="library-search"
            style={{ width: "100%" }}
          />
        </label>
        <p className="muted" data-testid="storage-usage">
          {usage
            ? `Storage used: ${formatBytes(usage.bytes)} in ${usage.objects} ${usage.objects === 1 ? "file" : "files"}`
            : "Storage used: …"}
        </p>
      </div>

      {error ? <p className="panel error">Could not load the library: {error}</p> : null}
      {jobs === null && !error ? <p className="empty">Loading your library…</p> : null}
      {jobs?.length === 0 && uploads.length === 0 ? (
        <p className="empty" data-testid="library-empty">
          {q
            ? `No track matches “${q}”.`
            : pager.page > 1
              ? "No more tracks."
              : "No audio yet. Drop a file above or paste a link to get started."}
        </p>
      ) : null}
      <ul className="list" data-testid="library">
        {jobs?.map((job) => (
          <LibraryItem key={job.id} job={job} onChange={changed} />
        ))}
      </ul>
      <Pager
        page={pager.page}
        onNewer={pager.page > 1 ? pager.newer : null}
        onOlder={nextCursor ? () => pager.older(nextCursor) : null}
      />
    </>
  );
}

// Page controls: newer (back towards the first page) and older.
export function Pager({
  page,
  onNewer,
  onOlder,
}: {
  page: number;
  onNewer: (() => void) | null;
  onOlder: (() => void) | null;
}) {
  if (!onNewer && !onOlder) return null;
  return (
    <nav className="row pager" aria-label="Pages">
      <button
        type="button"
        className="secondary"
        disabled={!onNewer}
        onClick={onNewer ?? undefined}
      >
        ← Newer
      </button>
      <span className="muted" data-testid="page-number">
        Page {page}
      </span>
      <button
        type="button"
        className="secondary"
        disabled={!onOlder}
        onClick={onOlder ?? undefined}
      >
        Older →
      </button>
    </nav>
  );
}

function LibraryItem({ job, onChange }: { job: JobView; onChange: () => void }) {
  const duration =
    typeof job.result?.durationSec === "number" ? formatLength(job.result.durationSec) : null;
  return (
    <li className="item" data-job-id={job.id}>
      <div className="grow">
        <div className="title">{job.title}</div>
        <div className="muted">
          {job.type === "save" ? "Edited · " : ""}
          {duration ?? new Date(job.createdAt).toLocaleString()}
        </div>
      </div>
      <JobStatus job={job} onChange={onChange} />
      <div className="row">
        {job.status === "complete" ? (
          <>
            <Link className="button secondary" href={`/audio/${job.id}`}>
              Play &amp; edit
            </Link>
            <Link className="button" href={`/visual/${job.id}`}>
              Visualize
            </Link>
          </>
        ) : null}
        <DeleteButton id={job.id} title={job.title} onDeleted={onChange} />
      </div>
    </li>
  );
}
