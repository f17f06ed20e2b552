"""Fixtures for tests that meet the store over real HTTP: a sandbox on loopback."""
from __future__ import annotations

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
