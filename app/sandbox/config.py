"""Start-up settings of the sandbox store."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

DEFAULT_OAUTH_CLIENTS = {"packdesk-sandbox": "sandbox-secret"}


@dataclass
class SandboxConfig:
    orders: int = 250
    seed: int = 1
    rate_limit: int | None = None  # calls per 10 s per token (5/10/20/50 on real plans); None = off
    retry_after_style: str = "seconds"  # or "http-date"
    latency_ms: int = 0
    fail_rate: float = 0.0
    state_path: str | None = None  # SQLite file; None = in memory
    port: int = 0  # 0 = any free port
    host: str = "127.0.0.1"
    token: str | None = None  # None = a random token made at start (and kept in the state file)
    # --- further knobs (defaults keep the contract above) ---
    extra_tokens: list[str] = field(default_factory=list)
    drop_rate: float = 0.0
    drop_after_write_rate: float = 0.0
    truncate_rate: float = 0.0
    clock_start: datetime | None = None  # store "now" at start; None = real time
    # None = Partially Shipped, On Hold, Refunded
    custom_statuses: list[dict[str, Any]] | None = None
    products: int = 200
    control_key: str | None = None  # for /_sandbox/ over HTTP; None = random
    page_cap: int = 0  # > 0: no list page (select_many too) holds more, whatever `count` says
    poison_orders: int = 0  # the newest N orders get one kind of bad data each (quirks.POISONS)
    oauth_clients: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_OAUTH_CLIENTS))
