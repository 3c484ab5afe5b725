"""A real SeaweedFS S3 server (SigV4 auth on) on loopback for tests; stop() kills its process group."""

from __future__ import annotations

import collections
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path


def free_ports(n: int) -> list[int]:
    socks = []
    for _ in range(n):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        socks.append(s)
    ports = [s.getsockname()[1] for s in socks]
    for s in socks:
        s.close()
    return ports


@dataclass
class S3Server:
    endpoint: str
    access_key_id: str
    secret_access_key: str
    bucket: str
    data_dir: Path
    proc: subprocess.Popen
    log: collections.deque = field(default_factory=lambda: collections.deque(maxlen=200))
    sockets: list[Path] = field(default_factory=list)

    def env(self) -> dict[str, str]:
        return {
            "R2_ACCOUNT_ID": "test-account",
            "R2_ACCESS_KEY_ID": self.access_key_id,
            "R2_SECRET_ACCESS_KEY": self.secret_access_key,
            "R2_BUCKET_NAME": self.bucket,
            "R2_ENDPOINT_URL": self.endpoint,
        }

    def stop(self) -> None:
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(timeout=2)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                try:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.proc.wait(timeout=10)
        for sock in self.sockets:
            sock.unlink(missing_ok=True)
        shutil.rmtree(self.data_dir, ignore_errors=True)


def start_s3_server(bucket: str = "efs-modal-test", timeout: float = 90.0) -> S3Server:
    import boto3
    from botocore.config import Config

    data_dir = Path(tempfile.mkdtemp(prefix="efs-modal-weed-"))
    access = "AKTEST" + secrets.token_hex(6).upper()
    secret = secrets.token_hex(20)
    config = data_dir / "s3-identities.json"
    config.write_text(json.dumps({"identities": [{"name": "efs-test", "credentials": [{"accessKey": access, "secretKey": secret}], "actions": ["Admin", "Read", "List", "Tagging", "Write"]}]}))
    config.chmod(0o600)
    master, master_grpc, volume, volume_grpc, filer, filer_grpc, s3, s3_grpc = free_ports(8)
    argv = [
        "weed", "server", f"-dir={data_dir}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
        f"-master.port={master}", f"-master.port.grpc={master_grpc}", "-master.volumeSizeLimitMB=1024",
        f"-volume.port={volume}", f"-volume.port.grpc={volume_grpc}", "-volume.preStopSeconds=0",
        "-filer", f"-filer.port={filer}", f"-filer.port.grpc={filer_grpc}", f"-filer.localSocket={data_dir / 'filer.sock'}",
        "-s3", f"-s3.port={s3}", f"-s3.port.grpc={s3_grpc}", "-s3.port.iceberg=0", "-s3.port.lance=0",
        f"-s3.localSocket={data_dir / 's3.sock'}", f"-s3.config={config}",
    ]
    proc = subprocess.Popen(argv, cwd=data_dir, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace", start_new_session=True)
    server = S3Server(f"http://127.0.0.1:{s3}", access, secret, bucket, data_dir, proc)
    server.sockets = [Path(f"/tmp/seaweedfs-{kind}-{p}.sock") for p in (master_grpc, volume_grpc, filer_grpc, s3_grpc, s3) for kind in ("master-grpc", "volume-grpc", "filer-grpc", "s3-grpc", "s3")]

    def pump() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            server.log.append(line.rstrip())

    threading.Thread(target=pump, daemon=True).start()
    client = boto3.client("s3", endpoint_url=server.endpoint, aws_access_key_id=access, aws_secret_access_key=secret, region_name="us-east-1",
                          config=Config(request_checksum_calculation="when_required", response_checksum_validation="when_required", retries={"max_attempts": 1}, s3={"addressing_style": "path"}))
    deadline = time.monotonic() + timeout
    last = "no attempt yet"
    try:
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"weed exited with {proc.returncode} before becoming ready:\n" + "\n".join(list(server.log)[-40:]))
            if time.monotonic() > deadline:
                raise RuntimeError(f"SeaweedFS S3 not ready after {timeout}s ({last}):\n" + "\n".join(list(server.log)[-40:]))
            try:
                try:
                    client.create_bucket(Bucket=bucket)
                except client.exceptions.BucketAlreadyOwnedByYou:
                    pass
                client.put_object(Bucket=bucket, Key="tmp/.ready", Body=b"ok")
                client.delete_object(Bucket=bucket, Key="tmp/.ready")
                break
            except Exception as exc:  # noqa: BLE001 - keep polling until ready
                last = f"{exc.__class__.__name__}: {exc}"
                time.sleep(0.3)
    except BaseException:
        server.stop()
        raise
    return server
