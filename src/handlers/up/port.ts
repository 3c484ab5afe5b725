// Port checks: is a port taken (another studio, another program), and a free one for the renderer.
import { createServer } from "node:net";

// Resolves true when nothing can bind 127.0.0.1:`port` because something already listens.
export function portInUse(port: number, host = "127.0.0.1"): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once("error", (e: NodeJS.ErrnoException) => resolve(e.code === "EADDRINUSE"));
    srv.listen(port, host, () => srv.close(() => resolve(false)));
  });
}

// A free loopback port (bound to 0, then released).
export function freePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, host, () => {
      const a = srv.address();
      const port = typeof a === "object" && a ? a.port : 0;
      srv.close(() => resolve(port));
    });
  });
}
