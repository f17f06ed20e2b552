"""Product pictures and store logos, downloaded once into the cache folder, keyed by URL hash.

Shared by the slips (Qt-free) and the GUI's thumbnails, so each picture is fetched once.
The slips' parallel downloads run on an executor made by the composition root
(app/bootstrap.py, `image_pool`), closed with the context.
"""
from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import CancelledError, Executor, ThreadPoolExecutor
from pathlib import Path

import httpx

log = logging.getLogger(__name__)

MAX_IMAGE_BYTES = 5_000_000
PREFETCH_THREADS = 6


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


def image_pool() -> ThreadPoolExecutor:
    """The executor the slips download pictures on (threads start on first use)."""
    return ThreadPoolExecutor(PREFETCH_THREADS, thread_name_prefix="pd-slip-images")


HttpSource = httpx.Client | Callable[[], httpx.Client] | None


class ImageFetcher:
    """Logos and product pictures downloaded once into the cache folder. Never fails a slip:
    an image that cannot be fetched is left out (and not asked for again by this fetcher).

    `pool` runs the prefetch's downloads in parallel; without one, each picture is fetched
    when its slip line asks for it."""

    def __init__(self, cache_dir: Path, http: HttpSource,
                 pool: Executor | None = None) -> None:
        self._dir = cache_dir
        self._http = http
        self._pool = pool
        self._failed: set[str] = set()
        self._lock = threading.Lock()

    def prefetch(self, urls: Iterable[str]) -> None:
        """Fetch the pictures not cached yet in parallel (a slip of five pictures from a slow
        CDN then costs one round trip, not five)."""
        missing = list(dict.fromkeys(
            u for u in urls if u and u not in self._failed
            and not image_cache_path(self._dir, u).exists()))
        if len(missing) < 2 or self._http is None or self._pool is None:
            return
        try:
            list(self._pool.map(self.get, missing))
        except (RuntimeError, CancelledError):  # the pool is shut down: the app is closing
            log.info("Pictures not prefetched: the download pool is closed")

    def get(self, url: str) -> Path | None:
        if not url:
            return None
        target = image_cache_path(self._dir, url)
        if target.exists():
            return target
        with self._lock:
            if url in self._failed:
                return None
        if self._http is None or not url.startswith(("http://", "https://")):
            return None
        try:
            client = self._http if isinstance(self._http, httpx.Client) else self._http()
            return download_image(client, url, target)
        except (httpx.HTTPError, OSError, ValueError) as exc:
            log.info("Image %s left off the slip: %s", url, exc)
            with self._lock:
                self._failed.add(url)
            return None
