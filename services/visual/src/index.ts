// createVisual: the scene (skybox + particle layers) drawn as a pure function of
// (frame index or time, fps, features, config). No Node APIs here: it runs in the web
// app's live preview and in the renderer's capture page alike.
import * as THREE from "three";
import type { CreateVisualOptions, VisualRenderer } from "./api";
import { parseVisualConfig } from "./config";
import { computeEnvelopes, driveAt } from "./envelopes";
import { createEquirectPass, type EquirectPass } from "./equirect";
import { createParticlePass, type ParticlePass } from "./particle-pass";
import { createParticleLayer } from "./particles";
import { createReadback, type Readback } from "./readback";
import { bakeSkybox } from "./skybox";

/** Half the interpupillary distance, in scene units (the orb is about 1 unit across). */
const HALF_IPD = 0.032;
const LOOK_Y = 0.4;

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

  const scene = new THREE.Scene();
  const longest = Math.max(opts.width, opts.height);
  const skyFace =
    opts.projection === "equirect" ? (longest > 4096 ? 2048 : 1024) : longest > 1280 ? 1024 : 512;
  const sky = bakeSkybox(renderer, config.skybox.preset, config.seed, skyFace);
  const layers = config.layers.map((l, i) =>
    createParticleLayer(l, config.seed * 7919 + i * 104729),
  );
  // Flat: particles go to a low-resolution target composited over the sky. Equirect: they
  // stay in the scene the cube camera captures (full resolution per face).
  const particlePass: ParticlePass | null =
    opts.projection === "equirect"
      ? null
      : createParticlePass(opts.width, opts.height, sky.texture);
  if (!particlePass) scene.background = sky.texture;
  // Flat: the composite quad covers every pixel, so the canvas needs no clear.
  else renderer.autoClearColor = false;
  for (const l of layers) (particlePass?.scene ?? scene).add(l.mesh);
  if (particlePass) scene.add(particlePass.composite);
  const envelopes = computeEnvelopes(features, config);

  // Stereo: a flat pair moves the camera by half the IPD; 360 uses omni-directional stereo
  // (ODS): the camera stays at the centre and each point is shifted as if seen from an eye
  // offset along the horizontal "right" of that point's own direction (particles.ts).
  const eyeSign = opts.eye === "left" ? -1 : opts.eye === "right" ? 1 : 0;
  const ods = opts.projection === "equirect" ? eyeSign * HALF_IPD : 0;
  const eyeX = opts.projection === "equirect" ? 0 : eyeSign * HALF_IPD;
  const viewer = new THREE.Vector3(eyeX, LOOK_Y, config.camera.distance);
  for (const l of layers) l.setStereo(viewer, ods);
  const camera = new THREE.PerspectiveCamera(
    config.camera.fov,
    opts.width / opts.height,
    0.05,
    1000,
  );
  camera.position.copy(viewer);
  camera.lookAt(eyeX, LOOK_Y, 0);
  let equirect: EquirectPass | null = null;
  if (opts.projection === "equirect") {
    equirect = createEquirectPass(opts.width);
    equirect.cubeCamera.position.copy(viewer);
    scene.add(equirect.cubeCamera);
  }
  const markerGeo = new THREE.SphereGeometry(0.08, 16, 12);
  const markerMats: THREE.Material[] = [];
  for (const m of opts.markers ?? []) {
    const mat = new THREE.MeshBasicMaterial({ color: new THREE.Color(m.color), depthTest: false });
    markerMats.push(mat);
    const mesh = new THREE.Mesh(markerGeo, mat);
    const dir = new THREE.Vector3(...m.direction).normalize();
    // Markers are shifted whole, by the same ODS rule as a particle's centre.
    const odsShift = new THREE.Vector3(-dir.z, 0, dir.x).multiplyScalar(-ods);
    mesh.position.copy(viewer).addScaledVector(dir, 2).add(odsShift);
    mesh.renderOrder = 10;
    scene.add(mesh);
  }

  const { gain } = config.dynamics;
  const rotation = THREE.MathUtils.degToRad(config.skybox.rotationSpeed);
  // Draws into `target` (null: the canvas).
  const draw = (timeSec: number, frame: number, target: THREE.WebGLRenderTarget | null) => {
    const d = driveAt(envelopes, frame);
    const g = (x: number) => Math.min(2, x * gain);
    const drive = {
      bass: g(d.bass),
      mids: g(d.mids),
      highs: g(d.highs),
      beat: d.beat,
      rms: g(d.rms),
    };
    for (const l of layers) l.update(timeSec, drive);
    scene.backgroundRotation.set(0, rotation * timeSec, 0);
    scene.backgroundIntensity = config.skybox.brightness * (0.85 + 0.25 * drive.rms);
    if (equirect) equirect.render(renderer, scene, target);
    else {
      particlePass?.render(renderer, camera, scene.backgroundRotation, scene.backgroundIntensity);
      renderer.setRenderTarget(target);
      renderer.render(scene, camera);
      renderer.setRenderTarget(null);
    }
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
      particlePass?.setSize(width, height);
      camera.aspect = width / height;
      camera.updateProjectionMatrix();
    },
    dispose() {
      for (const l of layers) l.dispose();
      equirect?.dispose();
      particlePass?.dispose();
      readback?.dispose();
      sky.dispose();
      markerGeo.dispose();
      for (const m of markerMats) m.dispose();
      renderer.dispose();
    },
  };
}
