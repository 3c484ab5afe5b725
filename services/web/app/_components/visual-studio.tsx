"use client";
// The visual page: live WebGL preview drawn by @efs/visual (the renderer's own module) in
// step with the playing audio, preset picker and main controls, and the render dialog.
//
// Features: the ingest result's precomputed per-frame features (the exact input the renderer
// uses, so the preview matches the render). Items without them fall back to live Web Audio
// analysis mapped to the same feature shape (see lib/client/live-features), re-applied to the
// visual every few seconds.
import type { AudioFeatures } from "@efs/core/audio/features";
import type { VisualRenderer } from "@efs/visual/api";
import { DEFAULT_PRESET, PRESET_IDS, presetLabel, resolveVisualConfig } from "@efs/visual/presets";
import Link from "next/link";
import { type ChangeEvent, useEffect, useMemo, useRef, useState } from "react";
import { analyseLive, type LiveAnalysis } from "../../lib/client/live-features";
import { useJob } from "../../lib/client/use-job";
import { JobStatus } from "./job-status";
import { RenderDialog } from "./render-dialog";

const PREVIEW_MAX_WIDTH = 960;
const LIVE_REBUILD_MS = 3000;

export interface Controls {
  gain: number;
  beatSensitivity: number;
  rotationSpeed: number;
  brightness: number;
}

