"""`packdesk --demo`: the app on a sandbox store started in this process.

The sandbox serves on a free loopback port; the connection's token lives only in the in-memory
secret store (nothing reaches the OS keyring). Qt-free, so the CLI self-test can use it too.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

from app.context import AppContext
from app.domain.connection_settings import ConnectionSettings
from app.errors import ConfigurationError
from app.sandbox import Sandbox, SandboxConfig

log = logging.getLogger(__name__)

DEMO_CONNECTION = "Sandbox store"


@dataclass
class DemoStore:
    sandbox: Sandbox
    connection_id: int


def start_demo(context: AppContext, *, orders: int = 250, seed: int = 1) -> DemoStore:
    """Start the sandbox and connect to it; the caller syncs (in the background for the GUI)."""
    sandbox = Sandbox(SandboxConfig(orders=orders, seed=seed))
    sandbox.start()
    context.on_close(sandbox.stop)
    try:  # a kept --data-dir: point the old demo connection at this run
        context.connections.remove(context.connections.find(DEMO_CONNECTION).id)
    except ConfigurationError:
        pass  # the first demo in this data folder
    record = context.connections.add(
        ConnectionSettings(name=DEMO_CONNECTION, address=sandbox.domain, order_prefix="SB-",
                           new_order_tag="new"),
        sandbox.token)
    log.info("Demo store at %s", sandbox.base_url)
    return DemoStore(sandbox, record.id)
