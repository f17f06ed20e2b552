"""Product thumbnails: downloaded on the network pool into the cache folder, keyed by URL hash.

The detail pane shows a placeholder at once and swaps in the picture when `image_ready` fires;
each URL is fetched once per session at most (failures are remembered, not retried in a loop).
"""
from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtGui import QColor, QPainter, QPixmap

if TYPE_CHECKING:
    import httpx

from app.services.images import LazyHttpClient, download_image, image_cache_path
from app.ui.tasks import NETWORK, TaskRunner

log = logging.getLogger(__name__)

def placeholder(size: int) -> QPixmap:
    pixmap = QPixmap(size, size)
    pixmap.fill(QColor("#eceff1"))
    painter = QPainter(pixmap)
    painter.setPen(QColor("#90a4ae"))
    painter.drawRect(0, 0, size - 1, size - 1)
    painter.drawText(pixmap.rect(), Qt.AlignmentFlag.AlignCenter, "…")
    painter.end()
    return pixmap


class ImageCache(QObject):
    image_ready = Signal(str, str)  # url, local path

    def __init__(self, cache_dir: Path, runner: TaskRunner, http: httpx.Client | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._dir = cache_dir
        self._runner = runner
        # Made on the first download: start-up does not pay for an HTTP client it may not use.
        self._http = (lambda: http) if http is not None else LazyHttpClient()
        self._pending: set[str] = set()
        self._failed: set[str] = set()

    def path(self, url: str) -> Path | None:
        """The cached file for url, or None (and a download is started if worth trying)."""
        if not url:
            return None
        target = image_cache_path(self._dir, url)
        if target.exists():
            return target
        if url not in self._pending and url not in self._failed \
                and url.startswith(("http://", "https://")):
            self._pending.add(url)
            self._runner.submit(NETWORK, self._fetch, url, on_result=self._fetched,
                                on_error=self._fetch_failed)
        return None

    def _fetch(self, url: str) -> tuple[str, str]:
        try:
            return url, str(download_image(self._http(), url, image_cache_path(self._dir, url)))
        except Exception as exc:
            raise _ImageFailed(url, exc) from exc

    @Slot(object)
    def _fetched(self, value: object) -> None:
        url, path = cast(tuple[str, str], value)
        self._pending.discard(url)
        self.image_ready.emit(url, path)

    @Slot(object)
    def _fetch_failed(self, exc: object) -> None:
        url = getattr(exc, "url", "")
        self._pending.discard(url)
        self._failed.add(url)
        log.info("Image %s not downloaded: %s", url, getattr(exc, "cause", exc))

    def close(self) -> None:
        if isinstance(self._http, LazyHttpClient):  # a client passed in is its owner's to close
            self._http.close()


class _ImageFailed(Exception):
    def __init__(self, url: str, cause: Exception) -> None:
        super().__init__(url)
        self.url = url
        self.cause = cause
