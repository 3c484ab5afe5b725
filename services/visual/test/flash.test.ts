import { describe, expect, it } from "vitest";
import { limitFlashes, luminanceChanges, maxFlashesPerSecond } from "../src/flash";

// A luminance series alternating between `lo` and `hi` `hz` times a second (30 fps).
function square(hz: number, lo: number, hi: number, seconds = 3, fps = 30): number[] {
  return Array.from({ length: seconds * fps }, (_, i) =>
    Math.floor((i * 2 * hz) / fps) % 2 === 0 ? lo : hi,
  );
}

describe("flash counting (WCAG 2.3.1 general flashes)", () => {
  it("counts a pair of opposing changes of at least 0.1 as one flash", () => {
    expect(maxFlashesPerSecond(square(4, 0.1, 0.3), 30)).toBe(4);
    expect(maxFlashesPerSecond(square(2, 0.1, 0.3), 30)).toBe(2);
  });

  it("ignores changes under 0.1 and changes where the darker state is 0.8 or brighter", () => {
    expect(maxFlashesPerSecond(square(5, 0.1, 0.19), 30)).toBe(0);
    expect(maxFlashesPerSecond(square(5, 0.82, 0.99), 30)).toBe(0);
  });

  it("counts a slow swell once per direction, not once per frame", () => {
    const ramp = Array.from({ length: 60 }, (_, i) => (i < 30 ? i / 30 : (60 - i) / 30) * 0.5);
    expect(luminanceChanges(ramp)).toHaveLength(2);
  });
});

describe("flash limiter", () => {
  it("brings 5 flashes a second down to at most 3 by filling dips, never darkening", () => {
    const strobe = square(5, 0.1, 0.4);
    const limited = limitFlashes(strobe, 30);
    expect(maxFlashesPerSecond(limited, 30)).toBeLessThanOrEqual(3);
    for (const [i, v] of strobe.entries()) {
      expect(limited[i]).toBeGreaterThanOrEqual(v);
      // The peaks (the beats) are all still there.
      if (v === 0.4) expect(limited[i]).toBe(0.4);
    }
  });

  it("leaves a series that is already safe untouched", () => {
    const calm = square(2, 0.1, 0.4);
    expect(Array.from(limitFlashes(calm, 30))).toEqual(calm);
  });
});
