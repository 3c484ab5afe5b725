// Entry: `node --import tsx services/renderer/src/server.ts --port 3100` (same as `cli serve`).
import { serve } from "./serve";

const i = process.argv.indexOf("--port");
const port = i > 0 ? Number(process.argv[i + 1]) : Number(process.env.PORT ?? 3100);
if (!Number.isInteger(port) || port < 0) {
  process.stderr.write("error: --port must be a port number\n");
  process.exit(2);
}
serve({ port, env: process.env, log: (s) => process.stderr.write(`${s}\n`) }).catch(
  (e: unknown) => {
    process.stderr.write(`error: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);
