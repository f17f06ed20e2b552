"""Fixtures: one sandbox per test session on loopback, reset to its seeded state for each test."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import httpx
import pytest

from app.sandbox import Sandbox, SandboxConfig

# A fixed store clock makes seeded data identical on every run (the clock moves on from here).
CLOCK_START = datetime(2026, 11, 10, 15, 0, tzinfo=UTC)


def make_config(**changes: object) -> SandboxConfig:
    settings: dict[str, object] = {"orders": 150, "seed": 7, "clock_start": CLOCK_START}
    settings.update(changes)
    return SandboxConfig(**settings)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def shared_sandbox() -> Iterator[Sandbox]:
    with Sandbox(make_config()) as sandbox:
        yield sandbox


@pytest.fixture
def sb(shared_sandbox: Sandbox) -> Sandbox:
    shared_sandbox.control.reset()
    return shared_sandbox


@pytest.fixture
def api(sb: Sandbox) -> Iterator[httpx.Client]:
    """A client of /api/v1 with the sandbox token."""
    with httpx.Client(base_url=sb.base_url + "/api/v1", timeout=10,
                      headers={"X-AC-Auth-Token": sb.token}) as client:
        yield client


@pytest.fixture
def own_sandbox() -> Iterator[Sandbox]:
    """A private sandbox for tests that change limits/faults heavily or need their own config."""
    with Sandbox(make_config(orders=30)) as sandbox:
        yield sandbox


@pytest.fixture
def config_factory() -> Callable[..., SandboxConfig]:
    """make_config for tests that start their own sandboxes (tests cannot import conftest)."""
    return make_config
