"""Printing a built slip PDF: the station's printer settings, the system dialogs, and the
pages drawn onto a QPrinter one per event-loop turn (the window stays responsive)."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRect, QSettings, QSize, QSizeF, QTimer, Signal
from PySide6.QtGui import QColor, QImage, QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QFileDialog, QWidget

from app.slips import PageSize

MAX_PRINT_DPI = 300  # enough for Code 128 on laser and thermal printers; keeps images small

PrintDialogFactory = Callable[[QPrinter, QWidget], Any]  # an object with exec() -> int
SavePathChooser = Callable[[QWidget, str], str]  # "" = cancelled


def default_print_dialog(printer: QPrinter, parent: QWidget) -> QPrintDialog:
    return QPrintDialog(printer, parent)


def default_save_path(parent: QWidget, suggested: str) -> str:
    path, _ = QFileDialog.getSaveFileName(parent, parent.tr("Save as PDF"), suggested,
                                          parent.tr("PDF files (*.pdf)"))
    if path and not path.lower().endswith(".pdf"):
        path += ".pdf"
    return path


def qt_page_size(size: PageSize) -> QPageSize:
    if size is PageSize.A4:
        return QPageSize(QPageSize.PageSizeId.A4)
    if size is PageSize.LABEL_4X6:
        return QPageSize(QSizeF(4, 6), QPageSize.Unit.Inch, "4x6",
                         QPageSize.SizeMatchPolicy.ExactMatch)
    return QPageSize(QPageSize.PageSizeId.Letter)


class StationPrintSettings:
    """The station's printer and paper, in QSettings under slips/<station>/."""

    def __init__(self, settings: QSettings, station_key: str) -> None:
        self._settings = settings
        self._prefix = f"slips/{station_key or 'default'}"

    def printer_name(self) -> str:
        return str(self._settings.value(f"{self._prefix}/printer", "") or "")

    def set_printer_name(self, name: str) -> None:
        self._settings.setValue(f"{self._prefix}/printer", name)

    def paper(self, default: PageSize) -> PageSize:
        value = str(self._settings.value(f"{self._prefix}/paper", "") or "")
        try:
            return PageSize(value) if value else default
        except ValueError:
            return default

    def set_paper(self, size: PageSize) -> None:
        self._settings.setValue(f"{self._prefix}/paper", PageSize(size).value)


class PagePrinter(QObject):
    """Renders the document's pages onto a printer without freezing the window."""

    progressed = Signal(int, int)
    finished = Signal(bool, str)  # ok, message when not ok

    def __init__(self, pdf: QPdfDocument, printer: QPrinter, parent) -> None:
        super().__init__(parent)
        self.pdf = pdf
        self.printer = printer
        count = pdf.pageCount()
        first, last = 0, count - 1
        if printer.printRange() == QPrinter.PrintRange.PageRange and printer.fromPage() > 0:
            first = max(0, printer.fromPage() - 1)
            last = min(count - 1, max(first, printer.toPage() - 1))
        pages = list(range(first, last + 1))
        # A printer that cannot make copies itself gets the pages again (collated).
        copies = 1 if printer.supportsMultipleCopies() else max(1, printer.copyCount())
        self.pages = pages * copies
        self.total = len(self.pages)
        self._done = 0
        self._painter: QPainter | None = None
        self._cancelled = False
        self._timer = QTimer(self)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._next_page)

    def start(self) -> None:
        self._painter = QPainter()
        if not self._painter.begin(self.printer):
            self._painter = None
            self.finished.emit(False, self.tr("The printer could not be started."))
            return
        self._timer.start()

    def cancel(self) -> None:
        self._cancelled = True

    def _next_page(self) -> None:
        painter = self._painter
        assert painter is not None
        if self._cancelled:
            self._timer.stop()
            self.printer.abort()
            painter.end()
            self.finished.emit(False, self.tr("Printing cancelled."))
            return
        if self._done >= self.total:
            self._timer.stop()
            painter.end()
            self.finished.emit(True, "")
            return
        if self._done:
            self.printer.newPage()
        draw_page(painter, self.pdf, self.pages[self._done], self.printer)
        self._done += 1
        self.progressed.emit(self._done, self.total)


def draw_page(painter: QPainter, pdf: QPdfDocument, page: int, printer: QPrinter) -> None:
    """One PDF page scaled to fit the paper. QPdfDocument.render gives a transparent image:
    it is laid on white first, or some drivers print the background black."""
    target = printer.pageLayout().fullRectPixels(printer.resolution())
    points = pdf.pagePointSize(page)
    dpi = min(printer.resolution(), MAX_PRINT_DPI)
    size = QSize(max(1, round(points.width() * dpi / 72)), max(1, round(points.height() * dpi
                                                                          / 72)))
    rendered = pdf.render(page, size)
    image = QImage(size, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    with_white = QPainter(image)
    with_white.drawImage(0, 0, rendered)
    with_white.end()
    scale = min(target.width() / size.width(), target.height() / size.height())
    width, height = round(size.width() * scale), round(size.height() * scale)
    painter.drawImage(QRect(0, 0, width, height), image)
