// Where `efs up` keeps its files inside the data dir.
import { join, resolve } from "node:path";

const DEFAULT_UP_DATA_DIR = ".efs/local";

/** Files of one local studio. */
export interface UpPaths {
  readonly dataDir: string;
  readonly stateFile: string;
  readonly secretsFile: string;
  readonly logsDir: string;
  readonly dbFile: string;
  /** Scratch of the workers and the renderer; removed whenever the studio stops. */
  readonly tmpDir: string;
}

// Resolves `dataDir` (relative to `cwd`) and the files under it.
export function upPaths(cwd: string, dataDir: string = DEFAULT_UP_DATA_DIR): UpPaths {
  const dir = resolve(cwd, dataDir);
  return Object.freeze({
    dataDir: dir,
    stateFile: join(dir, "up-state.json"),
    secretsFile: join(dir, "secrets.json"),
    logsDir: join(dir, "logs"),
    dbFile: join(dir, "efs.db"),
    tmpDir: scratchDir(dir),
  });
}

// `<data dir>/tmp`: per-job worker folders and the renderer's (Chromium profile, audio, video).
export function scratchDir(dataDir: string): string {
  return join(dataDir, "tmp");
}

// The log file of one service (`web`, `worker-1`, `renderer`) or of the supervisor (`up`).
export function logFile(paths: UpPaths, service: string): string {
  return join(paths.logsDir, `${service}.log`);
}
