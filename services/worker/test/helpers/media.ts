// Test media generated with the real ffmpeg (short clips keep the suite fast).
import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

// Runs ffmpeg with lavfi inputs into `out`.
export async function ffmpeg(args: string[]): Promise<void> {
  await run("ffmpeg", ["-hide_banner", "-nostdin", "-v", "error", "-y", ...args]);
}

export interface Fixture {
  name: string;
  args: (out: string) => string[];
}

const sine = (sec: number, rate: number, freq = 440) =>
  `sine=frequency=${freq}:sample_rate=${rate}:duration=${sec}`;

export const AUDIO_FIXTURES = {
  "sine-44k-stereo.mp3": (o: string) => [
    "-f",
    "lavfi",
    "-i",
    sine(1.5, 44100),
    "-ac",
    "2",
    "-c:a",
    "libmp3lame",
    "-b:a",
    "96k",
    o,
  ],
  "noise-22k-mono.wav": (o: string) => [
    "-f",
    "lavfi",
    "-i",
    "anoisesrc=d=1.2:r=22050:a=0.3",
    "-ac",
    "1",
    o,
  ],
  "silence-48k-stereo.flac": (o: string) => [
    "-f",
    "lavfi",
    "-i",
    "anullsrc=r=48000:cl=stereo",
    "-t",
    "1.0",
    o,
  ],
  "sine-96k-stereo.ogg": (o: string) => [
    "-f",
    "lavfi",
    "-i",
    sine(1.0, 96000, 880),
    "-ac",
    "2",
    "-c:a",
    "libvorbis",
    o,
  ],
  "sine-32k-mono.m4a": (o: string) => [
    "-f",
    "lavfi",
    "-i",
    sine(1.0, 32000, 330),
    "-ac",
    "1",
    "-c:a",
    "aac",
    o,
  ],
  "clip-with-audio.mp4": (o: string) => [
    "-f",
    "lavfi",
    "-i",
    "testsrc=size=160x120:rate=10:duration=1",
    "-f",
    "lavfi",
    "-i",
    sine(1.0, 44100),
    "-c:v",
    "mpeg4",
    "-c:a",
    "aac",
    "-shortest",
    o,
  ],
  "video-no-audio.mp4": (o: string) => [
    "-f",
    "lavfi",
    "-i",
    "testsrc=size=160x120:rate=10:duration=1",
    "-c:v",
    "mpeg4",
    o,
  ],
  "long-sine.wav": (o: string) => ["-f", "lavfi", "-i", sine(7, 8000), o],
} as const;
