"""Injected faults: latency, 5xx, dropped connections, writes applied but unanswered, cut bodies.

Each fault draws from its own `random.Random` seeded from the sandbox seed, so a sequential client
sees the same faults on every run with the same seed and settings.
"""

from __future__ import annotations

import random
import threading
from dataclasses import asdict, dataclass

KINDS = ("fail", "drop", "drop_after_write", "truncate")


@dataclass
class FaultSettings:
    latency_ms: int = 0
    fail_rate: float = 0.0  # share of API requests answered 500 before doing anything
    drop_rate: float = 0.0  # share closed without any answer before doing anything
    drop_after_write_rate: float = 0.0  # share of POST/PUT applied, then closed unanswered
    truncate_rate: float = 0.0  # share of JSON bodies cut short (Content-Length matches the cut)


class Faults:
    def __init__(self, settings: FaultSettings, seed: int) -> None:
        self._lock = threading.Lock()
        self.settings = settings
        self._seed = seed
        self._rngs = {kind: random.Random(f"{seed}:{kind}") for kind in KINDS}

    def configure(self, seed: int | None = None, **changes: float) -> FaultSettings:
        with self._lock:
            for key, value in changes.items():
                if not hasattr(self.settings, key):
                    raise ValueError(f"unknown fault setting {key!r}")
                if key != "latency_ms" and not 0.0 <= float(value) <= 1.0:
                    raise ValueError(f"{key} must be between 0 and 1")
                setattr(self.settings, key, value)
            if seed is not None:
                self._seed = seed
                self._rngs = {kind: random.Random(f"{seed}:{kind}") for kind in KINDS}
        return self.settings

    def roll(self, kind: str) -> bool:
        rate = getattr(self.settings, f"{kind}_rate")
        if rate <= 0:
            return False
        with self._lock:
            return self._rngs[kind].random() < rate

    def as_dict(self) -> dict[str, float]:
        return asdict(self.settings)

    def cut(self, length: int) -> int:
        """Where to cut a body of `length` bytes (at least one byte kept, at least one lost)."""
        with self._lock:
            return self._rngs["truncate"].randrange(1, max(2, length))
