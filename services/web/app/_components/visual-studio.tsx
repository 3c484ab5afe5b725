"use client";
// The visual page: live WebGL preview drawn by @efs/visual (the renderer's own module) in
// step with the playing audio, in the chosen format's shape — landscape, portrait, square, or
// 360° (the visual's own equirect frames in the drag-to-look viewer) — preset picker and main
// controls, and the render dialog.
//
// Features: the ingest result's precomputed per-frame features (the exact input the renderer
// uses, so the preview matches the render). Items without them fall back to live Web Audio
// analysis mapped to the same feature shape (see lib/client/live-features), re-applied to the
// visual every few seconds.
import type { AudioFeatures } from "@efs/core/audio/features";
import { RENDER_FORMAT_NAMES, RENDER_FORMATS, type RenderFormatName } from "@efs/core/formats";
import type { VisualRenderer } from "@efs/visual/api";
import { DEFAULT_PRESET, PRESET_IDS, presetLabel, resolveVisualConfig } from "@efs/visual/presets";
import Link from "next/link";
import { type ChangeEvent, useEffect, useMemo, useRef, useState } from "react";
import { analyseLive, type LiveAnalysis } from "../../lib/client/live-features";
import { useJob } from "../../lib/client/use-job";
import { formatLabel } from "../../lib/jobs/render-names";
import { JobStatus } from "./job-status";
import { RenderDialog } from "./render-dialog";
import { SphereViewer, type SphereViewerHandle } from "./sphere-viewer";

/** Longest side of a flat preview, in pixels. */
const PREVIEW_MAX_SIDE = 960;
const LIVE_REBUILD_MS = 3000;
const DEFAULT_FORMAT: RenderFormatName = "flat-1080p-landscape";

// Width of the live 360 preview's equirect frame: enough for a sharp view on a big screen,
// half that on a phone (each cube face is a quarter of it).
function equirectWidth(hostWidth: number): number {
  return hostWidth * Math.min(2, devicePixelRatio) >= 720 ? 2048 : 1024;
}

// A flat preview's pixel size: the format's aspect at the host's width, longest side capped.
function flatSize(hostWidth: number, w: number, h: number): { width: number; height: number } {
  const px = Math.round(hostWidth * Math.min(2, devicePixelRatio)) || 640;
  const scale = Math.min(px / w, PREVIEW_MAX_SIDE / Math.max(w, h));
  return { width: Math.max(2, Math.round(w * scale)), height: Math.max(2, Math.round(h * scale)) };
}

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
  const [format, setFormat] = useState<RenderFormatName>(DEFAULT_FORMAT);
  const [equirect, setEquirect] = useState<HTMLCanvasElement | null>(null);
  const viewer = useRef<SphereViewerHandle>(null);
  const live = useRef<LiveAnalysis | null>(null);
  const shape = RENDER_FORMATS[format];
  const is360 = shape.projection === "equirect";
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

  // Build the visual for (features, preset, controls, format) and draw it in step with the
  // audio: flat formats into a canvas of the format's aspect; 360° formats into an equirect
  // frame (the render's projection; the left eye of a stereo pair) the sphere viewer shows.
  // biome-ignore lint/correctness/useExhaustiveDependencies: `generation` re-applies live analysis
  useEffect(() => {
    const host = stage.current;
    if (!host || !features || !overrides) return;
    const { projection, stereo, width: fw, height: fh } = RENDER_FORMATS[format];
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
        // The stage is hidden in 360 mode: size by the page's width.
        const pageWidth = host.parentElement?.clientWidth || 960;
        const size =
          projection === "equirect"
            ? { width: equirectWidth(pageWidth), height: equirectWidth(pageWidth) / 2 }
            : flatSize(host.clientWidth || pageWidth, fw, fh);
        visual = createVisual({
          config: resolveVisualConfig(preset, overrides),
          features,
          fps: features.fps,
          ...size,
          projection,
          ...(stereo === "top-bottom" ? { eye: "left" as const } : {}),
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
            viewer.current?.frame();
            lastTime = t;
          }
          if (!attached) {
            if (projection === "equirect") setEquirect(canvas);
            else host.replaceChildren(canvas);
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
  }, [features, preset, overrides, generation, format]);

  // Leaving 360: the sphere viewer goes, the flat canvas comes back on the next build.
  useEffect(() => {
    if (!is360) setEquirect(null);
  }, [is360]);

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
      <label className="format-pick">
        Preview and render as{" "}
        <select
          value={format}
          onChange={(e) => setFormat(e.target.value as RenderFormatName)}
          data-testid="preview-format"
        >
          {RENDER_FORMAT_NAMES.map((name) => (
            <option key={name} value={name}>
              {formatLabel(name)} ({RENDER_FORMATS[name].width}×{RENDER_FORMATS[name].height})
            </option>
          ))}
        </select>
      </label>
      {is360 ? <SphereViewer source={equirect} ref={viewer} /> : null}
      <div
        className="stage"
        ref={stage}
        hidden={is360}
        data-aspect={`${shape.width}:${shape.height}`}
        style={{
          aspectRatio: `${shape.width} / ${shape.height}`,
          width: `min(100%, calc(70vh * ${shape.width / shape.height}))`,
        }}
      />
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
          ? `Preview driven by the track's analysed features, framed as ${formatLabel(format)}: the render will match it frame for frame.`
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
          format={format}
          onFormatChange={setFormat}
          preset={preset}
          visual={overrides ?? {}}
          onClose={() => setDialogOpen(false)}
        />
      ) : null}
    </>
  );
}
