import { describe, expect, it } from "vitest";
import { parseRecipe, recipeFilter, recipeHash } from "../src/media/recipe";

describe("edit recipes", () => {
  it("builds one trimmed, gained, faded chain per clip and concatenates them", () => {
    const r = parseRecipe(
      {
        clips: [
          { start: 1, end: 3, volume: 0.5, fadeIn: 0.25, fadeOut: 0.5 },
          { start: 5, end: 6 },
        ],
      },
      10,
    );
    expect(recipeFilter(r.clips, "loudnorm=I=-16")).toBe(
      "[0:a]atrim=start=1:end=3,asetpts=PTS-STARTPTS,volume=0.5,afade=t=in:st=0:d=0.25,afade=t=out:st=1.5:d=0.5[c0];" +
        "[0:a]atrim=start=5:end=6,asetpts=PTS-STARTPTS,volume=1[c1];" +
        "[c0][c1]concat=n=2:v=0:a=1,loudnorm=I=-16[out]",
    );
  });

  it("hashes equal recipes equally whatever the key order, and differently when anything changes", () => {
    const a = { clips: [{ start: 0, end: 1, volume: 1 }] };
    const b = { clips: [{ volume: 1, end: 1, start: 0 }] };
    const h = recipeHash("audio/x/master.wav", a, "preview");
    expect(recipeHash("audio/x/master.wav", b, "preview")).toBe(h);
    expect(recipeHash("audio/y/master.wav", a, "preview")).not.toBe(h);
    expect(recipeHash("audio/x/master.wav", { ...a, normalize: true }, "preview")).not.toBe(h);
    expect(
      recipeHash("audio/x/master.wav", { clips: [{ start: 0, end: 1.01 }] }, "preview"),
    ).not.toBe(h);
  });

  it.each([
    [{}, "recipe.clips must be a non-empty list of {start, end}"],
    [
      { clips: [{ start: 0, end: 1, volume: -1 }] },
      "recipe.clips[0].volume must be a number from 0 to 8 (got -1)",
    ],
    [
      { clips: [{ start: 0, end: 1, fadeIn: 0.6, fadeOut: 0.6 }] },
      "recipe.clips[0]: fadeIn + fadeOut (1.2 s) is longer than the clip (1 s)",
    ],
    [
      { clips: [{ start: "0", end: 1 }] },
      'recipe.clips[0].start must be a number from 0 to 10 (got "0")',
    ],
    [{ clips: [{ start: 0, end: 1 }], normalize: "yes" }, "recipe.normalize must be true or false"],
  ])("rejects %j naming the field", (recipe, message) => {
    expect(() => parseRecipe(recipe, 10)).toThrow(message);
  });
});
