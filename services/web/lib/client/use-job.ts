"use client";
// Live job state by polling: fast while anything is unfinished, idle once all are terminal.
import { useCallback, useEffect, useRef, useState } from "react";
import { api, type JobView } from "./api";

const ACTIVE_MS = 1500;
const IDLE_MS = 10_000;

const isActive = (j: JobView) => j.status === "pending" || j.status === "processing";

export interface JobsQuery {
  /** Title contains (any case). */
  q?: string;
  /** The page starting after this job id (from the previous page's nextCursor). */
  cursor?: string | null;
  limit?: number;
}

// One page of jobs of some types, refreshed live; `refresh()` forces a reload.
export function useJobs(types: string, query: JobsQuery = {}) {
  const [jobs, setJobs] = useState<JobView[] | null>(null);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  // Only the newest request may set state: an answer for the page or search the user has
  // already left must not land on top of the one they are looking at.
  const latest = useRef(0);
  const { q = "", cursor = null, limit = 100 } = query;
  const load = useCallback(async () => {
    if (timer.current) clearTimeout(timer.current);
    const request = ++latest.current;
    let next = IDLE_MS;
    try {
      const params = new URLSearchParams({ type: types, limit: String(limit) });
      if (q.trim()) params.set("q", q.trim());
      if (cursor) params.set("cursor", cursor);
      const data = await api<{ jobs: JobView[]; nextCursor: string | null }>(`/api/jobs?${params}`);
      if (request !== latest.current) return;
      setJobs(data.jobs);
      setNextCursor(data.nextCursor);
      setError(null);
      if (data.jobs.some(isActive)) next = ACTIVE_MS;
    } catch (err) {
      if (request !== latest.current) return;
      setError((err as Error).message);
    }
    timer.current = setTimeout(load, next);
  }, [types, q, cursor, limit]);
  useEffect(() => {
    void load();
    return () => {
      if (timer.current) clearTimeout(timer.current);
    };
  }, [load]);
  return { jobs, nextCursor, error, refresh: load };
}

// Pages through a list: the cursors of the pages before, to go back; reset on a new search.
export function usePager() {
  const [stack, setStack] = useState<Array<string | null>>([null]);
  const cursor = stack[stack.length - 1] ?? null;
  const older = useCallback((next: string) => setStack((s) => [...s, next]), []);
  const newer = useCallback(() => setStack((s) => (s.length > 1 ? s.slice(0, -1) : s)), []);
  const reset = useCallback(() => setStack([null]), []);
  return { cursor, page: stack.length, older, newer, reset };
}

// A search box's text and the term searched for: the term follows the text a moment after the
// last key, and only a changed term calls `onNewTerm` (back to the first page). Loading the
// page does not count as a new search, so a page turned early is not turned back.
export function useSearch(onNewTerm: () => void, delayMs = 300) {
  const [text, setText] = useState("");
  const [term, setTerm] = useState("");
  useEffect(() => {
    if (text === term) return;
    const t = setTimeout(() => {
      setTerm(text);
      onNewTerm();
    }, delayMs);
    return () => clearTimeout(t);
  }, [text, term, onNewTerm, delayMs]);
  return { text, setText, term };
}

export interface StorageUsage {
  objects: number;
  bytes: number;
  byKind: Record<string, { objects: number; bytes: number }>;
}

// The studio's storage use; `refresh()` after a change.
export function useUsage() {
  const [usage, setUsage] = useState<StorageUsage | null>(null);
  const load = useCallback(async () => {
    try {
      setUsage(await api<StorageUsage>("/api/usage"));
    } catch {
      setUsage(null);
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);
  return { usage, refresh: load };
}

// One job, refreshed live until it finishes (null id = nothing to watch).
export function useJob(id: string | null) {
  const [job, setJob] = useState<JobView | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!id) {
      setJob(null);
      return;
    }
    let stop = false;
    let t: ReturnType<typeof setTimeout> | undefined;
    const tick = async () => {
      try {
        const data = await api<{ job: JobView }>(`/api/jobs/${encodeURIComponent(id)}`);
        if (stop) return;
        setJob(data.job);
        setError(null);
        if (isActive(data.job)) t = setTimeout(tick, ACTIVE_MS);
      } catch (err) {
        if (stop) return;
        setError((err as Error).message);
        t = setTimeout(tick, IDLE_MS);
      }
    };
    void tick();
    return () => {
      stop = true;
      if (t) clearTimeout(t);
    };
  }, [id]);
  return { job, error };
}
