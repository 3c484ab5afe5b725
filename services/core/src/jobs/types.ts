// Job model and the JobStore interface shared by the web app, the worker and the CLI.
// Rules (ARCHITECTURE.md "Job store"): atomic claim, compare-and-set on every write,
// terminal states immutable, expired leases re-queued with backoff until attempts run out.

export const JOB_TYPES = ["ingest", "preview", "save", "render"] as const;
export type JobType = (typeof JOB_TYPES)[number];

export const JOB_STATUSES = ["pending", "processing", "complete", "failed", "cancelled"] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

export const TERMINAL_STATUSES: readonly JobStatus[] = ["complete", "failed", "cancelled"];

export type JsonObject = { [key: string]: unknown };

export interface JobProgress {
  stage?: string;
  percent?: number;
  message?: string;
  /** Seconds left, when the one doing the work can tell (renders). */
  etaSec?: number;
}

export interface Job {
  id: string;
  type: JobType;
  status: JobStatus;
  payload: JsonObject;
  result: JsonObject | null;
  error: string | null;
  progress: JobProgress | null;
  priority: number;
  attempts: number;
  maxAttempts: number;
  /** Epoch ms before which the job is not claimable (backoff). */
  runAfter: number;
  leaseOwner: string | null;
  /** Epoch ms; null when not leased (pending, terminal, or dispatched to a remote renderer). */
  leaseExpiresAt: number | null;
  /** Render jobs handed to a renderer: its call id and the long deadline for reconciliation. */
  dispatch: { callId: string; backend: string; deadlineAt: number } | null;
  cancelRequested: boolean;
  createdAt: number;
  updatedAt: number;
  finishedAt: number | null;
  /** Epoch ms the user deleted it: a tombstone, hidden from lists, its objects removed. */
  deletedAt: number | null;
}

export interface CreateJobInput {
  type: JobType;
  payload: JsonObject;
  id?: string;
  priority?: number;
  maxAttempts?: number;
  runAfter?: number;
}

export interface ListJobsFilter {
  status?: JobStatus | readonly JobStatus[];
  type?: JobType | readonly JobType[];
  limit?: number;
  cursor?: string | null;
  /** Only jobs made from this audio item (`payload.audioId`): its previews, saves, renders. */
  audioId?: string;
  /** Case-insensitive substring of the title (user's, worker's, file name or URL). */
  titleContains?: string;
}

export interface ClaimOptions {
  owner: string;
  leaseMs: number;
  types?: readonly JobType[];
}

export interface FailOptions {
  /** Only this lease owner may fail it (omit for webhook/reconciler writes). */
  owner?: string;
  /** Transient failure: re-queue with backoff while attempts remain. */
  retryable?: boolean;
}

export interface WorkerHeartbeat {
  workerId: string;
  version: string;
  lastSeenAt: number;
  startedAt: number;
}

export interface JobStore {
  create(input: CreateJobInput): Promise<Job>;
  get(id: string): Promise<Job | null>;
  list(filter?: ListJobsFilter): Promise<{ jobs: Job[]; nextCursor: string | null }>;
  /** One atomic statement: the highest-priority runnable pending job, leased to `owner`. */
  claim(opts: ClaimOptions): Promise<Job | null>;
  /** Renews the lease; false when the caller no longer holds it (reaped, cancelled, finished). */
  heartbeat(id: string, owner: string, leaseMs: number): Promise<boolean>;
  setProgress(id: string, owner: string, progress: JobProgress): Promise<boolean>;
  /** processing → complete. With `owner`, only the lease holder may complete. False if not applied.
   *  Throws (storing nothing) when a storage key in `result` is invalid (see result-keys.ts). */
  complete(id: string, result: JsonObject, opts?: { owner?: string }): Promise<boolean>;
  /** processing → failed (or → pending with backoff when retryable and attempts remain). */
  fail(id: string, error: string, opts?: FailOptions): Promise<Job | null>;
  /** pending/processing → cancelled. False when already terminal. */
  cancel(id: string): Promise<boolean>;
  /** Gives a leased job back to pending without counting the attempt (graceful shutdown). */
  release(id: string, owner: string): Promise<boolean>;
  /** Progress of a dispatched render, written only while it still runs under `callId`. */
  setDispatchProgress(id: string, callId: string, progress: JobProgress): Promise<boolean>;
  /** Marks a finished job deleted (a tombstone hidden from lists); false unless it was terminal. */
  markDeleted(id: string): Promise<boolean>;
  /** Tombstones deleted before `before` (epoch ms), oldest first. */
  listDeleted(before: number, limit?: number): Promise<Job[]>;
  /** Removes a tombstone row for good; false when `id` is not one. */
  purgeDeleted(id: string): Promise<boolean>;
  /** A render handed to a remote renderer: lease dropped, dispatch recorded with its deadline. */
  markDispatched(
    id: string,
    owner: string,
    dispatch: { callId: string; backend: string; deadlineAt: number },
  ): Promise<boolean>;
  /** Dispatched renders still processing (the worker's reconciler polls their renderer). */
  listDispatched(): Promise<Job[]>;
  /** Dispatched renders whose deadline is before `now` (default: the store's clock). */
  listOverdueDispatches(now?: number): Promise<Job[]>;
  /** 1-based position among runnable pending jobs, null when not pending. */
  queuePosition(id: string): Promise<number | null>;
  /** Re-queues expired leases (in their old place) or fails them when attempts ran out. */
  reap(now?: number): Promise<{ requeued: number; failed: number; failedIds: string[] }>;
  /** The same for every lease `owner` holds: a worker restarted under the same id holds none. */
  reapOwner(owner: string): Promise<{ requeued: number; failed: number; failedIds: string[] }>;
  recordWorkerHeartbeat(hb: {
    workerId: string;
    version: string;
    startedAt: number;
  }): Promise<void>;
  listWorkers(): Promise<WorkerHeartbeat[]>;
  /** Drops a worker's heartbeat row (a clean stop; a crashed worker's row goes stale). */
  removeWorkerHeartbeat(workerId: string): Promise<void>;
  ping(): Promise<void>;
  close(): void;
}
