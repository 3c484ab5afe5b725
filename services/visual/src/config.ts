// The visual config: typed, validated at the edge, with errors that name the path and the fix.

export const PARTICLE_MODES = ["flame", "mist", "curtain"] as const;
export type ParticleMode = (typeof PARTICLE_MODES)[number];
export const SKYBOX_PRESETS = ["nebula", "void", "aurora", "solar", "neon"] as const;
export type SkyboxPreset = (typeof SKYBOX_PRESETS)[number];

export interface BandWeights {
  bass: number;
  mids: number;
  highs: number;
  beat: number;
}

// Modes: "flame" rises from a bowl at the base into swaying, flickering tongues; "mist"
// breathes outwards in soft curls; "curtain" stands tall thin rays on a folded ribbon across
// the sky (aurora) — for curtains spawnRadius is the half-width of the ribbon, rise its
// height, turbulence its folding, size.peak the ray width and lifetime the period of the
// bright bands that travel along it.
export interface LayerConfig {
  mode: ParticleMode;
  /** Number of particles (instanced quads). */
  count: number;
  /** Size over a particle's life, in scene units: at birth, at the peak (mid-life), at death. */
  size: { start: number; peak: number; end: number };
  /** Radius of the spawn sphere, scene units (the orb is about 1). */
  spawnRadius: number;
  /** Seconds a particle lives before it respawns. */
  lifetime: number;
  /** Upward drift in scene units per second (flame); mist drifts outward instead. */
  rise: number;
  /** Strength of the swirling tendrils / turbulence. */
  turbulence: number;
  /** Colour at birth and at death (#rrggbb). */
  colorInner: string;
  colorOuter: string;
  opacity: number;
  bandWeights: BandWeights;
}

export interface VisualConfig {
  seed: number;
  layers: LayerConfig[];
  skybox: {
    preset: SkyboxPreset;
    /** Degrees per second around the vertical axis. */
    rotationSpeed: number;
    brightness: number;
  };
  dynamics: {
    /** Seconds to rise to a louder level. */
    attack: number;
    /** Seconds to fall back. */
    release: number;
    /** How strongly onsets kick the orb (0 = ignore beats). */
    beatSensitivity: number;
    /** Overall audio reactivity. */
    gain: number;
  };
  /**
   * distance: the closest the camera comes (scene units); it moves back as far as the
   * flames need to stay inside the frame at the output's aspect on the strongest beats
   * (framing.ts). fov: vertical field of view in degrees.
   */
  camera: { distance: number; fov: number };
}

export class VisualConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(`invalid visual config:\n  - ${issues.join("\n  - ")}`);
    this.name = "VisualConfigError";
  }
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

class Checker {
  issues: string[] = [];
  num(o: Obj, key: string, path: string, min: number, max: number, int = false): number {
    const v = o[key];
    if (
      typeof v !== "number" ||
      !Number.isFinite(v) ||
      v < min ||
      v > max ||
      (int && !Number.isInteger(v))
    ) {
      this.issues.push(
        `${path}.${key} must be ${int ? "an integer" : "a number"} from ${min} to ${max} (got ${JSON.stringify(v)})`,
      );
      return min;
    }
    return v;
  }
  oneOf<T extends string>(o: Obj, key: string, path: string, allowed: readonly T[]): T {
    const v = o[key];
    if (typeof v !== "string" || !(allowed as readonly string[]).includes(v)) {
      this.issues.push(
        `${path}.${key} must be one of ${allowed.join(", ")} (got ${JSON.stringify(v)})`,
      );
      return allowed[0]!;
    }
    return v as T;
  }
  color(o: Obj, key: string, path: string): string {
    const v = o[key];
    if (typeof v !== "string" || !/^#[0-9a-fA-F]{6}$/.test(v)) {
      this.issues.push(`${path}.${key} must be a colour like "#ffaa33" (got ${JSON.stringify(v)})`);
      return "#000000";
    }
    return v.toLowerCase();
  }
  obj(o: Obj, key: string, path: string): Obj {
    const v = o[key];
    if (!isObj(v)) {
      this.issues.push(`${path}.${key} must be an object`);
      return {};
    }
    return v;
  }
}

