// Named presets (ids are kebab-case and part of the wire contract: web → worker → renderer).
import {
  type LayerConfig,
  mergeConfig,
  parseVisualConfig,
  type VisualConfig,
  VisualConfigError,
} from "./config";

const w = (bass: number, mids: number, highs: number, beat: number) => ({
  bass,
  mids,
  highs,
  beat,
});

const flameCore = (
  inner: string,
  outer: string,
  extra: Partial<LayerConfig> = {},
): LayerConfig => ({
  mode: "flame",
  count: 2200,
  size: { start: 0.035, peak: 0.09, end: 0.015 },
  spawnRadius: 0.45,
  lifetime: 1.6,
  rise: 0.9,
  turbulence: 0.8,
  colorInner: inner,
  colorOuter: outer,
  opacity: 0.075,
  bandWeights: w(1.2, 0.4, 0.2, 0.8),
  ...extra,
});

const flameHalo = (
  inner: string,
  outer: string,
  extra: Partial<LayerConfig> = {},
): LayerConfig => ({
  mode: "flame",
  count: 2200,
  size: { start: 0.05, peak: 0.16, end: 0.03 },
  spawnRadius: 0.75,
  lifetime: 2.6,
  rise: 0.6,
  turbulence: 1.4,
  colorInner: inner,
  colorOuter: outer,
  opacity: 0.07,
  bandWeights: w(0.5, 0.8, 0.5, 0.4),
  ...extra,
});

const mistCloud = (
  inner: string,
  outer: string,
  extra: Partial<LayerConfig> = {},
): LayerConfig => ({
  mode: "mist",
  count: 1500,
  size: { start: 0.15, peak: 0.32, end: 0.22 },
  spawnRadius: 1.1,
  lifetime: 5,
  rise: 0.15,
  turbulence: 0.6,
  colorInner: inner,
  colorOuter: outer,
  opacity: 0.035,
  bandWeights: w(0.6, 0.9, 0.4, 0.3),
  ...extra,
});

// Aurora curtain: rays `size.peak` wide standing on a ribbon `spawnRadius` either side of the
// centre, `rise` tall, folded by `turbulence`; `lifetime` sets how fast bright bands travel.
const curtain = (inner: string, outer: string, extra: Partial<LayerConfig> = {}): LayerConfig => ({
  mode: "curtain",
  count: 3000,
  size: { start: 0.06, peak: 0.06, end: 0.06 },
  spawnRadius: 4.5,
  lifetime: 2.5,
  rise: 2.4,
  turbulence: 1,
  colorInner: inner,
  colorOuter: outer,
  opacity: 0.16,
  bandWeights: w(0.4, 0.9, 0.6, 0.4),
  ...extra,
});

const dyn = (attack: number, release: number, beatSensitivity: number, gain: number) => ({
  attack,
  release,
  beatSensitivity,
  gain,
});

