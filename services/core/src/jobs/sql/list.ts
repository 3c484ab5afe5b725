// SELECT a page of jobs, newest first, filtered by status/type/audio item/title,
// keyset-paginated on id. Deleted jobs (tombstones) are never listed.
import type { Client } from "@libsql/client";
import { JOB_JSON, rowToJob } from "../row";
import type { Job, ListJobsFilter } from "../types";

export const DEFAULT_PAGE = 50;
export const MAX_PAGE = 500;

/**
 * A link as a person sees it (core/url-safety displayUrl): `scheme://host[:port]/path`, without
 * the user info (everything in the authority up to its last "@") or the query and fragment, so
 * a search never finds a job by the password or token its link carries. Each step is one
 * nested SELECT over the one before it.
 */
const SHOWN_URL_SQL = `(SELECT CASE WHEN s > 0
    THEN substr(p, 1, s + 2) || replace(a, rtrim(a, replace(a, '@', '')), '') || substr(rest, length(a) + 1)
    ELSE p END
  FROM (SELECT p, s, rest,
      CASE WHEN instr(rest, '/') > 0 THEN substr(rest, 1, instr(rest, '/') - 1) ELSE rest END AS a
    FROM (SELECT p, s, substr(p, s + 3) AS rest
      FROM (SELECT p, instr(p, '://') AS s
        FROM (SELECT CASE WHEN instr(f, '?') > 0 THEN substr(f, 1, instr(f, '?') - 1) ELSE f END AS p
          FROM (SELECT CASE WHEN instr(u, '#') > 0 THEN substr(u, 1, instr(u, '#') - 1) ELSE u END AS f
            FROM (SELECT json_extract(audio_prep_jobs.payload, '$.source.url') AS u)))))))`;

/** The title a person sees: theirs, the worker's, the file name, or the link as shown. */
const TITLE_SQL = `coalesce(json_extract(result, '$.title'), json_extract(payload, '$.title'),
  json_extract(payload, '$.source.filename'), ${SHOWN_URL_SQL}, '')`;

// One page and the cursor of the next (null on the last page). Ids sort by creation time.
export async function listJobs(
  db: Client,
  filter: ListJobsFilter,
): Promise<{ jobs: Job[]; nextCursor: string | null }> {
  const limit = Math.min(Math.max(Math.trunc(filter.limit ?? DEFAULT_PAGE), 1), MAX_PAGE);
  const rs = await db.execute({
    sql: `SELECT ${JOB_JSON} FROM audio_prep_jobs
      WHERE (:statuses IS NULL OR status IN (SELECT value FROM json_each(:statuses)))
        AND (:types IS NULL OR type IN (SELECT value FROM json_each(:types)))
        AND (:cursor IS NULL OR id < :cursor)
        AND (:audio_id IS NULL OR json_extract(payload, '$.audioId') = :audio_id)
        AND (:title IS NULL OR instr(lower(${TITLE_SQL}), lower(:title)) > 0)
        AND deleted_at IS NULL
      ORDER BY id DESC LIMIT :limit`,
    args: {
      statuses: jsonList(filter.status),
      types: jsonList(filter.type),
      cursor: filter.cursor ?? null,
      audio_id: filter.audioId ?? null,
      title: filter.titleContains ? filter.titleContains : null,
      limit: limit + 1,
    },
  });
  const jobs = rs.rows.slice(0, limit).map(rowToJob);
  const more = rs.rows.length > limit;
  return { jobs, nextCursor: more ? (jobs[jobs.length - 1]?.id ?? null) : null };
}

// A value or list as a JSON array for json_each, or null for "no filter".
export function jsonList(v: string | readonly string[] | undefined): string | null {
  if (v === undefined) return null;
  return JSON.stringify(typeof v === "string" ? [v] : v);
}
