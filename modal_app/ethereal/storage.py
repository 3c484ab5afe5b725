"""R2 (S3 protocol) uploads and downloads with boto3: multipart streaming, R2-safe checksum settings."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

MB = 1024 * 1024


class StorageConfigError(Exception):
    """A required R2 variable is missing; the message names it."""


# R2_JURISDICTION's values (the env catalog's list, services/core/src/r2.ts); unset means default.
JURISDICTIONS = ("default", "eu", "fedramp")


@dataclass(frozen=True)
class R2Config:
    account_id: str
    access_key_id: str
    secret_access_key: str
    bucket: str
    # Override for tests and S3-compatible stores; default: the endpoint of the bucket's jurisdiction.
    endpoint_url: str | None = None
    jurisdiction: str = "default"

    # https://<account>.r2.cloudflarestorage.com, or https://<account>.<jurisdiction>.r2.… for a
    # bucket in a jurisdiction (contracts/r2-endpoint.json holds the cases both sides test).
    def endpoint(self) -> str:
        if self.endpoint_url:
            return self.endpoint_url
        label = "" if self.jurisdiction == "default" else f"{self.jurisdiction}."
        return f"https://{self.account_id}.{label}r2.cloudflarestorage.com"

    def __repr__(self) -> str:  # never print the secret
        return f"R2Config(account_id={self.account_id!r}, bucket={self.bucket!r}, endpoint={self.endpoint()!r})"


# The R2 settings from the `r2-credentials` secret's environment; StorageConfigError naming the first
# missing or bad var (R2_JURISDICTION is optional: secrets made before it hold none).
def r2_config_from_env(env: Mapping[str, str]) -> R2Config:
    names = ("R2_ACCOUNT_ID", "R2_ACCESS_KEY_ID", "R2_SECRET_ACCESS_KEY", "R2_BUCKET_NAME")
    for name in names:
        if not env.get(name, "").strip():
            raise StorageConfigError(f"{name} is required (Modal secret r2-credentials)")
    jurisdiction = env.get("R2_JURISDICTION", "").strip() or "default"
    if jurisdiction not in JURISDICTIONS:
        raise StorageConfigError(
            f"R2_JURISDICTION must be one of {', '.join(JURISDICTIONS)} (Modal secret r2-credentials)"
        )
    return R2Config(
        account_id=env["R2_ACCOUNT_ID"].strip(),
        access_key_id=env["R2_ACCESS_KEY_ID"].strip(),
        secret_access_key=env["R2_SECRET_ACCESS_KEY"].strip(),
        bucket=env["R2_BUCKET_NAME"].strip(),
        endpoint_url=(env.get("R2_ENDPOINT_URL") or "").strip() or None,
        jurisdiction=jurisdiction,
    )


# A boto3 S3 client for R2: region auto, SigV4, checksums only when required (R2 answers 501 otherwise).
def make_client(cfg: R2Config) -> Any:
    import boto3
    from botocore.config import Config

    return boto3.client(
        "s3",
        endpoint_url=cfg.endpoint(),
        aws_access_key_id=cfg.access_key_id,
        aws_secret_access_key=cfg.secret_access_key,
        region_name="auto",
        config=Config(
            signature_version="s3v4",
            request_checksum_calculation="when_required",
            response_checksum_validation="when_required",
            retries={"max_attempts": 5, "mode": "standard"},
            s3={"addressing_style": "path"},
        ),
    )


# Multipart streaming settings: parts of `part_mb` read from disk, never the whole file in memory.
def transfer_config(threshold_mb: int = 16, part_mb: int = 16, concurrency: int = 4) -> Any:
    from boto3.s3.transfer import TransferConfig

    return TransferConfig(
        multipart_threshold=threshold_mb * MB,
        multipart_chunksize=part_mb * MB,
        max_concurrency=concurrency,
        use_threads=True,
    )


# Uploads a local file to `key` (multipart above the threshold), streaming from disk.
def upload_file(client: Any, bucket: str, path: Path, key: str, content_type: str, config: Any | None = None) -> None:
    with path.open("rb") as fh:
        client.upload_fileobj(
            fh, bucket, key, ExtraArgs={"ContentType": content_type}, Config=config or transfer_config()
        )


# Downloads `key` to a local file, streaming.
def download_file(client: Any, bucket: str, key: str, path: Path, config: Any | None = None) -> None:
    with path.open("wb") as fh:
        client.download_fileobj(bucket, key, fh, Config=config or transfer_config())


# Deletes the given keys (best effort; used for chunk segments after the final upload).
def delete_keys(client: Any, bucket: str, keys: list[str]) -> None:
    for key in keys:
        client.delete_object(Bucket=bucket, Key=key)
