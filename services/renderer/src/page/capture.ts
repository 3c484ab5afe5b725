// The capture page: draws frames with the visual engine and moves them out of the browser
// (in-page WebCodecs H.264 → POST /chunk, or raw readback → POST /frame; never files).
// Capture jobs draw offscreen and read frames back as yuv420p; their canvases are 1×1 and never in the document, so the compositor has nothing to redraw
// (a visible canvas cost ≈20 ms per 720p frame under SwiftShader).
import { createVisual } from "@efs/visual";
import type { VisualRenderer } from "@efs/visual/api";
import { avcHighCodec } from "./avc-level";
import type { CaptureJob, CaptureMode, PageInfo, RunResult } from "./job";
import { createUploader } from "./upload";

let job: CaptureJob;
let visuals: VisualRenderer[] = [];

let aborted = false;

function progress(done: number): void {
  void fetch("/progress", {
    method: "POST",
    body: JSON.stringify({ done }),
    headers: { "content-type": "application/json" },
  }).catch(() => {});
}

// Set when a visual's WebGL context is lost (out of GPU or SwiftShader memory): frames drawn
// after that are blank, so the run stops and says why.
let contextLost: string | null = null;
function checkContext(): void {
  if (contextLost) throw new Error(contextLost);
}

// Loads the job (from the server, or inline to switch jobs in one page) and builds the visuals.
async function init(inline?: CaptureJob): Promise<PageInfo> {
  job = inline ?? ((await (await fetch("/job.json")).json()) as CaptureJob);
  for (const v of visuals) {
    v.dispose();
    (v.canvas as HTMLCanvasElement).remove();
  }
  contextLost = null;
  const eyes = job.stereo === "top-bottom" ? (["left", "right"] as const) : (["mono"] as const);
  const output = job.output ?? "canvas";
  // The session resolves "auto" from the browser it launched (openCaptureSession).
  const i420Conversion = output === "canvas" ? null : job.i420Conversion === "cpu" ? "cpu" : "gpu";
  visuals = eyes.map((eye) => {
    const canvas = document.createElement("canvas");
    canvas.addEventListener("webglcontextlost", () => {
      contextLost = `WebGL lost its context while drawing ${job.width}×${job.height} frames (the GPU or SwiftShader ran out of memory)`;
    });
    if (output === "canvas") {
      canvas.width = job.width;
      canvas.height = job.height;
      document.body.appendChild(canvas);
    }
    return createVisual({
      config: job.config,
      features: job.features,
      fps: job.fps,
      width: job.width,
      height: job.height,
      projection: job.projection,
      eye,
      canvas,
      markers: job.markers,
      quality: job.quality,
      output,
      i420Conversion: i420Conversion ?? undefined,
    });
  });
  const { webglRenderer, webglVendor } = rendererInfo(
    (visuals[0]!.canvas as HTMLCanvasElement).getContext("webgl2")!,
  );
  let webcodecsCodec: string | null = null;
  const codec = job.stereo === "mono" ? avcHighCodec(job.width, job.height, job.fps) : null;
  if (codec && typeof VideoEncoder !== "undefined") {
    const s = await VideoEncoder.isConfigSupported(encoderConfig(codec));
    if (s.supported) webcodecsCodec = codec;
  }
  return { webglRenderer, webglVendor, webcodecsCodec, i420Conversion };
}

function rendererInfo(gl: WebGL2RenderingContext): { webglRenderer: string; webglVendor: string } {
  const dbg = gl.getExtension("WEBGL_debug_renderer_info");
  return {
    webglRenderer: String(
      dbg ? gl.getParameter(dbg.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER),
    ),
    webglVendor: String(
      dbg ? gl.getParameter(dbg.UNMASKED_VENDOR_WEBGL) : gl.getParameter(gl.VENDOR),
    ),
  };
}

// What the GPU conversion writes (visual/src/readback.ts); ffmpeg tags the raw path the same.
const BT709: VideoColorSpaceInit = {
  primaries: "bt709",
  transfer: "bt709",
  matrix: "bt709",
  fullRange: false,
};

function encoderConfig(codec: string): VideoEncoderConfig {
  return {
    codec,
    width: job.width,
    height: job.height,
    bitrate: job.bitrate,
    framerate: job.fps,
    hardwareAcceleration: "no-preference",
    avc: { format: "annexb" },
  };
}

async function runWebCodecs(from: number, to: number, codec: string): Promise<void> {
  const uploader = createUploader();
  let error: unknown = null;
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  let chain = Promise.resolve();
  let sent = 0;
  const flush = () => {
    if (!pendingBytes) return;
    const blob = new Blob(pending as BlobPart[]);
    pending = [];
    pendingBytes = 0;
    const what = `H.264 bitstream part ${++sent}`;
    chain = chain.then(() => uploader.send("/chunk", blob, what));
  };
  const encoder = new VideoEncoder({
    output: (chunk) => {
      const buf = new Uint8Array(chunk.byteLength);
      chunk.copyTo(buf);
      pending.push(buf);
      pendingBytes += buf.byteLength;
      if (pendingBytes > 1 << 20) flush();
    },
    error: (e) => {
      error = e;
    },
  });
  encoder.configure(encoderConfig(codec));
  // Under SwiftShader the page hands WebCodecs RGBA: it converts (libyuv, honouring the
  // BT.709 limited-range colour space below) on its encoder thread, in parallel with drawing.
  const format = job.i420Conversion === "cpu" ? "rgba" : "i420";
  const buf = new Uint8Array(visuals[0]!.pixelBytes(format));
  for (let i = from; i < to; i++) {
    if (aborted) throw new Error("aborted");
    if (error) throw error;
    checkContext();
    visuals[0]!.renderPixels(i, buf, format);
    const frame = new VideoFrame(buf, {
      format: format === "rgba" ? "RGBA" : "I420",
      codedWidth: job.width,
      codedHeight: job.height,
      timestamp: Math.round((i * 1e6) / job.fps),
      duration: Math.round(1e6 / job.fps),
      colorSpace: BT709,
    });
    encoder.encode(frame, { keyFrame: (i - from) % job.gop === 0 });
    frame.close();
    while (encoder.encodeQueueSize > 2) await new Promise((r) => setTimeout(r, 0));
    if ((i - from) % 10 === 9) progress(i - from + 1);
  }
  await encoder.flush();
  encoder.close();
  if (error) throw error;
  flush();
  await chain;
}

