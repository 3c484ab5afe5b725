// A flat (perspective) view of the scene at one size: the particles into their target, the
// fire pass over it, then the composite at the output size. The visual's flat output and the
// flash limiter's probe (probe.ts) are both one of these.
import * as THREE from "three";
import { type Composite, createComposite, type FrameValues } from "./composite";
import { createFirePass } from "./fire";
import { createParticlePass } from "./particle-pass";

export interface FlatView {
  camera: THREE.PerspectiveCamera;
  /** The composite quad; flat markers are added here (drawn over it). */
  quadScene: THREE.Scene;
  draw(
    renderer: THREE.WebGLRenderer,
    particleScene: THREE.Scene,
    frame: FrameValues,
    target: THREE.WebGLRenderTarget | null,
  ): void;
  resize(width: number, height: number): void;
  /** Moves the camera (a new framing). */
  aim(viewer: THREE.Vector3, lookAt: THREE.Vector3): void;
  dispose(): void;
}

export interface FlatViewOptions {
  width: number;
  height: number;
  /** Particle target size relative to the output (particle-pass.ts). */
  particleScale: number;
  sky: THREE.Texture;
  noise: THREE.Texture;
  seed: number;
  /** Star brightness drawn per output pixel (0: the sky has them baked). */
  stars: number;
  fov: number;
  viewer: THREE.Vector3;
  lookAt: THREE.Vector3;
}

export function createFlatView(o: FlatViewOptions): FlatView {
  const camera = new THREE.PerspectiveCamera(o.fov, o.width / o.height, 0.05, 1000);
  const particles = createParticlePass(o.width, o.height, o.particleScale);
  const fire = createFirePass(particles.texture, o.noise, particles.width, particles.height);
  const composite: Composite = createComposite(
    "flat",
    o.sky,
    fire.texture,
    o.noise,
    o.seed,
    o.stars,
  );
  const geo = new THREE.PlaneGeometry(2, 2);
  const quad = new THREE.Mesh(geo, composite.material);
  quad.frustumCulled = false;
  quad.renderOrder = -1;
  const quadScene = new THREE.Scene();
  quadScene.add(quad);
  let height = o.height;
  const viewer = new THREE.Vector3();
  const update = () => {
    composite.setView({ camera, viewer, outputHeight: height });
    fire.setView(camera, viewer);
  };
  const aim = (v: THREE.Vector3, at: THREE.Vector3) => {
    viewer.copy(v);
    camera.position.copy(v);
    camera.lookAt(at);
    update();
  };
  aim(o.viewer, o.lookAt);
  return {
    camera,
    quadScene,
    draw(renderer, particleScene, frame, target) {
      composite.setFrame(frame);
      particles.render(renderer, particleScene, camera);
      fire.render(renderer, frame.timeSec);
      // The composite quad covers every pixel: nothing to clear.
      const clear = renderer.autoClearColor;
      renderer.autoClearColor = false;
      renderer.setRenderTarget(target);
      renderer.render(quadScene, camera);
      renderer.setRenderTarget(null);
      renderer.autoClearColor = clear;
    },
    resize(w, h) {
      particles.setSize(w, h);
      fire.setSize(particles.width, particles.height);
      camera.aspect = w / h;
      camera.updateProjectionMatrix();
      height = h;
      update();
    },
    aim,
    dispose() {
      particles.dispose();
      fire.dispose();
      geo.dispose();
      composite.material.dispose();
    },
  };
}
