// Sortable random ids: `job_` + 10 Crockford base32 chars of epoch ms + 16 random ones.
// Lexical order = creation order (to the millisecond), which list pagination relies on.
import { randomBytes } from "node:crypto";

const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";

// A new id with `prefix`, ordered by `now` (epoch ms).
export function newId(prefix = "job", now = Date.now()): string {
  let time = "";
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32] + time;
    t = Math.floor(t / 32);
  }
  const bytes = randomBytes(16);
  let rand = "";
  for (const b of bytes) rand += ALPHABET[b % 32];
  return `${prefix}_${time}${rand}`;
}
