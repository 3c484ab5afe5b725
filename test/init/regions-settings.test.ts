// The region mapping and the Vercel settings as plain functions.
import { describe, expect, it } from "vitest";
import {
  regionChoiceFor,
  renderRegionFor,
  tursoLocationFromUrl,
} from "../../src/checklist/regions";
import {
  settingsDrift,
  VERCEL_PROJECT_SETTINGS,
  vercelNodeState,
  vercelProjectJson,
} from "../../src/checklist/vercel-project";

const inputs = { region: "aws-us-east-1", regionFrom: "the default Turso location" };

describe("the Render region next to a Turso location", () => {
  it("maps the checklist's pairs and leaves far locations unmapped", () => {
    expect(renderRegionFor("aws-us-east-1")).toBe("virginia");
    expect(renderRegionFor("aws-us-west-2")).toBe("oregon");
    expect(renderRegionFor("aws-eu-west-1")).toBe("frankfurt");
    expect(renderRegionFor("aws-ap-northeast-1")).toBeUndefined();
    expect(renderRegionFor("aws-ap-south-1")).toBeUndefined();
  });

  it("reads the location from an AWS database URL only", () => {
    expect(tursoLocationFromUrl("libsql://db-org.aws-eu-west-1.turso.io")).toBe("aws-eu-west-1");
    expect(tursoLocationFromUrl("libsql://db-org.turso.io")).toBeUndefined();
    expect(tursoLocationFromUrl("not a url")).toBeUndefined();
  });

  it("prefers the flag, then the database's location, then where it will be created", () => {
    expect(regionChoiceFor({ ...inputs, renderRegion: "ohio" }, undefined).region).toBe("ohio");
    expect(regionChoiceFor(inputs, "libsql://db-o.aws-us-west-2.turso.io")).toEqual({
      region: "oregon",
      because: "next to the Turso database (aws-us-west-2)",
    });
    expect(regionChoiceFor(inputs, undefined).region).toBe("virginia");
    // A database URL without a location (an older database) and no API answer: say so.
    expect(regionChoiceFor(inputs, "libsql://db-o.turso.io").problem).toContain(
      "does not show its location",
    );
    expect(regionChoiceFor(inputs, "libsql://db-o.turso.io", "fra").region).toBe("frankfurt");
    expect(() => regionChoiceFor({ ...inputs, renderRegion: "mars" }, undefined)).toThrow(
      "not a Render region",
    );
  });
});

describe("the Vercel project settings", () => {
  it("finds what differs, treating absent commands as the framework default", () => {
    expect(settingsDrift({ ...VERCEL_PROJECT_SETTINGS, installCommand: undefined })).toEqual({});
    expect(
      settingsDrift({ ...VERCEL_PROJECT_SETTINGS, nodeVersion: "20.x", rootDirectory: null }),
    ).toEqual({ nodeVersion: "24.x", rootDirectory: "services/web" });
  });

  it("knows when Vercel discontinued a Node.js version", () => {
    expect(vercelNodeState("24.x").state).toBe("current");
    expect(vercelNodeState("22.x").state).toBe("other");
    expect(vercelNodeState("20.x", new Date("2026-09-30"))).toEqual({
      state: "deprecated",
      date: "2026-10-01",
    });
    expect(vercelNodeState("20.x", new Date("2026-10-01")).state).toBe("discontinued");
    expect(vercelNodeState("18.x", new Date("2026-01-01")).state).toBe("discontinued");
  });

  it("writes .vercel/project.json as `vercel pull` does, with Node.js 24.x", () => {
    expect(vercelProjectJson({ projectId: "prj_1", orgId: "team_1" })).toEqual({
      projectId: "prj_1",
      orgId: "team_1",
      settings: {
        framework: "nextjs",
        rootDirectory: "services/web",
        installCommand: null,
        buildCommand: null,
        devCommand: null,
        outputDirectory: null,
        nodeVersion: "24.x",
      },
    });
  });
});
