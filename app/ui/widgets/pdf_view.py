"""A QPdfView that says when a page has really been painted.

QPdfView renders pages on a worker (QPdfPageRenderer) and first paints an empty white page; the
picture arrives a moment later. `page_painted` fires on the first paint after a page's picture
arrived, which is what a packer waiting for a preview actually sees (and what the preview
benchmark measures).
"""
from __future__ import annotations

from PySide6.QtCore import Signal, Slot
from PySide6.QtGui import QPaintEvent
from PySide6.QtPdf import QPdfDocument, QPdfPageRenderer
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import QWidget


class PdfPageView(QPdfView):
    page_painted = Signal(int)  # page index, once per page and document
    first_page_painted = Signal()  # the first page picture of the current document is shown

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rendered: set[int] = set()
        self._painted: set[int] = set()
        self._watching_renderer = False
        self._watched: QPdfDocument | None = None
        renderers = self.findChildren(QPdfPageRenderer)
        if renderers:  # QPdfView's own renderer (private API would be needed otherwise)
            renderers[0].pageRendered.connect(self._page_rendered)
            self._watching_renderer = True
        self.documentChanged.connect(self._reset)

    @Slot()
    def _reset(self, *_args) -> None:
        self._rendered.clear()
        self._painted.clear()
        document = self.document()
        if document is not None and document is not self._watched:
            document.statusChanged.connect(self._status_changed)
            self._watched = document

    @Slot(QPdfDocument.Status)
    def _status_changed(self, status: QPdfDocument.Status) -> None:
        if status in (QPdfDocument.Status.Loading, QPdfDocument.Status.Unloading,
                      QPdfDocument.Status.Null):
            self._rendered.clear()
            self._painted.clear()

    def _page_rendered(self, page: int, *_rest) -> None:
        self._rendered.add(page)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        super().paintEvent(event)
        document = self.document()
        if document is None or document.status() != QPdfDocument.Status.Ready:
            return
        if self._watching_renderer:
            fresh = self._rendered - self._painted
        else:  # no renderer to watch: the first paint of a ready document is the best sign
            fresh = {self.pageNavigator().currentPage()} - self._painted
        for page in sorted(fresh):
            self._painted.add(page)
            self.page_painted.emit(page)
            if len(self._painted) == 1:
                self.first_page_painted.emit()
