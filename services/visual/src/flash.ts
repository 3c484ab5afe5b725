// Photosensitivity: flashes counted the way WCAG 2.3.1 / ITU-R BT.1702 define them — a pair
// of opposing changes in relative luminance of at least 10 % of the maximum where the darker
// state is below 0.8 — and a limiter that keeps a luminance series at no more than three
// flashes in any one second. The same counter measures rendered frames in the tests.

/** A change in relative luminance (0..1) this large is half a flash. */
export const FLASH_DELTA = 0.1;
/** Changes where the darker state is at or above this are not flashes. */
const DARK_LIMIT = 0.8;
/** At most three flashes (six opposing changes) in any one second. */
export const MAX_FLASHES_PER_SECOND = 3;

interface Tracker {
  dir: -1 | 0 | 1;
  /** The extreme reached since the last change (min and max while the direction is open). */
  lo: number;
  hi: number;
}

// One step of the hysteresis: +1 / −1 when `x` completes a rise / fall of at least `delta`
// from the last extreme, else 0. Mutates `t` only when `commit` is true.
function step(t: Tracker, x: number, delta: number, commit: boolean): -1 | 0 | 1 {
  let { dir, lo, hi } = t;
  let change: -1 | 0 | 1 = 0;
  if (dir >= 0) hi = Math.max(hi, x);
  if (dir <= 0) lo = Math.min(lo, x);
  if (dir >= 0 && hi - x >= delta && x < DARK_LIMIT) {
    change = -1;
    dir = -1;
    lo = x;
  } else if (dir <= 0 && x - lo >= delta && lo < DARK_LIMIT) {
    change = 1;
    dir = 1;
    hi = x;
  }
  if (commit) Object.assign(t, { dir, lo, hi });
  return change;
}

// Frame indices at which a luminance change of at least `delta` completes (half-flashes).
export function luminanceChanges(lum: ArrayLike<number>, delta = FLASH_DELTA): number[] {
  if (lum.length === 0) return [];
  const t: Tracker = { dir: 0, lo: lum[0]!, hi: lum[0]! };
  const out: number[] = [];
  for (let i = 1; i < lum.length; i++) if (step(t, lum[i]!, delta, true) !== 0) out.push(i);
  return out;
}

// The most flashes (pairs of opposing changes) within any `fps` consecutive frames.
export function maxFlashesPerSecond(lum: ArrayLike<number>, fps: number, delta = FLASH_DELTA) {
  const changes = luminanceChanges(lum, delta);
  let most = 0;
  for (let a = 0, b = 0; b < changes.length; b++) {
    while (changes[b]! - changes[a]! >= fps) a++;
    most = Math.max(most, b - a + 1);
  }
  return most / 2;
}

// The series with every fall that would make more than `maxFlashes` flashes within a second
// (counting the rise that would follow it) held to just under `delta` below the last peak:
// the limiter only ever fills dips, so a beat still lands, the light just does not drop
// away between beats that come too fast.
export function limitFlashes(
  lum: ArrayLike<number>,
  fps: number,
  delta = FLASH_DELTA,
  maxFlashes = MAX_FLASHES_PER_SECOND,
): Float64Array {
  const out = Float64Array.from(lum);
  if (out.length === 0) return out;
  const t: Tracker = { dir: 0, lo: out[0]!, hi: out[0]! };
  const recent: number[] = [];
  for (let i = 1; i < out.length; i++) {
    while (recent.length && i - recent[0]! >= fps) recent.shift();
    const change = step(t, out[i]!, delta, false);
    if (change < 0 && recent.length + 2 > 2 * maxFlashes) out[i] = t.hi - delta * 0.98;
    if (step(t, out[i]!, delta, true) !== 0) recent.push(i);
  }
  return out;
}
