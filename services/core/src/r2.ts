// Cloudflare R2's jurisdictions and the S3 endpoint of a bucket in one: the one place that
// knows the host template (config, storage and the efs CLI all call r2Endpoint).
// A bucket in a jurisdiction is reached only at https://<account>.<jurisdiction>.r2.cloudflarestorage.com
// (https://developers.cloudflare.com/r2/reference/data-location/#using-jurisdictions-with-the-s3-api).

export const R2_JURISDICTIONS = ["default", "eu", "fedramp"] as const;
export type R2Jurisdiction = (typeof R2_JURISDICTIONS)[number];

// True when `value` names an R2 jurisdiction.
export function isR2Jurisdiction(value: string): value is R2Jurisdiction {
  return (R2_JURISDICTIONS as readonly string[]).includes(value);
}

// The S3 endpoint of the account's buckets in `jurisdiction` (default: no jurisdiction label).
export function r2Endpoint(accountId: string, jurisdiction: R2Jurisdiction = "default"): string {
  const label = jurisdiction === "default" ? "" : `${jurisdiction}.`;
  return `https://${accountId}.${label}r2.cloudflarestorage.com`;
}
