"""Product pictures and store logos, downloaded once into the cache folder, keyed by URL hash.

Shared by the slips (Qt-free) and the GUI's thumbnails, so each picture is fetched once.
"""
from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from pathlib import Path

import httpx

MAX_IMAGE_BYTES = 5_000_000


def image_cache_path(cache_dir: Path, url: str) -> Path:
    digest = hashlib.sha256(url.encode("utf-8")).hexdigest()
    return cache_dir / "images" / digest[:2] / f"{digest}.img"


def download_image(http: httpx.Client, url: str, target: Path) -> Path:
    """Fetch, check it is an image of sane size, write atomically (several threads may fetch
    the same picture; each writes its own part file)."""
    response = http.get(url, follow_redirects=True)
    response.raise_for_status()
    kind = response.headers.get("content-type", "")
    if not kind.startswith("image/") or len(response.content) > MAX_IMAGE_BYTES:
        raise ValueError(f"not a usable image ({kind}, {len(response.content)} bytes)")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f"{target.name}.{threading.get_ident()}.part")
    partial.write_bytes(response.content)
    partial.replace(target)
    return target


class LazyHttpClient:
    """An httpx.Client made on first use: start-up does not pay for TLS setup (~50 ms) when no
    picture is needed. Call it for the client; close() at shutdown."""

    def __init__(self, factory: Callable[[], httpx.Client] | None = None) -> None:
        # Short timeouts: a packer is waiting; a picture that is slow is left off.
        self._factory = factory or (lambda: httpx.Client(
            timeout=httpx.Timeout(5.0, connect=2.0), headers={"User-Agent": "PackDesk"}))
        self._client: httpx.Client | None = None
        self._lock = threading.Lock()

    def __call__(self) -> httpx.Client:
        with self._lock:
            if self._client is None:
                self._client = self._factory()
            return self._client

    def close(self) -> None:
        with self._lock:
            if self._client is not None:
                self._client.close()
                self._client = None
