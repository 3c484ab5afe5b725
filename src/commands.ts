// The command table: one light declaration module per verb. Adding a command = one import
// and one entry here (see docs/cli.md). Declarations must not import handlers statically.
import type { Command } from "commander";
import { register as completion } from "./commands/completion";
import { register as destroy } from "./commands/destroy";
import { register as doctor } from "./commands/doctor";
import { register as down } from "./commands/down";
import { register as env } from "./commands/env";
import { register as init } from "./commands/init";
import { register as logs } from "./commands/logs";
import { register as render } from "./commands/render";
import { register as rotate } from "./commands/rotate";
import { register as smoke } from "./commands/smoke";
import { register as status } from "./commands/status";
import { register as up } from "./commands/up";
import { register as vault } from "./commands/vault";
import { register as verify } from "./commands/verify";
import type { CliContext } from "./context";

export type Register = (program: Command, ctx: CliContext) => void;

// Order is the order in `efs --help`.
export const COMMANDS: readonly Register[] = [
  init,
  verify,
  env,
  rotate,
  destroy,
  vault,
  up,
  down,
  logs,
  smoke,
  status,
  render,
  doctor,
  completion,
];
