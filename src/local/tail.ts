// Last lines of a log file (for error messages and `efs logs`).
import { closeSync, fstatSync, openSync, readSync } from "node:fs";

// The last `lines` lines of `file` ("" when it does not exist); reads at most 256 KiB.
export function tailFile(file: string, lines: number): string {
  let fd: number;
  try {
    fd = openSync(file, "r");
  } catch {
    return "";
  }
  try {
    const size = fstatSync(fd).size;
    const len = Math.min(size, 256 * 1024);
    const buf = Buffer.alloc(len);
    readSync(fd, buf, 0, len, size - len);
    const all = buf.toString("utf8").split("\n");
    if (all.at(-1) === "") all.pop();
    return all.slice(-lines).join("\n");
  } finally {
    closeSync(fd);
  }
}
