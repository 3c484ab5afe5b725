// Equirectangular output: the scene is captured into a cube map (6 passes) and one
// full-screen pass maps each output pixel's longitude/latitude to a cube direction.
// Centre of the image = looking down -Z (forward); x grows to the right (+X at u = 0.75).
import * as THREE from "three";

const VERT = /* glsl */ `
varying vec2 vUv;
void main() { vUv = uv; gl_Position = vec4(position.xy, 0.0, 1.0); }`;

const FRAG = /* glsl */ `
uniform samplerCube uCube;
varying vec2 vUv;
void main() {
  float lon = (vUv.x - 0.5) * 6.28318530718;
  float lat = (vUv.y - 0.5) * 3.14159265359;
  vec3 dir = vec3(sin(lon) * cos(lat), sin(lat), -cos(lon) * cos(lat));
  gl_FragColor = vec4(textureCube(uCube, dir).rgb, 1.0);
}`;

export interface EquirectPass {
  cubeCamera: THREE.CubeCamera;
  /** Captures the cube and projects it into `target` (null: the canvas). */
  render(
    renderer: THREE.WebGLRenderer,
    scene: THREE.Scene,
    target: THREE.WebGLRenderTarget | null,
  ): void;
  dispose(): void;
}

// Creates the cube capture (face ≈ width/4 matches equator sampling) and the projection pass.
export function createEquirectPass(width: number): EquirectPass {
  const face = Math.min(4096, Math.max(64, Math.round(width / 4)));
  const target = new THREE.WebGLCubeRenderTarget(face, { generateMipmaps: false });
  target.texture.minFilter = THREE.LinearFilter;
  const cubeCamera = new THREE.CubeCamera(0.05, 1000, target);
  const quadScene = new THREE.Scene();
  const quadCam = new THREE.OrthographicCamera(-1, 1, 1, -1, 0, 1);
  const geo = new THREE.PlaneGeometry(2, 2);
  const mat = new THREE.ShaderMaterial({
    vertexShader: VERT,
    fragmentShader: FRAG,
    depthTest: false,
    depthWrite: false,
    uniforms: { uCube: { value: target.texture } },
  });
  const quad = new THREE.Mesh(geo, mat);
  quad.frustumCulled = false;
  quadScene.add(quad);
  return {
    cubeCamera,
    render(renderer, scene, target) {
      cubeCamera.update(renderer, scene);
      renderer.setRenderTarget(target);
      renderer.render(quadScene, quadCam);
      renderer.setRenderTarget(null);
    },
    dispose() {
      target.dispose();
      geo.dispose();
      mat.dispose();
    },
  };
}
