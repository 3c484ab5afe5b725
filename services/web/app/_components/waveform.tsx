"use client";
// Waveform of the prepared audio (peaks from the worker) with the playhead, the kept region
// shaded, and click/tap to seek.
import { type RefObject, useEffect, useRef } from "react";

export function Waveform({
  peaks,
  audio,
  duration,
  region,
}: {
  peaks: number[] | null;
  audio: RefObject<HTMLAudioElement | null>;
  duration: number;
  region?: { start: number; end: number };
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    let raf = 0;
    const draw = () => {
      const c = canvas.current;
      const ctx = c?.getContext("2d");
      if (c && ctx) {
        const w = c.clientWidth * devicePixelRatio;
        const h = c.clientHeight * devicePixelRatio;
        c.width = w;
        c.height = h;
        ctx.clearRect(0, 0, w, h);
        const total = duration > 0 ? duration : audio.current?.duration || 0;
        if (region && total > 0) {
          ctx.fillStyle = "rgba(255,138,61,0.12)";
          ctx.fillRect((region.start / total) * w, 0, ((region.end - region.start) / total) * w, h);
        }
        if (peaks && peaks.length > 0) {
          ctx.fillStyle = "#8f86d9";
          const bar = w / peaks.length;
          peaks.forEach((p, i) => {
            const ph = Math.max(1, p * h * 0.95);
            ctx.fillRect(i * bar, (h - ph) / 2, Math.max(1, bar - 0.5), ph);
          });
        } else {
          ctx.fillStyle = "#a49fc4";
          ctx.font = `${12 * devicePixelRatio}px system-ui`;
          ctx.fillText("Waveform not available for this item", 10, h / 2);
        }
        const t = audio.current?.currentTime ?? 0;
        if (total > 0) {
          ctx.fillStyle = "#ffb36b";
          ctx.fillRect((t / total) * w - 1, 0, 2 * devicePixelRatio, h);
        }
      }
      raf = requestAnimationFrame(draw);
    };
    raf = requestAnimationFrame(draw);
    return () => cancelAnimationFrame(raf);
  }, [peaks, audio, duration, region]);
  return (
    <canvas
      ref={canvas}
      className="waveform"
      data-testid="waveform"
      onPointerDown={(e) => {
        const el = audio.current;
        const total = duration > 0 ? duration : el?.duration || 0;
        if (!el || !(total > 0)) return;
        const rect = e.currentTarget.getBoundingClientRect();
        el.currentTime = ((e.clientX - rect.left) / rect.width) * total;
      }}
    />
  );
}

// Fetches the peaks JSON from its signed URL (null while loading or when absent).
export async function loadPeaks(url: string | undefined): Promise<number[] | null> {
  if (!url) return null;
  try {
    const res = await fetch(url);
    if (!res.ok) return null;
    const data = (await res.json()) as { peaks?: unknown };
    return Array.isArray(data.peaks)
      ? data.peaks.filter((p): p is number => typeof p === "number")
      : null;
  } catch {
    return null;
  }
}
