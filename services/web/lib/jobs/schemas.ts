// Request schemas for job creation: one per job type, bounded in every dimension.
import { RENDER_FORMAT_NAMES, RENDER_FPS } from "@efs/core/formats";
import { RENDER_QUALITIES } from "@efs/core/quality";
import { z } from "zod";
import { MAX_CLIPS, MAX_INGEST_URL_LENGTH, MAX_TITLE_LENGTH } from "../limits";

const jobId = z
  .string({ required_error: "is required" })
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9_-]+$/, "must be a job id (letters, digits, _ and -)");

const title = z.string().trim().min(1).max(MAX_TITLE_LENGTH).optional();

const seconds = z
  .number()
  .finite()
  .min(0)
  .max(24 * 3600);

const clipSchema = z
  .object({
    start: seconds,
    end: seconds,
    volume: z.number().finite().min(0).max(4).optional(),
    fadeIn: seconds.max(600).optional(),
    fadeOut: seconds.max(600).optional(),
  })
  .strict()
  .refine((c) => c.end > c.start, { message: "end must be greater than start" })
  .refine((c) => (c.fadeIn ?? 0) + (c.fadeOut ?? 0) <= c.end - c.start + 1e-6, {
    message: "fades are longer than the clip",
  });

const recipeSchema = z
  .object({
    clips: z.array(clipSchema).min(1, "needs at least one clip").max(MAX_CLIPS),
    normalize: z.boolean().optional(),
  })
  .strict();

const uploadSource = z
  .object({ kind: z.literal("upload"), key: z.string().min(1).max(1024) })
  .strict();

const urlSource = z
  .object({
    kind: z.literal("url"),
    url: z
      .string()
      .max(MAX_INGEST_URL_LENGTH)
      .url("must be an http(s) URL")
      .refine((u) => /^https?:\/\//i.test(u), "must be an http(s) URL"),
  })
  .strict();

const ingestSchema = z
  .object({
    type: z.literal("ingest"),
    source: z.discriminatedUnion("kind", [uploadSource, urlSource]),
    title,
  })
  .strict();

const previewSchema = z
  .object({ type: z.literal("preview"), audioId: jobId, recipe: recipeSchema })
  .strict();

const saveSchema = z
  .object({
    type: z.literal("save"),
    audioId: jobId,
    recipe: recipeSchema,
    format: z.enum(["wav", "m4a"]).default("m4a"),
    title,
  })
  .strict();

const renderSchema = z
  .object({
    type: z.literal("render"),
    audioId: jobId,
    preset: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[a-z0-9][a-z0-9-]*$/, "must be a preset name like ethereal-flame"),
    format: z.enum(RENDER_FORMAT_NAMES as [string, ...string[]], {
      errorMap: () => ({ message: `must be one of ${RENDER_FORMAT_NAMES.join(", ")}` }),
    }),
    fps: z
      .number()
      .refine((n) => (RENDER_FPS as readonly number[]).includes(n), "must be 30 or 60")
      .default(30),
    quality: z
      .enum(RENDER_QUALITIES, {
        errorMap: () => ({
          message: `must be ${RENDER_QUALITIES.join(" or ")} (draft: quick look; final: full resolution)`,
        }),
      })
      .optional(),
    durationSec: z
      .number()
      .finite()
      .positive()
      .max(24 * 3600)
      .nullable()
      .optional(),
    visual: z.record(z.unknown()).optional(),
  })
  .strict();

export const createJobSchema = z.discriminatedUnion("type", [
  ingestSchema,
  previewSchema,
  saveSchema,
  renderSchema,
]);

export type CreateJobRequest = z.infer<typeof createJobSchema>;

export { jobId as jobIdSchema };
