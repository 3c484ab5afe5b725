import { createHash } from "node:crypto";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { blockedReason } from "../src/net/address-policy";
import { BlockedUrlError } from "../src/net/blocked-url-error";
import { saveBody } from "../src/net/download";
import { fetchUrlSource } from "../src/net/fetch-source";
import { guardedFetch } from "../src/net/guarded-fetch";
import { startServer, type TestServer } from "./helpers/http-server";

describe("address policy", () => {
  it.each([
    ["127.0.0.1", "loopback"],
    ["10.1.2.3", "private"],
    ["172.16.0.1", "private"],
    ["192.168.1.1", "private"],
    ["169.254.169.254", "link-local"],
    ["100.64.0.1", "carrier-grade NAT"],
    ["0.0.0.0", "unspecified"],
    ["224.0.0.1", "multicast"],
    ["255.255.255.255", "broadcast"],
    ["::1", "loopback"],
    ["::", "unspecified"],
    ["fe80::1", "link-local"],
    ["fd00:ec2::254", "unique-local"],
    ["fc00::1", "unique-local"],
    ["ff02::1", "multicast"],
    ["::ffff:127.0.0.1", "loopback"],
    ["::ffff:169.254.169.254", "link-local"],
    ["::ffff:7f00:1", "loopback"],
    ["::127.0.0.1", "loopback"],
    ["::10.0.0.1", "private"],
    ["64:ff9b::a9fe:a9fe", "not a public address"],
    ["2002:7f00:1::", "not a public address"],
  ])("refuses %s (%s)", (addr, why) => {
    expect(blockedReason(addr)).toContain(why);
  });

  it.each(["93.184.216.34", "1.1.1.1", "2606:4700:4700::1111", "::ffff:1.1.1.1"])(
    "allows public %s",
    (addr) => {
      expect(blockedReason(addr)).toBeNull();
    },
  );
});

