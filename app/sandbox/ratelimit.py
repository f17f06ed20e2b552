"""Per-token call limit in fixed 10-second windows, as the store enforces it (API.md §3).

Every API response carries `X-AC-Call-Limit: used/max`. With the limit off the header is still sent,
with max = UNLIMITED_MAX, so clients that parse it keep working. Over the limit: 429 with
`Retry-After` in seconds or as an HTTP-date (both are seen in the wild). Windows follow the real
monotonic clock, not the sandbox clock: advancing the store's date must not refill a bucket.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass
from email.utils import formatdate

WINDOW_SECONDS = 10.0
UNLIMITED_MAX = 1_000_000


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    used: int
    limit: int
    retry_after: str | None = None

    @property
    def header(self) -> str:
        return f"{self.used}/{self.limit}"


class RateLimiter:
    def __init__(self, limit: int | None, retry_after_style: str = "seconds") -> None:
        self._lock = threading.Lock()
        self._windows: dict[str, tuple[float, int]] = {}
        self.configure(limit, retry_after_style)

    def configure(self, limit: int | None, retry_after_style: str | None = None) -> None:
        if limit is not None and limit < 1:
            raise ValueError("rate limit must be positive or None")
        if retry_after_style not in (None, "seconds", "http-date"):
            raise ValueError("retry_after_style must be 'seconds' or 'http-date'")
        with self._lock:
            self.limit = limit
            if retry_after_style:
                self.retry_after_style = retry_after_style
            self._windows.clear()

    def hit(self, token: str) -> Verdict:
        now = time.monotonic()
        with self._lock:
            start, used = self._windows.get(token, (now, 0))
            if now - start >= WINDOW_SECONDS:
                start, used = now, 0
            limit = self.limit or UNLIMITED_MAX
            if self.limit is not None and used >= self.limit:
                self._windows[token] = (start, used)
                return Verdict(False, used, limit, self._retry_after(start + WINDOW_SECONDS - now))
            self._windows[token] = (start, used + 1)
            return Verdict(True, used + 1, limit)

    def _retry_after(self, wait: float) -> str:
        if self.retry_after_style == "http-date":
            # HTTP-dates have whole seconds: round up so a client waiting until then is past it.
            return formatdate(math.ceil(time.time() + wait), usegmt=True)
        return str(max(1, math.ceil(wait)))
