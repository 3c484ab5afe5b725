// createVisual: the scene (skybox + particle layers) drawn as a pure function of
// (frame index or time, fps, features, config). No Node APIs here: it runs in the web
// app's live preview and in the renderer's capture page alike.
import * as THREE from "three";
import type { CreateVisualOptions, VisualRenderer } from "./api";
import type { FrameValues } from "./composite";
import { parseVisualConfig } from "./config";
import { computeEnvelopes, type Envelopes, frameDrive } from "./envelopes";
import { createEquirectView, type EquirectView } from "./equirect";
import { limitEnvelopes } from "./flash-limiter";
import { createFlatView, type FlatView } from "./flat-view";
import { frameScene } from "./framing";
import { createNoiseTexture } from "./noise-texture";
import { PARTICLE_SCALE } from "./particle-pass";
import { createParticleLayer, HEADROOM } from "./particles";
import { probeLuminance } from "./probe";
import { createReadback, type Readback } from "./readback";
import { bakeSkybox, starBrightness } from "./skybox";

/** Half the interpupillary distance, in scene units (the orb is about 1 unit across). */
const HALF_IPD = 0.032;
/** 360 markers' light relative to their colour (see below). */
const MARKER_LIGHT = 1.5;
/** 360 output keeps the landscape composition (and flash measure) for its forward view. */
const EQUIRECT_ASPECT = 16 / 9;

