"""The one clock: timezone-aware UTC, injectable where a test needs to step time.

Services and repositories take a `Clock` (default `utc_now`) instead of each keeping its own
`_now()`; stored datetimes are UTC (app/db/tables.py's UtcDateTime column type).
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)
