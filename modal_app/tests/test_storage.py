"""R2 uploads through boto3 against a real SeaweedFS S3 server: multipart streaming, R2 checksum settings."""

from __future__ import annotations

import os

import pytest
from conftest import load_contract
from ethereal import storage

ENDPOINTS = load_contract("r2-endpoint.json")


@pytest.fixture
def r2(s3_server):
    cfg = storage.r2_config_from_env(s3_server.env())
    return cfg, storage.make_client(cfg)


def test_config_requires_each_variable_by_name():
    env = {"R2_ACCOUNT_ID": "a", "R2_ACCESS_KEY_ID": "k", "R2_SECRET_ACCESS_KEY": "s", "R2_BUCKET_NAME": "b"}
    assert storage.r2_config_from_env(env).endpoint() == "https://a.r2.cloudflarestorage.com"
    for name in env:
        with pytest.raises(storage.StorageConfigError, match=name):
            storage.r2_config_from_env({**env, name: "  "})


def _env(jurisdiction):
    env = {"R2_ACCOUNT_ID": ENDPOINTS["accountId"], "R2_ACCESS_KEY_ID": "k", "R2_SECRET_ACCESS_KEY": "s", "R2_BUCKET_NAME": "b"}
    return env if jurisdiction is None else {**env, "R2_JURISDICTION": jurisdiction}


@pytest.mark.parametrize("case", ENDPOINTS["valid"], ids=lambda c: str(c["jurisdiction"]))
def test_config_addresses_the_bucket_at_its_jurisdictions_endpoint(case):
    cfg = storage.r2_config_from_env(_env(case["jurisdiction"]))
    assert cfg.endpoint() == case["endpoint"]
    assert storage.make_client(cfg).meta.endpoint_url == case["endpoint"]


@pytest.mark.parametrize("value", ENDPOINTS["invalid"])
def test_config_refuses_an_unknown_jurisdiction_naming_the_variable_and_the_choices(value):
    with pytest.raises(storage.StorageConfigError, match=r"R2_JURISDICTION must be one of default, eu, fedramp"):
        storage.r2_config_from_env(_env(value))


def test_config_lets_an_explicit_endpoint_win_over_the_jurisdiction():
    cfg = storage.r2_config_from_env({**_env("eu"), "R2_ENDPOINT_URL": "http://127.0.0.1:8333"})
    assert cfg.endpoint() == "http://127.0.0.1:8333"


def test_config_repr_never_shows_the_secret():
    cfg = storage.r2_config_from_env({"R2_ACCOUNT_ID": "a", "R2_ACCESS_KEY_ID": "k", "R2_SECRET_ACCESS_KEY": "TOPSECRET", "R2_BUCKET_NAME": "b"})
    assert "TOPSECRET" not in repr(cfg)


def test_client_uses_r2_checksum_and_region_settings(r2):
    _, client = r2
    assert client.meta.region_name == "auto"
    assert client.meta.config.request_checksum_calculation == "when_required"
    assert client.meta.config.response_checksum_validation == "when_required"


def test_large_file_goes_up_in_multiple_parts_and_round_trips(r2, tmp_path):
    cfg, client = r2
    src = tmp_path / "video.mp4"
    src.write_bytes(os.urandom(12 * 1024 * 1024 + 5))
    small_parts = storage.transfer_config(threshold_mb=5, part_mb=5, concurrency=2)
    storage.upload_file(client, cfg.bucket, src, "renders/t1/output.mp4", "video/mp4", small_parts)
    head = client.head_object(Bucket=cfg.bucket, Key="renders/t1/output.mp4")
    assert head["ContentLength"] == src.stat().st_size
    assert head["ContentType"] == "video/mp4"
    assert head["ETag"].strip('"').endswith("-3"), head["ETag"]  # 3 parts of 5 MiB
    back = tmp_path / "back.mp4"
    storage.download_file(client, cfg.bucket, "renders/t1/output.mp4", back)
    assert back.read_bytes() == src.read_bytes()
    storage.delete_keys(client, cfg.bucket, ["renders/t1/output.mp4"])
    assert client.list_objects_v2(Bucket=cfg.bucket, Prefix="renders/t1/").get("KeyCount", 0) == 0