// Validates an unknown value as a VisualConfig; throws VisualConfigError listing every problem.
export function parseVisualConfig(input: unknown): VisualConfig {
  const c = new Checker();
  if (!isObj(input)) throw new VisualConfigError(["config must be an object"]);
  const seed = c.num(input, "seed", "config", 0, 2 ** 32 - 1, true);
  const layersIn = input.layers;
  const layers: LayerConfig[] = [];
  if (!Array.isArray(layersIn) || layersIn.length < 1 || layersIn.length > 4) {
    c.issues.push("config.layers must be an array of 1 to 4 layers");
  } else {
    layersIn.forEach((l, i) => {
      const p = `config.layers[${i}]`;
      if (!isObj(l)) {
        c.issues.push(`${p} must be an object`);
        return;
      }
      const size = c.obj(l, "size", p);
      const bw = c.obj(l, "bandWeights", p);
      layers.push({
        mode: c.oneOf(l, "mode", p, PARTICLE_MODES),
        count: c.num(l, "count", p, 1, 200_000, true),
        size: {
          start: c.num(size, "start", `${p}.size`, 0, 5),
          peak: c.num(size, "peak", `${p}.size`, 0, 5),
          end: c.num(size, "end", `${p}.size`, 0, 5),
        },
        spawnRadius: c.num(l, "spawnRadius", p, 0.01, 10),
        lifetime: c.num(l, "lifetime", p, 0.1, 60),
        rise: c.num(l, "rise", p, -5, 5),
        turbulence: c.num(l, "turbulence", p, 0, 5),
        colorInner: c.color(l, "colorInner", p),
        colorOuter: c.color(l, "colorOuter", p),
        opacity: c.num(l, "opacity", p, 0, 1),
        bandWeights: {
          bass: c.num(bw, "bass", `${p}.bandWeights`, 0, 4),
          mids: c.num(bw, "mids", `${p}.bandWeights`, 0, 4),
          highs: c.num(bw, "highs", `${p}.bandWeights`, 0, 4),
          beat: c.num(bw, "beat", `${p}.bandWeights`, 0, 4),
        },
      });
    });
  }
  const sky = c.obj(input, "skybox", "config");
  const dyn = c.obj(input, "dynamics", "config");
  const cam = c.obj(input, "camera", "config");
  const config: VisualConfig = {
    seed,
    layers,
    skybox: {
      preset: c.oneOf(sky, "preset", "config.skybox", SKYBOX_PRESETS),
      rotationSpeed: c.num(sky, "rotationSpeed", "config.skybox", -90, 90),
      brightness: c.num(sky, "brightness", "config.skybox", 0, 4),
    },
    dynamics: {
      attack: c.num(dyn, "attack", "config.dynamics", 0, 5),
      release: c.num(dyn, "release", "config.dynamics", 0, 10),
      beatSensitivity: c.num(dyn, "beatSensitivity", "config.dynamics", 0, 4),
      gain: c.num(dyn, "gain", "config.dynamics", 0, 4),
    },
    camera: {
      distance: c.num(cam, "distance", "config.camera", 0.5, 50),
      fov: c.num(cam, "fov", "config.camera", 10, 120),
    },
  };
  if (c.issues.length) throw new VisualConfigError(c.issues);
  return config;
}

// Deep-merges a partial override onto a base config (arrays replace element-wise by index).
export function mergeConfig(base: unknown, override: unknown): unknown {
  if (override === undefined) return base;
  if (Array.isArray(base) && Array.isArray(override)) {
    const len = Math.max(base.length, override.length);
    return Array.from({ length: len }, (_, i) =>
      i < override.length ? mergeConfig(base[i], override[i]) : base[i],
    );
  }
  if (isObj(base) && isObj(override)) {
    const out: Obj = { ...base };
    for (const [k, v] of Object.entries(override)) out[k] = mergeConfig(base[k], v);
    return out;
  }
  return override;
}
