// r2: list the bucket with the S3 credentials (max 1 key), then put/get/delete a probe
// object; S3 error codes map to the usual causes (token scope, SHA-256 secret, bucket).
import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
} from "@aws-sdk/client-s3";
import { DEFAULT_UPLOAD_RETENTION_DAYS, UPLOAD_PREFIX } from "@efs/core/storage/retention";
import { readJournal } from "../checklist/journal";
import { retentionDays } from "../checklist/r2";
import { throwIfInterrupted } from "../errors";
import type { VerifyContext } from "../stack/context";
import { openR2Storage } from "../stack/r2-storage";
import { guard, missingVar } from "./guard";
import { type CheckResult, result } from "./types";

// Cause and fix for an S3 error from R2.
function diagnoseS3(
  err: unknown,
  bucket: string,
  jurisdiction: string,
): { detail: string; fix: string } {
  const name = (err as { name?: string; Code?: string }).name ?? "Error";
  const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  switch (name) {
    case "AccessDenied":
      return {
        detail: `AccessDenied (HTTP ${status ?? 403}): the API token behind R2_ACCESS_KEY_ID is not allowed on bucket ${bucket} — it is scoped to another bucket, or only has Read`,
        fix: `give the token "Workers R2 Storage Bucket Item Write" on bucket ${bucket}, or mint a new one: efs rotate access-key`,
      };
    case "SignatureDoesNotMatch":
      return {
        detail:
          "SignatureDoesNotMatch: R2_SECRET_ACCESS_KEY is wrong — it must be the SHA-256 hex of the token value, not the token value itself",
        fix: "efs rotate access-key (or efs env set R2_SECRET_ACCESS_KEY with sha256(token value))",
      };
    case "InvalidAccessKeyId":
      return {
        detail:
          "InvalidAccessKeyId: R2_ACCESS_KEY_ID is not a live token id (token deleted or rolled)",
        fix: "efs rotate access-key",
      };
    case "NoSuchBucket":
      return {
        detail: `NoSuchBucket: bucket ${bucket} does not exist in this account's ${jurisdiction} jurisdiction (R2_JURISDICTION)`,
        // A bucket in a jurisdiction answers only at that jurisdiction's endpoint.
        fix: "run efs init --only r2, or set the bucket's jurisdiction: efs env set R2_JURISDICTION (default, eu or fedramp)",
      };
    default:
      return {
        detail: `${name}${status ? ` (HTTP ${status})` : ""}: ${(err as Error).message}`,
        fix: "check R2_ACCOUNT_ID and the network, then run efs verify r2 again",
      };
  }
}

// The r2 checks.
export async function checkR2(ctx: VerifyContext): Promise<CheckResult[]> {
  const names = ["R2_ACCOUNT_ID", "R2_ACCESS_KEY_ID", "R2_SECRET_ACCESS_KEY", "R2_BUCKET_NAME"];
  const missing = names.filter((n) => !ctx.get(n));
  if (missing.length)
    return missing.map((n) => missingVar("r2", "r2.vars", "R2 credentials in the vault", n));
  const bucket = ctx.get("R2_BUCKET_NAME")!;
  const jurisdiction = ctx.get("R2_JURISDICTION") ?? "default";
  const storage = openR2Storage((n) => ctx.get(n), ctx.env);
  const s3 = storage.client;
  const out: CheckResult[] = [];
  try {
    out.push(
      ...(await guard("r2", "r2.list", "list the bucket (max 1 key)", async () => {
        try {
          const r = await s3.send(new ListObjectsV2Command({ Bucket: bucket, MaxKeys: 1 }), {
            abortSignal: ctx.signal,
          });
          return result(
            "r2",
            "r2.list",
            "list the bucket (max 1 key)",
            "ok",
            `${bucket} listed (${r.KeyCount ?? 0} key shown)`,
          );
        } catch (e) {
          throwIfInterrupted(ctx.signal);
          const d = diagnoseS3(e, bucket, jurisdiction);
          return result("r2", "r2.list", "list the bucket (max 1 key)", "fail", d.detail, d.fix);
        }
      })),
    );
    const key = `efs-verify/probe-${ctx.now()}.txt`;
    const body = `efs verify probe ${ctx.now()}`;
    const title = "put, get and delete a probe object";
    out.push(
      ...(await guard("r2", "r2.probe", title, async () => {
        let step = "put";
        try {
          await s3.send(
            new PutObjectCommand({
              Bucket: bucket,
              Key: key,
              Body: body,
              ContentType: "text/plain",
            }),
            { abortSignal: ctx.signal },
          );
          step = "get";
          const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }), {
            abortSignal: ctx.signal,
          });
          const text = await got.Body?.transformToString();
          if (text !== body)
            return result(
              "r2",
              "r2.probe",
              title,
              "fail",
              `${key} read back different content`,
              "check the bucket for a proxy or lifecycle rule rewriting objects",
            );
          step = "delete";
          await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }), {
            abortSignal: ctx.signal,
          });
          return result("r2", "r2.probe", title, "ok", `${key} written, read back and deleted`);
        } catch (e) {
          throwIfInterrupted(ctx.signal);
          const d = diagnoseS3(e, bucket, jurisdiction);
          return result("r2", "r2.probe", title, "fail", `${step} failed: ${d.detail}`, d.fix);
        }
      })),
    );
    const app = ctx.get("NEXT_PUBLIC_APP_URL");
    if (app) out.push(await corsCheck(ctx, storage.endpoint, bucket, new URL(app).origin));
    out.push(...(await lifecycleCheck(ctx, bucket)));
  } finally {
    storage.close();
  }
  return out;
}

