// Equirectangular output: the particles are captured into a cube map (6 passes, black
// background) and one full-screen pass (composite.ts) maps each output pixel's
// longitude/latitude to a direction, where it reads the sky and the captured particles.
// Centre of the image = looking down -Z (forward); x grows to the right (+X at u = 0.75).
import * as THREE from "three";
import { createComposite, type FrameValues } from "./composite";
import type { Framing } from "./framing";

export interface EquirectView {
  draw(
    renderer: THREE.WebGLRenderer,
    particleScene: THREE.Scene,
    frame: FrameValues,
    target: THREE.WebGLRenderTarget | null,
  ): void;
  dispose(): void;
}

export interface EquirectViewOptions {
  width: number;
  height: number;
  sky: THREE.Texture;
  noise: THREE.Texture;
  seed: number;
  viewer: THREE.Vector3;
  reach: Framing["reach"];
}

// Creates the cube capture (face ≈ width/4 matches the equator's sampling; the cube camera
// is added to the particle scene by the caller) and the projection pass. The sky cube is
// baked at the same sampling, so its stars are already at the output resolution.
export function createEquirectView(
  o: EquirectViewOptions,
): EquirectView & { cubeCamera: THREE.CubeCamera } {
  const face = Math.min(4096, Math.max(64, Math.round(o.width / 4)));
  const cube = new THREE.WebGLCubeRenderTarget(face, { generateMipmaps: false });
  cube.texture.minFilter = THREE.LinearFilter;
  const cubeCamera = new THREE.CubeCamera(0.05, 1000, cube);
  cubeCamera.position.copy(o.viewer);
  const composite = createComposite("equirect", o.sky, cube.texture, o.noise, o.seed, 0);
  composite.setView({
    camera: new THREE.PerspectiveCamera(),
    viewer: o.viewer,
    outputHeight: o.height,
    reach: o.reach,
  });
  const geo = new THREE.PlaneGeometry(2, 2);
  const quad = new THREE.Mesh(geo, composite.material);
  quad.frustumCulled = false;
  const quadScene = new THREE.Scene();
  quadScene.add(quad);
  const quadCam = new THREE.OrthographicCamera(-1, 1, 1, -1, 0, 1);
  const black = new THREE.Color(0, 0, 0);
  const prevClear = new THREE.Color();
  return {
    cubeCamera,
    draw(renderer, particleScene, frame, target) {
      composite.setFrame(frame);
      renderer.getClearColor(prevClear);
      const prevAlpha = renderer.getClearAlpha();
      renderer.setClearColor(black, 0);
      cubeCamera.update(renderer, particleScene);
      renderer.setClearColor(prevClear, prevAlpha);
      renderer.setRenderTarget(target);
      renderer.render(quadScene, quadCam);
      renderer.setRenderTarget(null);
    },
    dispose() {
      cube.dispose();
      geo.dispose();
      composite.material.dispose();
    },
  };
}
