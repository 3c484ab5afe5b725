"""Shared fixtures: import path for modal_app/, the wire-contract fixtures, local servers."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

MODAL_APP = Path(__file__).resolve().parents[1]
REPO_ROOT = MODAL_APP.parent
sys.path.insert(0, str(MODAL_APP))
sys.path.insert(0, str(Path(__file__).resolve().parent))

CONTRACTS = REPO_ROOT / "contracts"


def load_contract(name: str) -> dict:
    return json.loads((CONTRACTS / name).read_text())


@pytest.fixture(scope="session")
def s3_server():
    from s3_server import start_s3_server

    server = start_s3_server()
    try:
        yield server
    finally:
        server.stop()