const RAW = {
  "ethereal-flame": {
    label: "Ethereal Flame",
    config: {
      seed: 1,
      layers: [flameCore("#fff0b0", "#ff6a10"), flameHalo("#ff8a1e", "#c01a08")],
      skybox: { preset: "nebula", rotationSpeed: 1.5, brightness: 1 },
      dynamics: dyn(0.04, 0.35, 1, 1),
      camera: { distance: 3.3, fov: 55 },
    },
  },
  "ethereal-mist": {
    label: "Ethereal Mist",
    config: {
      seed: 2,
      layers: [
        mistCloud("#b8d4ff", "#4a6fe0", { spawnRadius: 1.3, turbulence: 1, opacity: 0.03 }),
        mistCloud("#b9a2ff", "#2a1a6e", {
          count: 2500,
          spawnRadius: 1.9,
          turbulence: 1.2,
          opacity: 0.022,
        }),
      ],
      skybox: { preset: "nebula", rotationSpeed: 0.8, brightness: 0.8 },
      dynamics: dyn(0.12, 0.8, 0.5, 0.8),
      camera: { distance: 4.5, fov: 55 },
    },
  },
  "cosmic-void": {
    label: "Cosmic Void",
    config: {
      seed: 3,
      layers: [
        flameCore("#d9e8ff", "#4a3cff", {
          rise: 0.7,
          spawnRadius: 0.5,
          turbulence: 1.2,
          opacity: 0.09,
        }),
        mistCloud("#8a7dff", "#140a3a", { count: 3000, spawnRadius: 1.7, opacity: 0.022 }),
      ],
      skybox: { preset: "void", rotationSpeed: 0.5, brightness: 1 },
      dynamics: dyn(0.06, 0.6, 0.8, 0.9),
      camera: { distance: 3.8, fov: 55 },
    },
  },
  "solar-flare": {
    label: "Solar Flare",
    config: {
      seed: 4,
      layers: [
        flameCore("#ffffff", "#ffb000", { rise: 1.1, opacity: 0.16 }),
        flameHalo("#ff8c00", "#ff2000", { turbulence: 1.8, rise: 0.85 }),
      ],
      skybox: { preset: "solar", rotationSpeed: 2, brightness: 1 },
      dynamics: dyn(0.02, 0.25, 1.6, 1.3),
      camera: { distance: 3.6, fov: 55 },
    },
  },
  aurora: {
    label: "Aurora",
    config: {
      seed: 5,
      layers: [
        curtain("#8dffb4", "#12c9b8", {}),
        curtain("#3dffc0", "#4b52e6", {
          count: 2000,
          spawnRadius: 5.5,
          rise: 3,
          turbulence: 1.4,
          lifetime: 3.5,
          opacity: 0.09,
          bandWeights: w(0.3, 1, 0.6, 0.3),
        }),
      ],
      skybox: { preset: "aurora", rotationSpeed: 1, brightness: 1 },
      dynamics: dyn(0.15, 0.9, 0.5, 1),
      camera: { distance: 4.4, fov: 55 },
    },
  },
  "neon-pulse": {
    label: "Neon Pulse",
    config: {
      seed: 6,
      layers: [
        flameCore("#ffd6ff", "#ff00c8", { bandWeights: w(1.5, 0.3, 0.3, 2) }),
        flameHalo("#00e5ff", "#5a00ff", { bandWeights: w(0.6, 0.6, 1, 1.5) }),
      ],
      skybox: { preset: "neon", rotationSpeed: 3, brightness: 1 },
      dynamics: dyn(0.01, 0.18, 2, 1.4),
      camera: { distance: 3.3, fov: 55 },
    },
  },
} as const;

export type PresetId = keyof typeof RAW;
export const PRESET_IDS = Object.keys(RAW) as PresetId[];
export const DEFAULT_PRESET: PresetId = "ethereal-flame";

export function isPresetId(id: unknown): id is PresetId {
  return typeof id === "string" && Object.hasOwn(RAW, id);
}

// Human label of a preset ("Ethereal Flame").
export function presetLabel(id: PresetId): string {
  return RAW[id].label;
}

// A preset's validated config, with an optional partial override merged on top. An override
// key the config does not have (a typo, a setting from elsewhere) is refused, named.
export function resolveVisualConfig(preset: string, override?: unknown): VisualConfig {
  if (!isPresetId(preset)) {
    throw new Error(`unknown preset "${preset}"; choose one of ${PRESET_IDS.join(", ")}`);
  }
  const config = parseVisualConfig(mergeConfig(structuredClone(RAW[preset].config), override));
  const unknown: string[] = [];
  unknownKeys(override, config, "config", unknown);
  if (unknown.length) throw new VisualConfigError(unknown);
  return config;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

// Collects the override's keys that have no counterpart in the validated config.
function unknownKeys(override: unknown, known: unknown, path: string, out: string[]): void {
  if (!isObj(override) || !isObj(known)) return;
  for (const [key, value] of Object.entries(override)) {
    if (!Object.hasOwn(known, key)) {
      out.push(
        `${path}.${key} is not a visual setting; the settings here are ${Object.keys(known).join(", ")}`,
      );
    } else if (Array.isArray(value) && Array.isArray(known[key])) {
      const list = known[key] as unknown[];
      for (const [i, v] of value.entries()) unknownKeys(v, list[i], `${path}.${key}[${i}]`, out);
    } else {
      unknownKeys(value, known[key], `${path}.${key}`, out);
    }
  }
}
