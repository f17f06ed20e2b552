"""The seeded generator's state: one random stream, id counters and the store's timestamps."""
from __future__ import annotations

import random
from typing import Any

from .clock import TICKS_PER_DAY, format_ticks, truncate_ticks

Doc = dict[str, Any]
Dataset = dict[str, list[Doc]]

_DIGITS = (0, 1, 2, 3, 3, 3, 3, 5, 7, 7)  # fractional digits in seeded timestamps vary like this


class Gen:
    def __init__(self, seed: int, now_ticks: int) -> None:
        self.rng = random.Random(seed)
        self.now = now_ticks
        self.ids: dict[str, int] = {}

    def next_id(self, table: str, start: int = 1) -> int:
        value = self.ids.get(table, start - 1) + 1
        self.ids[table] = value
        return value

    def stamp(self, ticks: int) -> tuple[int, str]:
        ticks = truncate_ticks(ticks, self.rng.choice(_DIGITS))
        return ticks, format_ticks(ticks)

    def ts(self, ticks: int) -> str:
        return self.stamp(ticks)[1]

    def days_ago(self, lo: float, hi: float) -> int:
        return self.now - int(self.rng.uniform(lo, hi) * TICKS_PER_DAY)
