// Puts a prepared audio item in place without running an ingest: a master in storage and a
// completed ingest job (claimed and completed through the store's own API) pointing at it.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { ffmpeg } from "./media";
import type { Stack } from "./stack";

// Returns the ingest job id to use as `audioId`.
export async function seedAudio(stack: Stack, seconds = 2): Promise<string> {
  const wav = join(stack.dir, `seed-${Date.now()}.wav`);
  await ffmpeg(["-f", "lavfi", "-i", `sine=d=${seconds}:sample_rate=48000`, "-ac", "2", wav]);
  const job = await stack.store.create({
    type: "ingest",
    payload: { seeded: true },
    priority: 100,
  });
  const claimed = await stack.store.claim({ owner: "seed", leaseMs: 60_000, types: ["ingest"] });
  if (claimed?.id !== job.id) throw new Error("seed: could not claim the seeded ingest");
  const master = `audio/${job.id}/master.wav`;
  await stack.storage.put(master, await readFile(wav), { contentType: "audio/wav" });
  await stack.store.complete(
    job.id,
    {
      title: "seed",
      durationSec: seconds,
      sampleRate: 48000,
      channels: 2,
      codec: "pcm_s16le",
      keys: { master, stream: master },
    },
    { owner: "seed" },
  );
  return job.id;
}