// Raw I420 readback (1.5 bytes per pixel), one frame in flight, each frame one Blob POST
// (upload.ts says why, and how its memory is released). Top-bottom stereo sends one stacked
// frame, left eye on top: each plane is the left eye's, then the right's.
async function runRaw(from: number, to: number): Promise<void> {
  const w = job.width;
  const h = job.height;
  const bufs = visuals.map((v) => new Uint8Array(v.pixelBytes("i420")));
  const planes = (b: Uint8Array) => [
    b.subarray(0, w * h),
    b.subarray(w * h, (w * h * 5) / 4),
    b.subarray((w * h * 5) / 4),
  ];
  const split = bufs.map(planes);
  await sendFrames(from, to, (i) => {
    for (const [e, v] of visuals.entries()) {
      checkContext();
      v.renderPixels(i, bufs[e]!);
    }
    return bufs.length === 1 ? bufs : [0, 1, 2].flatMap((p) => split.map((s) => s[p]!));
  });
}

// The raw path's loop: frame i is made while frame i − 1 is being sent (one in flight).
async function sendFrames(
  from: number,
  to: number,
  frame: (i: number) => Uint8Array[],
): Promise<void> {
  const uploader = createUploader();
  let inflight = Promise.resolve();
  for (let i = from; i < to; i++) {
    if (aborted) throw new Error("aborted");
    const blob = new Blob(frame(i) as BlobPart[]);
    await inflight;
    inflight = uploader.send("/frame", blob, `frame ${i}`);
    // Awaited at the next frame; marked handled so a failure is not also reported as unhandled.
    inflight.catch(() => {});
    if ((i - from) % 5 === 4) progress(i - from + 1);
  }
  await inflight;
}

// Transport check for tests and benchmarks: `frames` synthetic frames of `bytes` each through
// the raw path's loop and uploader, without drawing.
async function flood(frames: number, bytes: number): Promise<RunResult> {
  const t0 = performance.now();
  const buf = new Uint8Array(bytes);
  aborted = false;
  await sendFrames(0, frames, (i) => {
    buf[0] = i & 255;
    return [buf];
  });
  return { frames, ms: performance.now() - t0 };
}

// gl.finish() alone returns early in Chromium (the command buffer is asynchronous), so a
// 1×1 readPixels makes the wait real; it moves 4 bytes, no frame data.
function runDrawOnly(from: number, to: number): void {
  const gl = (visuals[0]!.canvas as HTMLCanvasElement).getContext("webgl2")!;
  const px = new Uint8Array(4);
  for (let i = from; i < to; i++) {
    for (const v of visuals) v.renderFrame(i);
    gl.finish();
    gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, px);
  }
}

async function run(
  from: number,
  to: number,
  mode: CaptureMode,
  codec: string | null,
): Promise<RunResult> {
  const t0 = performance.now();
  aborted = false;
  if (mode === "webcodecs") await runWebCodecs(from, to, codec!);
  else if (mode === "raw") await runRaw(from, to);
  else if (mode === "draw-only") runDrawOnly(from, to);
  else throw new Error(`mode ${mode} is driven from Node`);
  progress(to - from);
  return { frames: to - from, ms: performance.now() - t0 };
}

// Draws one frame and leaves it on the canvas (screenshot baseline, golden/marker tests).
function draw(i: number): void {
  for (const v of visuals) v.renderFrame(i);
}

// Draws frame i for one eye (0 = mono/left, 1 = right) and reads it as RGBA rows top-down,
// base64 (small test sizes only).
function pixels(i: number, eye = 0): string {
  const v = visuals[eye];
  if (!v) throw new Error(`this job has no eye ${eye}`);
  v.renderFrame(i);
  const gl = (v.canvas as HTMLCanvasElement).getContext("webgl2")!;
  const w = job.width;
  const h = job.height;
  const buf = new Uint8Array(w * h * 4);
  gl.readPixels(0, 0, w, h, gl.RGBA, gl.UNSIGNED_BYTE, buf);
  const flipped = new Uint8Array(buf.length);
  for (let y = 0; y < h; y++)
    flipped.set(buf.subarray((h - 1 - y) * w * 4, (h - y) * w * 4), y * w * 4);
  let s = "";
  for (let k = 0; k < flipped.length; k += 0x8000)
    s += String.fromCharCode(...flipped.subarray(k, k + 0x8000));
  return btoa(s);
}

Object.assign(window, {
  __efs: {
    init,
    run,
    draw,
    pixels,
    flood,
    abort: () => {
      aborted = true;
    },
  },
});
document.title = "efs-capture-ready";
