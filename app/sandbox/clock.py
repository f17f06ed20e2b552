"""Store clock and the store's datetime format.

Instants are kept as integer *ticks* (100 ns units since the Unix epoch, UTC): the real store
(.NET) prints up to 7 fractional digits, and comparing integers is exact where floats are not.
Responses carry the store's local offset (America/Chicago, so -05:00 and -06:00 both occur
across the DST change); queries may use Z or any offset, so filters compare instants.
"""

from __future__ import annotations

import re
import threading
import time
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from functools import lru_cache

TICKS_PER_SECOND = 10_000_000
TICKS_PER_DAY = 86_400 * TICKS_PER_SECOND
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _store_zone() -> tzinfo:
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo("America/Chicago")
    except Exception:  # noqa: BLE001 - no tz database (e.g. Windows without tzdata): fixed CST
        return timezone(timedelta(hours=-6))


STORE_TZ = _store_zone()


def format_ticks(ticks: int) -> str:
    """ISO 8601 with the store offset; trailing zero digits dropped, as .NET does (0-7 digits)."""
    seconds, frac = divmod(ticks, TICKS_PER_SECOND)
    local = datetime.fromtimestamp(seconds, STORE_TZ)
    offset = local.utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    hh, mm = divmod(abs(minutes), 60)
    text = local.strftime("%Y-%m-%dT%H:%M:%S")
    if frac:
        text += "." + f"{frac:07d}".rstrip("0")
    return f"{text}{sign}{hh:02d}:{mm:02d}"


_ISO = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})"
    r"(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?"
    r"\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$"
)


@lru_cache(maxsize=262_144)  # seeded stamps repeat across an order's items and addresses
def parse_ticks(text: str) -> int:
    """Parse an ISO datetime (any fraction length, Z/offset/none) to ticks.

    No offset means store-local time, as the store's admin would read it. Raises ValueError.
    """
    m = _ISO.match(text.strip())
    if not m:
        raise ValueError(f"not a datetime: {text!r}")
    y, mo, d, hh, mi, ss, frac, off = m.groups()
    naive = datetime(int(y), int(mo), int(d), int(hh or 0), int(mi or 0), int(ss or 0))
    if off is None:
        aware = naive.replace(tzinfo=STORE_TZ)
    elif off in ("Z", "z"):
        aware = naive.replace(tzinfo=UTC)
    else:
        sign = -1 if off[0] == "-" else 1
        digits = off[1:].replace(":", "")
        hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
        aware = naive.replace(tzinfo=timezone(sign * timedelta(hours=hours, minutes=minutes)))
    delta = aware - _EPOCH
    ticks = (delta.days * 86_400 + delta.seconds) * TICKS_PER_SECOND
    if frac:
        ticks += int((frac + "000000")[:7])
    return ticks


def truncate_ticks(ticks: int, digits: int) -> int:
    """Keep `digits` fractional digits (0-7) so stored ticks equal what the text shows."""
    unit = 10 ** (7 - digits)
    return ticks - ticks % unit


class Clock:
    """The sandbox's "now": real time plus an offset that tests and training can advance."""

    def __init__(self, offset_ticks: int = 0) -> None:
        self._offset = offset_ticks
        self._lock = threading.Lock()
        self._last = 0

    @property
    def offset_ticks(self) -> int:
        return self._offset

    def now(self) -> int:
        return time.time_ns() // 100 + self._offset

    def stamp(self) -> int:
        """A write's timestamp: strictly increasing, so `updated_at=gt:` checkpoints never skip
        a later change (a real store's datetime column only moves forward too)."""
        with self._lock:
            self._last = max(self.now(), self._last + 1)
            return self._last

    def advance(self, seconds: float) -> int:
        with self._lock:
            self._offset += int(seconds * TICKS_PER_SECOND)
        return self.now()

    def set_now(self, ticks: int) -> None:
        with self._lock:
            self._offset = ticks - time.time_ns() // 100
