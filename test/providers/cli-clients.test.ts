import { closeSync, readFileSync, readlinkSync } from "node:fs";
import { deletedFileFd } from "@efs/core/proc/run";
import { afterEach, describe, expect, it } from "vitest";
import { createModalCli, parseModalUrls } from "../../src/providers/modal-cli";
import { createTursoCli } from "../../src/providers/turso-cli";
import { createFakes, type Fakes } from "../fakes/fakes";

let fakes: Fakes;
afterEach(() => fakes?.cleanup());

describe("provider CLIs through the fake executables", () => {
  it("treats turso's exit-0 'You are not logged in' on stdout as not logged in", async () => {
    fakes = createFakes();
    fakes.set("turso", { loggedIn: false });
    const cli = createTursoCli(fakes.env());
    expect(await cli.isLoggedIn()).toBe(false);
    await expect(cli.createDb("x", "default")).rejects.toThrow(
      /not logged in.*\n.*turso auth login/s,
    );
    expect(fakes.calls("turso").map((c) => c.argv)).toEqual([
      ["db", "list"],
      ["db", "create", "x", "--group", "default"],
    ]);
  });

  it("creates a database once, reports the duplicate as existing, and reads the URL and a token", async () => {
    fakes = createFakes();
    const cli = createTursoCli(fakes.env());
    expect(await cli.dbUrl("jobs")).toBeUndefined();
    expect(await cli.createDb("jobs", "default")).toEqual({ existed: false });
    expect(await cli.createDb("jobs", "default")).toEqual({ existed: true });
    expect(await cli.dbUrl("jobs")).toBe("libsql://jobs-fake-org.aws-us-east-1.turso.io");
    expect(await cli.mintToken("jobs")).toMatch(/^eyJ/);
  });

  it("gives modal secrets as JSON on stdin from a deleted 0600 file, never argv or a file on disk", async () => {
    fakes = createFakes();
    const env = {
      ...fakes.env(),
      MODAL_TOKEN_ID: "ak-x1234567",
      MODAL_TOKEN_SECRET: "as-y1234567",
    };
    const modal = createModalCli(env);
    await modal.checkToken();
    await modal.createSecret("ethereal-auth", { MODAL_AUTH_TOKEN: "mat_supersecretvalue" });
    await modal.createSecret("ethereal-auth", { MODAL_AUTH_TOKEN: "mat_othersecretvalue" });
    const state = fakes.get<{
      secrets: Record<string, { fileMode: string; values: object; writes: number }>;
    }>("modal");
    expect(state.secrets["ethereal-auth"]).toEqual({
      fileMode: "600",
      onDisk: false,
      values: { MODAL_AUTH_TOKEN: "mat_othersecretvalue" },
      writes: 2,
    });
    expect(JSON.stringify(fakes.calls("modal"))).not.toContain("secretvalue");
  });

  it("explains a modal CLI without credentials", async () => {
    fakes = createFakes();
    await expect(createModalCli(fakes.env()).checkToken()).rejects.toThrow(
      /Token missing[\s\S]*modal token new/,
    );
  });

  it("parses endpoint URLs from modal deploy output", () => {
    const out =
      "├── 🔨 Created web function submit => https://ws-dev--ethereal-submit.modal.run\n└── 🔨 Created web function status => https://ws-dev--ethereal-status.modal.run\n✓ App deployed in 2.1s! 🎉";
    expect(parseModalUrls(out)).toEqual([
      "https://ws-dev--ethereal-submit.modal.run",
      "https://ws-dev--ethereal-status.modal.run",
    ]);
  });

  it("opens secret content as a descriptor whose file is already deleted", () => {
    const fd = deletedFileFd('{"A":"1"}');
    try {
      expect(readFileSync(fd, "utf8")).toBe('{"A":"1"}');
      expect(readlinkSync(`/proc/self/fd/${fd}`)).toMatch(/\(deleted\)$/);
    } finally {
      closeSync(fd);
    }
  });
});
