"use client";
// The drag-to-look 360° viewer: one component for the live 360 preview (its source is the
// visual's equirect canvas, redrawn by the page) and for playing 360° renders (a <video>).
// Drag (mouse or finger) to turn, wheel or pinch to zoom, and on phones "Look with your phone"
// follows the device's orientation. Built on @efs/visual's sphere view (three.js).
import type { SphereSource, SphereView } from "@efs/visual/sphere-view";
import { type Ref, useCallback, useEffect, useImperativeHandle, useRef, useState } from "react";

export interface SphereViewerHandle {
  /** The source canvas has a new frame: draw it. */
  frame(): void;
}

type OrientationPermission = { requestPermission?: () => Promise<"granted" | "denied"> };

const MAX_SIDE = 1920;
const deg = (r: number) => Math.round((r * 180) / Math.PI);

export function SphereViewer({
  source,
  stereo = "mono",
  ref,
  label = "360° view: drag to look around",
}: {
  source: SphereSource | null;
  stereo?: "mono" | "top-bottom";
  ref?: Ref<SphereViewerHandle>;
  label?: string;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const view = useRef<SphereView | null>(null);
  const dirty = useRef(true);
  const current = useRef({ source, stereo });
  current.current = { source, stereo };
  const [look, setLook] = useState({ yaw: 0, pitch: 0 });
  const [error, setError] = useState<string | null>(null);
  const [motion, setMotion] = useState<"off" | "on" | "unavailable">("off");
  const [canMotion, setCanMotion] = useState(false);

  useImperativeHandle(ref, () => ({
    frame() {
      view.current?.invalidate();
      dirty.current = true;
    },
  }));

  const report = useCallback(() => {
    const l = view.current?.look();
    if (l) setLook({ yaw: deg(l.yaw), pitch: deg(l.pitch) });
    dirty.current = true;
  }, []);

  // The view and its draw loop: redraw when something changed, or every frame of a playing video.
  useEffect(() => {
    const el = canvas.current;
    if (!el) return;
    let raf = 0;
    let stopped = false;
    let observer: ResizeObserver | null = null;
    (async () => {
      try {
        const { createSphereView } = await import("@efs/visual/sphere-view");
        if (stopped) return;
        const v = createSphereView(el);
        view.current = v;
        v.setSource(current.current.source, current.current.stereo);
        const fit = () => {
          const dpr = Math.min(2, window.devicePixelRatio || 1);
          const w = Math.min(MAX_SIDE, Math.round(el.clientWidth * dpr)) || 640;
          const h = Math.min(MAX_SIDE, Math.round(el.clientHeight * dpr)) || 360;
          v.resize(w, h);
          dirty.current = true;
        };
        fit();
        observer = new ResizeObserver(fit);
        observer.observe(el);
        const loop = () => {
          if (stopped) return;
          const src = current.current.source;
          const playing = src instanceof HTMLVideoElement && !src.paused && !src.ended;
          if (dirty.current || playing) {
            v.render();
            dirty.current = false;
          }
          raf = requestAnimationFrame(loop);
        };
        loop();
      } catch (err) {
        setError(`The 360° view could not start: ${(err as Error).message}`);
      }
    })();
    return () => {
      stopped = true;
      cancelAnimationFrame(raf);
      observer?.disconnect();
      view.current?.dispose();
      view.current = null;
    };
  }, []);

  useEffect(() => {
    view.current?.setSource(source, stereo);
    dirty.current = true;
  }, [source, stereo]);

  // Pointer drag and pinch; wheel zoom.
  useEffect(() => {
    const el = canvas.current;
    if (!el) return;
    const pointers = new Map<number, { x: number; y: number }>();
    let pinch = 0;
    const down = (e: PointerEvent) => {
      el.setPointerCapture(e.pointerId);
      pointers.set(e.pointerId, { x: e.clientX, y: e.clientY });
    };
    const move = (e: PointerEvent) => {
      const last = pointers.get(e.pointerId);
      const v = view.current;
      if (!last || !v) return;
      pointers.set(e.pointerId, { x: e.clientX, y: e.clientY });
      if (pointers.size === 2) {
        const [a, b] = [...pointers.values()];
        const dist = Math.hypot(a!.x - b!.x, a!.y - b!.y);
        if (pinch) v.setLook({ fov: v.look().fov * (pinch / dist) });
        pinch = dist;
      } else {
        const scale = (window.devicePixelRatio || 1) * (el.height / Math.max(1, el.clientHeight));
        v.drag((e.clientX - last.x) * scale, (e.clientY - last.y) * scale);
      }
      report();
    };
    const up = (e: PointerEvent) => {
      pointers.delete(e.pointerId);
      pinch = 0;
    };
    const wheel = (e: WheelEvent) => {
      const v = view.current;
      if (!v) return;
      e.preventDefault();
      v.setLook({ fov: v.look().fov * Math.exp(e.deltaY * 0.001) });
      report();
    };
    el.addEventListener("pointerdown", down);
    el.addEventListener("pointermove", move);
    el.addEventListener("pointerup", up);
    el.addEventListener("pointercancel", up);
    el.addEventListener("wheel", wheel, { passive: false });
    return () => {
      el.removeEventListener("pointerdown", down);
      el.removeEventListener("pointermove", move);
      el.removeEventListener("pointerup", up);
      el.removeEventListener("pointercancel", up);
      el.removeEventListener("wheel", wheel);
    };
  }, [report]);

  // Device orientation (phones): offered where the browser has it and the screen is touch.
  useEffect(() => {
    setCanMotion(
      typeof window !== "undefined" &&
        "DeviceOrientationEvent" in window &&
        window.matchMedia?.("(pointer: coarse)").matches === true,
    );
  }, []);
  useEffect(() => {
    if (motion !== "on") return;
    let offset: number | null = null;
    let toLook: typeof import("@efs/visual/sphere-view").orientationToLook | null = null;
    void import("@efs/visual/sphere-view").then((m) => {
      toLook = m.orientationToLook;
    });
    const onOrientation = (e: DeviceOrientationEvent) => {
      const v = view.current;
      if (!v || !toLook || e.alpha === null || e.beta === null || e.gamma === null) return;
      const angle = screen.orientation?.angle ?? 0;
      const l = toLook(e.alpha, e.beta, e.gamma, angle);
      // Keep looking where the viewer was looking when motion was switched on.
      offset ??= v.look().yaw - l.yaw;
      v.setLook({ yaw: l.yaw + offset, pitch: l.pitch });
      report();
    };
    window.addEventListener("deviceorientation", onOrientation);
    return () => window.removeEventListener("deviceorientation", onOrientation);
  }, [motion, report]);

  const toggleMotion = async () => {
    if (motion === "on") return setMotion("off");
    const ctor = window.DeviceOrientationEvent as unknown as OrientationPermission;
    if (typeof ctor.requestPermission === "function") {
      const answer = await ctor.requestPermission().catch(() => "denied" as const);
      if (answer !== "granted") return setMotion("unavailable");
    }
    setMotion("on");
  };

  return (
    <div className="sphere">
      <canvas
        ref={canvas}
        data-testid="sphere-viewer"
        data-yaw={look.yaw}
        data-pitch={look.pitch}
        aria-label={label}
        role="img"
      />
      <div className="sphere-bar row">
        <span className="muted grow">
          Drag to look around · yaw {look.yaw}° · pitch {look.pitch}°
        </span>
        <button
          type="button"
          className="secondary"
          onClick={() => {
            view.current?.setLook({ yaw: 0, pitch: 0, fov: 75 });
            report();
          }}
        >
          Face front
        </button>
        {canMotion ? (
          <button type="button" className="secondary" onClick={() => void toggleMotion()}>
            {motion === "on" ? "Stop following the phone" : "Look with your phone"}
          </button>
        ) : null}
      </div>
      {motion === "unavailable" ? (
        <p className="muted">Motion access was refused; drag to look around instead.</p>
      ) : null}
      {error ? <p className="error">{error}</p> : null}
    </div>
  );
}