// The browser uploads straight to R2 and analyses the audio it plays: the bucket must answer
// a CORS preflight from the app's origin (ARCHITECTURE.md "Browser ↔ storage").
async function corsCheck(
  ctx: VerifyContext,
  endpoint: string,
  bucket: string,
  origin: string,
): Promise<CheckResult> {
  const t = `CORS preflight from ${origin}`;
  const fix = "run efs init --only r2 (sets the CORS rule for NEXT_PUBLIC_APP_URL)";
  try {
    const res = await fetch(`${endpoint}/${bucket}/efs-verify/cors-probe`, {
      method: "OPTIONS",
      headers: {
        origin,
        "access-control-request-method": "PUT",
        // what the studio's upload sends (If-None-Match makes the signed URL single-use)
        "access-control-request-headers": "content-type,if-none-match",
      },
      signal: ctx.signal
        ? AbortSignal.any([ctx.signal, AbortSignal.timeout(20_000)])
        : AbortSignal.timeout(20_000),
    });
    await res.arrayBuffer();
    const allow = res.headers.get("access-control-allow-origin");
    const methods = res.headers.get("access-control-allow-methods");
    if (!res.ok || (allow !== origin && allow !== "*"))
      return result(
        "r2",
        "r2.cors",
        t,
        "fail",
        `HTTP ${res.status}, Access-Control-Allow-Origin ${allow ?? "absent"}: uploads and the live preview fail in the browser`,
        fix,
      );
    if (methods && !/\bPUT\b/i.test(methods))
      return result("r2", "r2.cors", t, "fail", `PUT is not allowed (allowed: ${methods})`, fix);
    return result("r2", "r2.cors", t, "ok", `allowed (${methods ?? "methods not listed"})`);
  } catch (e) {
    return result("r2", "r2.cors", t, "warn", `preflight failed: ${(e as Error).message}`, fix);
  }
}

// Uploads must not pile up forever: efs init sets a lifecycle rule expiring uploads/ after the
// days it recorded (--upload-retention-days); read through the Cloudflare API.
async function lifecycleCheck(ctx: VerifyContext, bucket: string): Promise<CheckResult[]> {
  const t = `lifecycle rule expires ${UPLOAD_PREFIX}`;
  return guard("r2", "r2.lifecycle", t, async () => {
    const recorded = Number(readJournal(ctx.vault).r2?.resources.lifecycle?.id);
    const want =
      Number.isInteger(recorded) && recorded > 0 ? recorded : DEFAULT_UPLOAD_RETENTION_DAYS;
    const days = retentionDays(await (await ctx.cloudflare()).getLifecycle(bucket));
    if (days === null)
      return result(
        "r2",
        "r2.lifecycle",
        t,
        "fail",
        `bucket ${bucket} has no enabled rule deleting ${UPLOAD_PREFIX} objects: uploads are kept (and billed) forever`,
        "efs init --force-step r2 (add --upload-retention-days N to choose the days)",
      );
    if (days !== want)
      return result(
        "r2",
        "r2.lifecycle",
        t,
        "warn",
        `${UPLOAD_PREFIX} objects expire after ${days} days, but efs init set ${want}`,
        `efs init --force-step r2 --upload-retention-days ${want} (or keep ${days} with --upload-retention-days ${days})`,
      );
    return result(
      "r2",
      "r2.lifecycle",
      t,
      "ok",
      `${UPLOAD_PREFIX} objects expire after ${days} days`,
    );
  });
}
