"""Audio download streams from a real local HTTP server to disk."""

from __future__ import annotations

import os

import pytest
from ethereal.download import DownloadError, download_to_file
from http_servers import file_server


@pytest.fixture
def served(tmp_path):
    src = tmp_path / "a.m4a"
    src.write_bytes(os.urandom(3 * 1024 * 1024 + 17))
    server = file_server({"a.m4a": src})
    yield server, src
    server.stop()


def test_file_arrives_byte_for_byte(served, tmp_path):
    server, src = served
    dest = tmp_path / "out"
    assert download_to_file(server.url + "/a.m4a?X-Amz-Signature=abc", dest) == src.stat().st_size
    assert dest.read_bytes() == src.read_bytes()


def test_http_error_names_the_status_but_not_the_query(served, tmp_path):
    server, _ = served
    dest = tmp_path / "out"
    with pytest.raises(DownloadError) as info:
        download_to_file(server.url + "/missing?X-Amz-Signature=SECRETSIG", dest)
    assert "404" in str(info.value) and "SECRETSIG" not in str(info.value)
    assert not dest.exists()


def test_oversize_body_is_refused_and_removed(served, tmp_path):
    server, _ = served
    dest = tmp_path / "out"
    with pytest.raises(DownloadError, match="limit"):
        download_to_file(server.url + "/a.m4a", dest, max_bytes=1024 * 1024)
    assert not dest.exists()


def test_unreachable_host_is_a_download_error(tmp_path):
    from s3_server import free_ports

    (port,) = free_ports(1)
    with pytest.raises(DownloadError, match="failed"):
        download_to_file(f"http://127.0.0.1:{port}/a", tmp_path / "out", timeout=5)