describe("guarded fetch against a local server", () => {
  let server: TestServer;
  let dir: string;
  beforeEach(async () => {
    server = await startServer();
    dir = await mkdtemp(join(tmpdir(), "efs-ssrf-"));
  });
  afterEach(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("refuses the local server itself without an explicit allowlist entry", async () => {
    server.route("/a.mp3", (_q, s) => s.end("x"));
    await expect(guardedFetch(`${server.url}/a.mp3`)).rejects.toThrow(
      /127\.0\.0\.1 is a loopback address/,
    );
    expect(server.requests).toEqual([]);
  });

  it.each([
    ["http://127.0.0.1:9/x", /loopback/],
    ["http://169.254.169.254/latest/meta-data/", /link-local/],
    ["http://[::1]:9/x", /loopback/],
    ["http://[::ffff:127.0.0.1]:9/x", /loopback/],
    ["http://2130706433/x", /loopback/],
    ["http://0x7f.1/x", /loopback/],
  ])("refuses a redirect to %s and never connects there", async (target, why) => {
    server.route("/start", (_q, s) => s.writeHead(302, { location: target }).end());
    const err = await guardedFetch(`${server.url}/start`, {
      allowHostPorts: [server.hostPort],
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BlockedUrlError);
    expect((err as Error).message).toMatch(why);
    expect(server.requests).toEqual(["GET /start"]);
  });

  it("refuses a hostname that resolves to a private address (resolver injected)", async () => {
    const resolve = async (host: string) => {
      expect(host).toBe("intranet.example.com");
      return [{ address: "10.0.0.7", family: 4 }];
    };
    await expect(guardedFetch("http://intranet.example.com/a.mp3", { resolve })).rejects.toThrow(
      "refusing to fetch intranet.example.com: 10.0.0.7 is a private network address",
    );
  });

  it("refuses a hostname when any of its addresses is private", async () => {
    const resolve = async () => [
      { address: "93.184.216.34", family: 4 },
      { address: "fd12::1", family: 6 },
    ];
    await expect(guardedFetch("https://mixed.example.com/", { resolve })).rejects.toThrow(
      /unique-local/,
    );
  });

  it("connects to the checked address, not a second DNS answer (pinned lookup)", async () => {
    server.route("/pinned.mp3", (req, s) => s.end(`host=${req.headers.host}`));
    let calls = 0;
    const resolve = async () => {
      calls++;
      return [{ address: "127.0.0.1", family: 4 }];
    };
    const port = server.hostPort.split(":")[1];
    const res = await guardedFetch(`http://rebind.test:${port}/pinned.mp3`, {
      resolve,
      allowHostPorts: [`rebind.test:${port}`],
    });
    expect(Buffer.concat(await res.body.toArray()).toString()).toBe(`host=rebind.test:${port}`);
    await res.close();
    expect(calls).toBe(1);
  });

  it.each([
    "ftp://example.com/a.mp3",
    "file:///etc/passwd",
    "gopher://x/",
    "data:audio/mp3;base64,AA==",
  ])("refuses the non-http scheme %s", async (url) => {
    await expect(guardedFetch(url)).rejects.toThrow(/only http and https URLs can be fetched/);
  });

  it("stops after 5 redirects", async () => {
    for (let i = 0; i < 7; i++) {
      server.route(`/r${i}`, (_q, s) => s.writeHead(302, { location: `/r${i + 1}` }).end());
    }
    await expect(
      guardedFetch(`${server.url}/r0`, { allowHostPorts: [server.hostPort] }),
    ).rejects.toThrow("too many redirects (more than 5)");
    expect(server.requests).toHaveLength(6);
  });

  it("follows allowed redirects and downloads the body", async () => {
    const body = Buffer.alloc(50_000, 7);
    server.route("/go", (_q, s) => s.writeHead(301, { location: "/file.mp3" }).end());
    server.route("/file.mp3", (_q, s) =>
      s.writeHead(200, { "content-type": "audio/mpeg" }).end(body),
    );
    const res = await guardedFetch(`${server.url}/go`, { allowHostPorts: [server.hostPort] });
    expect(res.url.pathname).toBe("/file.mp3");
    const n = await saveBody(res, join(dir, "f"), 1_000_000);
    expect(n).toBe(50_000);
    const hash = (b: Buffer) => createHash("sha256").update(b).digest("hex");
    expect(hash(await readFile(join(dir, "f")))).toBe(hash(body));
  });

  it("refuses a declared Content-Length over the limit before reading the body", async () => {
    server.route("/big.mp3", (_q, s) =>
      s
        .writeHead(200, { "content-type": "audio/mpeg", "content-length": "5000000" })
        .end(Buffer.alloc(5_000_000)),
    );
    const res = await guardedFetch(`${server.url}/big.mp3`, { allowHostPorts: [server.hostPort] });
    await expect(saveBody(res, join(dir, "big"), 1_000_000)).rejects.toThrow(
      /too large: 4\.8 MB \(limit 1 MB/,
    );
    expect(await readdir(dir)).toEqual([]);
  });

  it("stops a chunked stream once it passes the limit and keeps nothing", async () => {
    let sent = 0;
    server.route("/endless.mp3", (_q, s) => {
      s.writeHead(200, { "content-type": "audio/mpeg" });
      const timer = setInterval(() => {
        if (s.destroyed || sent > 20_000_000) {
          clearInterval(timer);
          s.end();
          return;
        }
        sent += 65536;
        s.write(Buffer.alloc(65536));
      }, 1);
    });
    const res = await guardedFetch(`${server.url}/endless.mp3`, {
      allowHostPorts: [server.hostPort],
    });
    await expect(saveBody(res, join(dir, "endless"), 1_000_000)).rejects.toThrow(
      /exceeded the 1 MB limit/,
    );
    expect(await readdir(dir)).toEqual([]);
    expect(sent).toBeLessThan(20_000_000);
  });

  it("refuses a URL whose page redirects to the metadata service before yt-dlp runs", async () => {
    server.route("/watch", (_q, s) =>
      s.writeHead(302, { location: "http://169.254.169.254/latest/" }).end(),
    );
    await expect(
      fetchUrlSource(`${server.url}/watch`, dir, {
        allowHostPorts: [server.hostPort],
        maxBytes: 1000,
        ytdlpTimeoutMs: 5000,
        downloadTimeoutMs: 5000,
      }),
    ).rejects.toThrow(/169\.254\.169\.254 is a link-local address/);
    expect(await readdir(dir)).toEqual([]);
  });
});