// Creates a visual bound to a canvas; throws VisualConfigError on a bad config.
export function createVisual(opts: CreateVisualOptions): VisualRenderer {
  const config = parseVisualConfig(opts.config);
  const { fps, features } = opts;
  if (!(fps > 0)) throw new Error(`fps must be positive (got ${fps})`);
  const canvas = opts.canvas ?? document.createElement("canvas");
  const renderer = new THREE.WebGLRenderer({
    canvas,
    antialias: false,
    alpha: false,
    preserveDrawingBuffer: false,
    powerPreference: "high-performance",
  });
  // A shader that fails to compile would otherwise draw nothing and only log: fail the frame.
  renderer.debug.onShaderError = (gl, program, vs, fs) => {
    const log = [gl.getShaderInfoLog(vs), gl.getShaderInfoLog(fs), gl.getProgramInfoLog(program)];
    throw new Error(`visual: shader failed to compile: ${log.filter(Boolean).join(" ").trim()}`);
  };
  renderer.outputColorSpace = THREE.LinearSRGBColorSpace;
  renderer.setPixelRatio(1);
  const readback: Readback | null =
    opts.output === "offscreen"
      ? createReadback(opts.width, opts.height, opts.i420Conversion ?? "gpu")
      : null;
  if (readback) renderer.setSize(1, 1, false);
  else renderer.setSize(opts.width, opts.height, false);

  const quality = opts.quality ?? "draft";
  const flat = opts.projection !== "equirect";
  const longest = Math.max(opts.width, opts.height);
  // 360: a face matches the equator's sampling, so baked stars are at the output
  // resolution already. Flat "final" draws its stars per output pixel instead.
  const skyFace = !flat ? (longest > 4096 ? 2048 : 1024) : longest > 1280 ? 1024 : 512;
  const stars = flat && quality === "final" ? starBrightness(config.skybox.preset) : 0;
  const sky = bakeSkybox(renderer, config.skybox.preset, config.seed, skyFace, stars === 0);
  const noise = createNoiseTexture(config.seed);
  const layers = config.layers.map((l, i) =>
    createParticleLayer(l, config.seed * 7919 + i * 104729),
  );
  const particleScene = new THREE.Scene();
  for (const l of layers) particleScene.add(l.mesh);
  const envelopes = computeEnvelopes(features, config);

  // Stereo: a flat pair moves the camera by half the IPD; 360 uses omni-directional stereo
  // (ODS): the camera stays at the centre and each point is shifted as if seen from an eye
  // offset along the horizontal "right" of that point's own direction (particles.ts).
  const eyeSign = opts.eye === "left" ? -1 : opts.eye === "right" ? 1 : 0;
  const ods = flat ? 0 : eyeSign * HALF_IPD;
  const eyeX = flat ? eyeSign * HALF_IPD : 0;
  const rotation = THREE.MathUtils.degToRad(config.skybox.rotationSpeed);
  // Sets the particles for a (possibly fractional) frame; the composite's values for it.
  const prepare = (env: Envelopes, timeSec: number, frame: number): FrameValues => {
    const drive = frameDrive(env, frame, config.dynamics.gain);
    for (const l of layers) l.update(timeSec, drive);
    return {
      skyRotation: new THREE.Euler(0, rotation * timeSec, 0),
      skyIntensity: config.skybox.brightness * (0.85 + 0.25 * drive.rms),
      timeSec,
    };
  };

  // The camera frames the flames for the output's aspect (framing.ts); the flash limiter
  // measures that framing (flash-limiter.ts, probe.ts).
  const aim = (aspect: number) => {
    const framing = frameScene(config, aspect);
    const viewer = new THREE.Vector3(eyeX, framing.lookY, framing.distance);
    const lookAt = new THREE.Vector3(eyeX, framing.lookY, 0);
    // The probe looks from between the eyes, so both eyes of a stereo pair get the same
    // limited envelopes (the same motion).
    const centre = new THREE.Vector3(0, framing.lookY, framing.distance);
    for (const l of layers) l.setStereo(centre, 0);
    const limited = limitEnvelopes(envelopes, config, (frames) =>
      probeLuminance(
        {
          renderer,
          particleScene,
          sky: sky.texture,
          noise,
          seed: config.seed,
          fov: config.camera.fov,
          aspect,
          viewer: centre,
          lookAt: new THREE.Vector3(0, framing.lookY, 0),
          prepare: (f) => prepare(envelopes, f / fps, f),
        },
        frames,
      ),
    );
    for (const l of layers) l.setStereo(viewer, ods);
    return { viewer, lookAt, reach: framing.reach, envelopes: limited };
  };
  let aimed = aim(flat ? opts.width / opts.height : EQUIRECT_ASPECT);

  const viewOptions = () => ({
    width: opts.width,
    height: opts.height,
    sky: sky.texture,
    noise,
    seed: config.seed,
    viewer: aimed.viewer,
  });
  let flatView: FlatView | null = null;
  let equirect: (EquirectView & { cubeCamera: THREE.CubeCamera }) | null = null;
  if (flat) {
    flatView = createFlatView({
      ...viewOptions(),
      particleScale: PARTICLE_SCALE[quality],
      stars,
      fov: config.camera.fov,
      lookAt: aimed.lookAt,
    });
  } else {
    equirect = createEquirectView({ ...viewOptions(), reach: aimed.reach });
    particleScene.add(equirect.cubeCamera);
  }

  const markerGeo = new THREE.SphereGeometry(0.08, 16, 12);
  const markerMats: THREE.Material[] = [];
  for (const m of opts.markers ?? []) {
    // 360 markers are captured with the particles: stored as light / HEADROOM like them, with
    // no flame density (alpha 0, so no fire detail), 1.5× their colour so the tone curve's
    // shoulder leaves them near full strength (flat markers are drawn over the composite).
    const color = new THREE.Color(m.color).multiplyScalar(flat ? 1 : MARKER_LIGHT / HEADROOM);
    const mat = new THREE.MeshBasicMaterial({ color, depthTest: false, opacity: flat ? 1 : 0 });
    markerMats.push(mat);
    const mesh = new THREE.Mesh(markerGeo, mat);
    const dir = new THREE.Vector3(...m.direction).normalize();
    // Markers are shifted whole, by the same ODS rule as a particle's centre.
    const odsShift = new THREE.Vector3(-dir.z, 0, dir.x).multiplyScalar(-ods);
    mesh.position.copy(aimed.viewer).addScaledVector(dir, 2).add(odsShift);
    mesh.renderOrder = 10;
    (flatView?.quadScene ?? particleScene).add(mesh);
  }

  // Draws into `target` (null: the canvas).
  const draw = (timeSec: number, frame: number, target: THREE.WebGLRenderTarget | null) => {
    const values = prepare(aimed.envelopes, timeSec, frame);
    (flatView ?? equirect)!.draw(renderer, particleScene, values, target);
  };

  return {
    canvas,
    renderFrame(index) {
      draw(index / fps, index, null);
    },
    renderPixels(index, out, format = "i420") {
      if (!readback) throw new Error('renderPixels needs createVisual({ output: "offscreen" })');
      draw(index / fps, index, readback.frame);
      readback.read(renderer, out, format);
    },
    pixelBytes(format = "i420") {
      return readback?.bytes(format) ?? 0;
    },
    renderAt(timeSec) {
      draw(timeSec, timeSec * fps, null);
    },
    resize(width, height) {
      if (readback) readback.setSize(width, height);
      else renderer.setSize(width, height, false);
      if (!flatView) return;
      // A new aspect is framed (and its flashes measured) anew.
      const aspect = width / height;
      const reframe = Math.abs(aspect - flatView.camera.aspect) > 1e-6;
      flatView.resize(width, height);
      if (reframe) {
        aimed = aim(aspect);
        flatView.aim(aimed.viewer, aimed.lookAt);
      }
    },
    dispose() {
      for (const l of layers) l.dispose();
      flatView?.dispose();
      equirect?.dispose();
      readback?.dispose();
      sky.dispose();
      noise.dispose();
      markerGeo.dispose();
      for (const m of markerMats) m.dispose();
      renderer.dispose();
    },
  };
}