export function VisualStudio({ id }: { id: string }) {
  const { job, error } = useJob(id);
  const audio = useRef<HTMLAudioElement>(null);
  const stage = useRef<HTMLDivElement>(null);
  const [preset, setPreset] = useState<string>(DEFAULT_PRESET);
  const [controls, setControls] = useState<Controls | null>(null);
  const [features, setFeatures] = useState<AudioFeatures | null>(null);
  const [featureSource, setFeatureSource] = useState<"precomputed" | "live" | null>(null);
  const [visualError, setVisualError] = useState<string | null>(null);
  const [generation, setGeneration] = useState(0);
  const [dialogOpen, setDialogOpen] = useState(false);
  const live = useRef<LiveAnalysis | null>(null);
  const duration = typeof job?.result?.durationSec === "number" ? job.result.durationSec : 0;

  // Preset defaults for the controls whenever the preset changes.
  useEffect(() => {
    const c = resolveVisualConfig(preset);
    setControls({
      gain: c.dynamics.gain,
      beatSensitivity: c.dynamics.beatSensitivity,
      rotationSpeed: c.skybox.rotationSpeed,
      brightness: c.skybox.brightness,
    });
  }, [preset]);

  // Load precomputed features, else prepare live analysis.
  const featuresUrl = job?.urls.features;
  const status = job?.status;
  useEffect(() => {
    if (status !== "complete") return;
    let cancelled = false;
    (async () => {
      if (featuresUrl) {
        try {
          const res = await fetch(featuresUrl);
          if (res.ok) {
            const f = (await res.json()) as AudioFeatures;
            if (!cancelled && Array.isArray(f.rms) && f.frameCount > 0) {
              setFeatures(f);
              setFeatureSource("precomputed");
              return;
            }
          }
        } catch {
          // fall through to live analysis
        }
      }
      if (!cancelled && audio.current && duration > 0) {
        live.current = analyseLive(audio.current, duration);
        setFeatures(live.current.features);
        setFeatureSource("live");
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [status, featuresUrl, duration]);

  const overrides = useMemo(
    () =>
      controls
        ? {
            dynamics: { gain: controls.gain, beatSensitivity: controls.beatSensitivity },
            skybox: { rotationSpeed: controls.rotationSpeed, brightness: controls.brightness },
          }
        : undefined,
    [controls],
  );

  // Live analysis: rebuild the visual every few seconds while new frames arrive.
  useEffect(() => {
    if (featureSource !== "live") return;
    const t = setInterval(() => {
      if (audio.current && !audio.current.paused) setGeneration((g) => g + 1);
    }, LIVE_REBUILD_MS);
    return () => clearInterval(t);
  }, [featureSource]);

  // Build the visual for (features, preset, controls) and draw it in step with the audio.
  // biome-ignore lint/correctness/useExhaustiveDependencies: `generation` re-applies live analysis
  useEffect(() => {
    const host = stage.current;
    if (!host || !features || !overrides) return;
    let visual: VisualRenderer | null = null;
    let raf = 0;
    let stopped = false;
    // A fresh canvas per build, swapped in after its first frame so a rebuild never flashes.
    const canvas = document.createElement("canvas");
    canvas.setAttribute("data-testid", "preview-canvas");
    (async () => {
      try {
        const { createVisual } = await import("@efs/visual");
        if (stopped) return;
        const width = Math.min(
          PREVIEW_MAX_WIDTH,
          Math.round(host.clientWidth * Math.min(2, devicePixelRatio)) || 640,
        );
        const height = Math.round((width * 9) / 16);
        visual = createVisual({
          config: resolveVisualConfig(preset, overrides),
          features,
          fps: features.fps,
          width,
          height,
          projection: "flat",
          canvas,
        });
        setVisualError(null);
        let lastTime = -1;
        let attached = false;
        const loop = () => {
          if (stopped || !visual) return;
          const el = audio.current;
          const t = el ? el.currentTime : 0;
          if (el && !el.paused) live.current?.sample(t);
          if (t !== lastTime) {
            visual.renderAt(t);
            lastTime = t;
          }
          if (!attached) {
            host.replaceChildren(canvas);
            attached = true;
          }
          raf = requestAnimationFrame(loop);
        };
        loop();
      } catch (err) {
        setVisualError(
          `The live preview could not start: ${(err as Error).message}. Your browser may lack WebGL2; renders still work.`,
        );
      }
    })();
    return () => {
      stopped = true;
      cancelAnimationFrame(raf);
      visual?.dispose();
    };
  }, [features, preset, overrides, generation]);

  if (error && !job) return <p className="panel error">Could not load this audio: {error}</p>;
  if (!job) return <p className="empty">Loading…</p>;
  if (job.status !== "complete") {
    return (
      <div className="panel">
        <h1>{job.title}</h1>
        <p>This audio is not ready yet; the preview starts once it is prepared.</p>
        <JobStatus job={job} />
      </div>
    );
  }

  const set = (k: keyof Controls) => (e: ChangeEvent<HTMLInputElement>) =>
    setControls((c) => (c ? { ...c, [k]: Number(e.target.value) } : c));

  return (
    <>
      <h1>{job.title}</h1>
      <div className="stage" ref={stage} />
      {visualError ? <p className="error">{visualError}</p> : null}
      {/* biome-ignore lint/a11y/useMediaCaption: music has no captions */}
      <audio
        ref={audio}
        controls
        preload="auto"
        crossOrigin="anonymous"
        src={job.urls.audio}
        data-testid="player"
        style={{ marginTop: 8 }}
      />
      <p className="muted" data-testid="feature-source">
        {featureSource === "precomputed"
          ? "Preview driven by the track's analysed features: the render will match it frame for frame."
          : featureSource === "live"
            ? "Preview driven by live analysis of the playing audio (no precomputed features for this item)."
            : "Loading the audio analysis…"}
      </p>
      <div className="panel">
        <div className="row">
          <label className="grow">
            Preset
            <select
              value={preset}
              onChange={(e) => setPreset(e.target.value)}
              data-testid="preset"
              style={{ width: "100%" }}
            >
              {PRESET_IDS.map((p) => (
                <option key={p} value={p}>
                  {presetLabel(p)}
                </option>
              ))}
            </select>
          </label>
          <button type="button" onClick={() => setDialogOpen(true)}>
            Render video…
          </button>
        </div>
        {controls ? (
          <div className="controls" style={{ marginTop: 12 }}>
            <label>
              Reactivity ×{controls.gain.toFixed(2)}
              <input
                type="range"
                min={0}
                max={4}
                step={0.05}
                value={controls.gain}
                onChange={set("gain")}
              />
            </label>
            <label>
              Beat kick {controls.beatSensitivity.toFixed(2)}
              <input
                type="range"
                min={0}
                max={4}
                step={0.05}
                value={controls.beatSensitivity}
                onChange={set("beatSensitivity")}
              />
            </label>
            <label>
              Sky rotation {controls.rotationSpeed.toFixed(0)}°/s
              <input
                type="range"
                min={-90}
                max={90}
                step={1}
                value={controls.rotationSpeed}
                onChange={set("rotationSpeed")}
              />
            </label>
            <label>
              Sky brightness {controls.brightness.toFixed(2)}
              <input
                type="range"
                min={0}
                max={4}
                step={0.05}
                value={controls.brightness}
                onChange={set("brightness")}
              />
            </label>
          </div>
        ) : null}
      </div>
      <p>
        <Link href={`/audio/${id}`}>Back to the player</Link> ·{" "}
        <Link href="/renders">Your renders</Link>
      </p>
      {dialogOpen ? (
        <RenderDialog
          audioId={id}
          duration={duration}
          preset={preset}
          visual={overrides ?? {}}
          onClose={() => setDialogOpen(false)}
        />
      ) : null}
    </>
  );
}
