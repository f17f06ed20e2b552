"""Fixtures for tests that meet the store over real HTTP: a sandbox on loopback."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.bootstrap import build_context
from app.domain.connection_settings import ConnectionSettings
from app.sandbox import Sandbox, SandboxConfig


@pytest.fixture
def sandbox():
    with Sandbox(SandboxConfig(orders=250, seed=2)) as sb:  # seed 2 has gift-card-only orders
        yield sb


@pytest.fixture
def station(paths):
    context = build_context(paths)
    yield context
    context.close()


@pytest.fixture
def connected(station, sandbox):
    """A station with one connection to the sandbox (token in the in-memory keyring)."""
    record = station.connections.add(
        ConnectionSettings(name="main", address=sandbox.domain, order_prefix="AC-"),
        sandbox.token)
    return station, record


@pytest.fixture
def run(tmp_path, paths):
    """`packdesk ...` as a real subprocess on a kept data dir, as a user runs it. The keyring
    is a test backend in a file outside the data dir; every output is kept in run.outputs.
    The data dir is the `paths` fixture's (the migrated database copied in, unless new_install)."""
    root = Path(__file__).resolve().parents[2]
    data_dir = paths.data_dir
    env = dict(os.environ, PYTHONPATH=str(root),
               PYTHON_KEYRING_BACKEND="tests.support.file_keyring.TestFileKeyring",
               PACKDESK_TEST_KEYRING_FILE=str(tmp_path / "keyring.json"))
    env.pop("PACKDESK_HOME", None)
    outputs: list[str] = []

    def run_command(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
        result = subprocess.run([sys.executable, "-m", "app", "--data-dir", str(data_dir), *args],
                                input=stdin, capture_output=True, text=True, env=env,
                                timeout=120)
        outputs.append(result.stdout + result.stderr)
        return result

    run_command.data_dir = data_dir
    run_command.outputs = outputs
    return run_command
