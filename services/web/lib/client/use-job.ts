"use client";
// Live job state by polling: fast while anything is unfinished, idle once all are terminal.
import { useCallback, useEffect, useRef, useState } from "react";
import { api, type JobView } from "./api";

const ACTIVE_MS = 1500;
const IDLE_MS = 10_000;

const isActive = (j: JobView) => j.status === "pending" || j.status === "processing";

// A list of jobs of some types, refreshed live; `refresh()` forces a reload.
export function useJobs(types: string) {
  const [jobs, setJobs] = useState<JobView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const load = useCallback(async () => {
    if (timer.current) clearTimeout(timer.current);
    let next = IDLE_MS;
    try {
      const data = await api<{ jobs: JobView[] }>(`/api/jobs?type=${types}&limit=100`);
      setJobs(data.jobs);
      setError(null);
      if (data.jobs.some(isActive)) next = ACTIVE_MS;
    } catch (err) {
      setError((err as Error).message);
    }
    timer.current = setTimeout(load, next);
  }, [types]);
  useEffect(() => {
    void load();
    return () => {
      if (timer.current) clearTimeout(timer.current);
    };
  }, [load]);
  return { jobs, error, refresh: load };
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
