// Shared helpers for the fake provider CLIs: JSON state in $EFS_FAKE_STATE and an argv log.
import { appendFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const dir = process.env.EFS_FAKE_STATE;
if (!dir) {
  process.stderr.write("fake CLI: EFS_FAKE_STATE is not set\n");
  process.exit(97);
}

// Loads the state of one fake CLI (with defaults for a missing file).
export function load(cli, defaults) {
  try {
    return { ...defaults, ...JSON.parse(readFileSync(join(dir, `${cli}.json`), "utf8")) };
  } catch {
    return { ...defaults };
  }
}

// Saves the state of one fake CLI.
export function save(cli, state) {
  writeFileSync(join(dir, `${cli}.json`), JSON.stringify(state, null, 2));
}

// Appends this invocation to argv.jsonl (what tests assert on; never secret values).
export function logArgv(cli, extra = {}) {
  const line = { cli, argv: process.argv.slice(2), cwd: process.cwd(), ...extra };
  appendFileSync(join(dir, "argv.jsonl"), `${JSON.stringify(line)}\n`);
}

// Value of `--name <v>` in argv.
export function flag(argv, name) {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}

// Writes to stderr and exits with `code`.
export function die(message, code = 1) {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}
