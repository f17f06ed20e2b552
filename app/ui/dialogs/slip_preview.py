"""Preview packing slips or a pick list, then print them or save them as PDF.

    dialog = SlipPreviewDialog(context.slips, slip_job(targets), runner, settings,
                               station_key=context.station_id, parent=window)
    dialog.show()            # builds the PDF on the "pdf" pool; progress and Cancel meanwhile

The PDF is built off the GUI thread (the task runner's single "pdf" thread: reportlab is not
thread-safe) into a temporary folder removed when the dialog closes. Printing renders each page
with QPdfDocument onto a QPrinter kept on the dialog (a temporary QPrinter crashes the print
dialog), one page per event-loop turn so the window stays responsive and Cancel works
(slip_printing.py). The station's printer and paper size are remembered in QSettings (names
only; never secrets).
Every print, save and preview is recorded through the backend (the print log, on the "db" pool).
"""
from __future__ import annotations

import logging
import shutil
import tempfile
from pathlib import Path
from typing import Any, Protocol, cast

from PySide6.QtCore import (
    QPointF,
    QSettings,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtGui import QKeySequence, QPageLayout
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrinter, QPrinterInfo
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.errors import PackDeskError
from app.services.slips import PDF, PICK_LIST, PREVIEW, PRINTER, SlipDocument, SlipJob
from app.slips import PageSize, SlipsCancelled
from app.ui.dialogs.slip_printing import (
    PagePrinter,
    PrintDialogFactory,
    SavePathChooser,
    StationPrintSettings,
    default_print_dialog,
    default_save_path,
    qt_page_size,
)
from app.ui.screen_fit import resize_to_screen
from app.ui.tasks import DB, Task, TaskRunner
from app.ui.tasks import PDF as PDF_POOL
from app.ui.widgets.pdf_view import PdfPageView

log = logging.getLogger(__name__)

ZOOM_STEP = 1.25
PAPER_NAMES = {PageSize.LETTER: "Letter", PageSize.A4: "A4", PageSize.LABEL_4X6: "4 × 6 label"}


class SlipBackend(Protocol):
    """What the dialog needs from the slips service (tests pass a fake)."""

    def build(self, job: SlipJob, out: Path, *, progress=None, cancel=None) -> SlipDocument: ...

    def record(self, document: SlipDocument, *, output: str, destination: str = "",
               copies: int = 1) -> Any: ...


class SlipPreviewDialog(QDialog):
    document_built = Signal(object)  # SlipDocument, the preview is loading
    first_page_shown = Signal()  # the first page is painted in the view
    build_failed = Signal(str)  # message (cancelled included)
    printed = Signal(str, int)  # printer (or file) name, copies
    saved = Signal(str)  # path

    def __init__(self, backend: SlipBackend, job: SlipJob, runner: TaskRunner,
                 settings: QSettings, *, station_key: str = "",
                 print_dialog_factory: PrintDialogFactory = default_print_dialog,
                 save_path_chooser: SavePathChooser = default_save_path,
                 work_dir: Path | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._backend = backend
        self._runner = runner
        self._station = StationPrintSettings(settings, station_key)
        self._print_dialog_factory = print_dialog_factory
        self._save_path_chooser = save_path_chooser
        self._job = job.with_page_size(self._station.paper(job.options.page_size))
        self._dir = Path(tempfile.mkdtemp(prefix="packdesk-slips-",
                                          dir=str(work_dir) if work_dir else None))
        self._builds = 0
        self._task: Task | None = None
        self._document: SlipDocument | None = None
        self._printing: PagePrinter | None = None
        self._printer: QPrinter | None = None
        self._rebuilding_as_reprint = False  # a rebuild after a print is no new preview
        self.setWindowTitle(self.tr("Pick list") if job.kind == PICK_LIST
                            else self.tr("Packing slips"))
        resize_to_screen(self, 820, 960)  # never taller than the screen (900-px laptops)
        self._build_ui()
        self._set_ready(False)

    # --- layout -------------------------------------------------------------------------------

    def _build_ui(self) -> None:
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.previous_button = QToolButton(text="◀")
        self.previous_button.setToolTip(self.tr("Previous page (Page Up)"))
        self.previous_button.setShortcut(QKeySequence(Qt.Key.Key_PageUp))
        self.next_button = QToolButton(text="▶")
        self.next_button.setToolTip(self.tr("Next page (Page Down)"))
        self.next_button.setShortcut(QKeySequence(Qt.Key.Key_PageDown))
        self.page_label = QLabel()
        self.page_label.setMinimumWidth(90)
        self.page_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.zoom_out_button = QToolButton(text="−")
        self.zoom_out_button.setToolTip(self.tr("Zoom out"))
        self.zoom_out_button.setShortcut(QKeySequence.StandardKey.ZoomOut)
        self.zoom_in_button = QToolButton(text="+")
        self.zoom_in_button.setToolTip(self.tr("Zoom in"))
        self.zoom_in_button.setShortcut(QKeySequence.StandardKey.ZoomIn)
        self.fit_button = QToolButton(text=self.tr("Fit page"))
        self.fit_width_button = QToolButton(text=self.tr("Fit width"))
        self.paper_combo = QComboBox()
        for size, name in PAPER_NAMES.items():
            self.paper_combo.addItem(name, size.value)
        self.paper_combo.setCurrentIndex(self.paper_combo.findData(self._job.options.page_size
                                                                   .value))
        self.paper_combo.setToolTip(self.tr("Paper (remembered for this station)"))
        self.print_button = QPushButton(self.tr("Print…"))
        self.print_button.setDefault(True)
        self.save_button = QPushButton(self.tr("Save as PDF…"))
        self.close_button = QPushButton(self.tr("Close"))
        for widget in (self.previous_button, self.page_label, self.next_button,
                       self.zoom_out_button, self.zoom_in_button, self.fit_button,
                       self.fit_width_button):
            bar.addWidget(widget)
        bar.addStretch(1)
        bar.addWidget(QLabel(self.tr("Paper")))
        for widget in (self.paper_combo, self.save_button, self.print_button,
                       self.close_button):
            bar.addWidget(widget)
        layout.addLayout(bar)

        self.view = PdfPageView(self)
        self.pdf = QPdfDocument(self)
        self.view.setDocument(self.pdf)
        self.view.setPageMode(QPdfView.PageMode.SinglePage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitInView)
        layout.addWidget(self.view, 1)

        status = QHBoxLayout()
        self.status_label = QLabel()
        self.status_label.setTextFormat(Qt.TextFormat.PlainText)  # store text is data
        self.status_label.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setTextVisible(True)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        status.addWidget(self.status_label, 1)
        status.addWidget(self.progress)
        status.addWidget(self.cancel_button)
        layout.addLayout(status)

        self.previous_button.clicked.connect(lambda: self.go_to_page(self.current_page() - 1))
        self.next_button.clicked.connect(lambda: self.go_to_page(self.current_page() + 1))
        self.zoom_in_button.clicked.connect(lambda: self.zoom_by(ZOOM_STEP))
        self.zoom_out_button.clicked.connect(lambda: self.zoom_by(1 / ZOOM_STEP))
        self.fit_button.clicked.connect(
            lambda: self.view.setZoomMode(QPdfView.ZoomMode.FitInView))
        self.fit_width_button.clicked.connect(
            lambda: self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth))
        self.paper_combo.activated.connect(self._paper_chosen)
        self.print_button.clicked.connect(self.print_document)
        self.save_button.clicked.connect(self.save_as_pdf)
        self.close_button.clicked.connect(self.reject)
        self.cancel_button.clicked.connect(self.cancel)
        self.view.pageNavigator().currentPageChanged.connect(self._update_page_label)
        self.view.first_page_painted.connect(self.first_page_shown)

    # --- building -----------------------------------------------------------------------------

    def showEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        if self._task is None and self._document is None:
            self.start()

    def start(self) -> Task:
        """Build (or rebuild) the PDF for the current job on the "pdf" pool."""
        if self._task is not None and not self._task.done:
            self._task.cancel()
        self._builds += 1
        out = self._dir / f"preview-{self._builds}.pdf"
        self._set_ready(False)
        self.status_label.setText(self.tr("Preparing…"))
        self.progress.setRange(0, 0)  # busy until the first progress report
        self.progress.show()
        self.cancel_button.show()
        self.cancel_button.setEnabled(True)
        backend, job = self._backend, self._job

        def build(progress, cancel) -> SlipDocument:  # on the pdf worker
            return backend.build(job, out, progress=lambda done, total: progress((done, total)),
                                 cancel=cancel)

        task = self._runner.submit(PDF_POOL, build, on_result=self._built,
                                   on_error=self._failed, on_progress=self._progressed)
        if not task.done:  # a synchronous runner has already delivered
            self._task = task
        return task

    def cancel(self) -> None:
        if self._printing is not None:
            self._printing.cancel()
        elif self._task is not None and not self._task.done:
            self._task.cancel()
            self.cancel_button.setEnabled(False)
            self.status_label.setText(self.tr("Cancelling…"))

    @Slot(object)
    def _progressed(self, value: object) -> None:
        if self._task is not None and self.sender() is not self._task:
            return
        done, total = cast(tuple[int, int], value)
        self.progress.setRange(0, max(1, total))
        self.progress.setValue(done)
        self.progress.setFormat(self.tr("%v of %m"))
        self.status_label.setText(self.tr("Building…"))

    @Slot(object)
    def _built(self, document: SlipDocument) -> None:
        if self._task is not None and self.sender() is not self._task:
            return  # an older build, replaced by a newer one
        self._task = None
        self._document = document
        self.progress.hide()
        self.cancel_button.hide()
        self.pdf.load(str(document.file))
        self.view.setZoomMode(QPdfView.ZoomMode.FitInView)
        self.go_to_page(0)
        self._set_ready(True)
        count = len(document.items)
        what = (self.tr("%n shipment(s) to pick", "", count) if document.kind == PICK_LIST
                else self.tr("%n slip(s)", "", count))
        reprints = sum(1 for i in document.items if i.reprint) + int(document.reprint)
        held = document.held_back  # orders without a ship-to left out of the batch
        self.status_label.setText(what + (self.tr(" · %n reprint(s)", "", reprints)
                                          if reprints else "")
                                  + "".join(self.tr(" · Not printed: %1").replace("%1", reason)
                                            for reason in held))
        self.document_built.emit(document)
        if not self._rebuilding_as_reprint:
            self._record(PREVIEW)
        self._rebuilding_as_reprint = False

    @Slot(object)
    def _failed(self, error: object) -> None:
        if self._task is not None and self.sender() is not self._task:
            return
        self._task = None
        self.progress.hide()
        self.cancel_button.hide()
        if isinstance(error, SlipsCancelled):
            message = self.tr("Cancelled; nothing was built.")
        elif isinstance(error, PackDeskError):
            message = str(error)
        else:
            log.error("Building slips failed", exc_info=error
                      if isinstance(error, BaseException) else None)
            message = self.tr("The slips could not be built (details in the log).")
        self.status_label.setText(message)
        self.build_failed.emit(message)

    def _paper_chosen(self, index: int) -> None:
        size = PageSize(self.paper_combo.itemData(index))
        self._station.set_paper(size)
        if size != self._job.options.page_size:
            self._job = self._job.with_page_size(size)
            self.start()

    def _set_ready(self, ready: bool) -> None:
        for widget in (self.print_button, self.save_button, self.previous_button,
                       self.next_button, self.zoom_in_button, self.zoom_out_button,
                       self.fit_button, self.fit_width_button):
            widget.setEnabled(ready)
        self.paper_combo.setEnabled(self._printing is None)
        self._update_page_label()

    # --- navigation and zoom ------------------------------------------------------------------

    def page_count(self) -> int:
        return self.pdf.pageCount() if self.pdf.status() == QPdfDocument.Status.Ready else 0

    def current_page(self) -> int:
        return self.view.pageNavigator().currentPage()

    def go_to_page(self, page: int) -> None:
        count = self.page_count()
        if count == 0:
            return
        page = max(0, min(count - 1, page))
        navigator = self.view.pageNavigator()
        navigator.jump(page, QPointF(), navigator.currentZoom())
        self._update_page_label()

    def zoom_by(self, factor: float) -> None:
        current = self.view.zoomFactor()
        if self.view.zoomMode() != QPdfView.ZoomMode.Custom:
            current = self._effective_zoom()
        self.view.setZoomMode(QPdfView.ZoomMode.Custom)
        self.view.setZoomFactor(max(0.1, min(8.0, current * factor)))

    def _effective_zoom(self) -> float:
        """The zoom a fit mode shows, so +/- continue from what the packer sees."""
        size = self.pdf.pagePointSize(max(0, self.current_page()))
        if size.isEmpty():
            return 1.0
        viewport = self.view.viewport().size()
        dpi = self.view.logicalDpiX() / 72.0
        return max(0.1, min(viewport.width() / (size.width() * dpi),
                            viewport.height() / (size.height() * dpi)))

    def _update_page_label(self, *_args) -> None:
        count = self.page_count()
        page = self.current_page() if count else -1
        self.page_label.setText(self.tr("Page %1 of %2").replace("%1", str(page + 1))
                                .replace("%2", str(count)) if count else "")
        ready = self._document is not None and self._task is None
        self.previous_button.setEnabled(ready and page > 0)
        self.next_button.setEnabled(ready and 0 <= page < count - 1)

    # --- printing and saving ------------------------------------------------------------------

    @property
    def printer(self) -> QPrinter:
        """Made on first use and kept for the dialog's lifetime: QPrintDialog on a temporary
        QPrinter crashes."""
        if self._printer is None:
            self._printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        return self._printer

    def print_document(self) -> bool:
        """The system print dialog, then the pages onto the chosen printer. False if the
        packer cancelled the dialog."""
        if self._document is None or self._printing is not None:
            return False
        printer = self.printer
        remembered = self._station.printer_name()
        if remembered and remembered in QPrinterInfo.availablePrinterNames():
            printer.setPrinterName(remembered)
        printer.setPageSize(qt_page_size(self._document.page_size))
        printer.setPageOrientation(QPageLayout.Orientation.Portrait)
        printer.setFullPage(True)  # the slip has its own margins
        printer.setFromTo(0, 0)
        dialog = self._print_dialog_factory(printer, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
        if printer.outputFormat() == QPrinter.OutputFormat.NativeFormat and printer.printerName():
            self._station.set_printer_name(printer.printerName())
        self._printing = PagePrinter(self.pdf, printer, self)
        self._printing.progressed.connect(self._print_progressed)
        self._printing.finished.connect(self._print_finished)
        self._set_ready(False)
        self.progress.setRange(0, self._printing.total)
        self.progress.setValue(0)
        self.progress.setFormat(self.tr("Printing %v of %m"))
        self.progress.show()
        self.cancel_button.show()
        self.cancel_button.setEnabled(True)
        self._printing.start()
        return True

    @Slot(int, int)
    def _print_progressed(self, done: int, total: int) -> None:
        self.progress.setValue(done)

    @Slot(bool, str)
    def _print_finished(self, ok: bool, message: str) -> None:
        job = self._printing
        self._printing = None
        self.progress.hide()
        self.cancel_button.hide()
        self._set_ready(True)
        if not ok:
            self.status_label.setText(message)
            return
        assert job is not None
        printer = job.printer
        name = printer.printerName() or printer.outputFileName() or self.tr("printer")
        copies = printer.copyCount()
        self.status_label.setText(self.tr("Sent to %1.").replace("%1", name))
        self._record(PRINTER, destination=name, copies=copies)
        self.printed.emit(name, copies)

    def save_as_pdf(self) -> str:
        if self._document is None or self._document.file is None:
            return ""
        suggested = ("pick-list.pdf" if self._document.kind == PICK_LIST else
                     f"slips-{self._document.items[0].order_number}.pdf"
                     if len(self._document.items) == 1 else "packing-slips.pdf")
        path = self._save_path_chooser(self, suggested)
        if not path:
            return ""
        try:
            shutil.copyfile(self._document.file, path)
        except OSError as exc:
            self.status_label.setText(self.tr("Could not save: %1").replace("%1", str(exc)))
            return ""
        self.status_label.setText(self.tr("Saved %1.").replace("%1", path))
        self._record(PDF, destination=path)
        self.saved.emit(path)
        return path

    def _record(self, output: str, *, destination: str = "", copies: int = 1) -> None:
        document = self._document
        if document is None:
            return
        first_time = output in (PRINTER, PDF) and not (
            document.reprint or (document.items and all(i.reprint for i in document.items)))
        self._runner.submit(DB, self._backend.record, document, output=output,
                            destination=destination, copies=copies,
                            on_result=self._printed_first_time if first_time else None,
                            on_error=lambda exc: log.warning("Print not logged: %s", exc))

    @Slot(object)
    def _printed_first_time(self, _counts: object) -> None:
        """Printed or saved once: the next print from this dialog is a reprint and must say
        so on the slip (as the CLI's does), so the document is built again."""
        if self.isVisible() and self._printing is None:
            self._rebuilding_as_reprint = True
            self.start()

    # --- closing ------------------------------------------------------------------------------

    def done(self, result: int) -> None:  # noqa: D401 - Qt's name; runs for accept and reject
        if self._printing is not None:
            self._printing.cancel()
        task, folder = self._task, self._dir
        self.pdf.close()
        if task is not None and not task.done:
            task.cancel()
            # the worker may still be writing there: clean up once it has stopped
            task.finished.connect(lambda: shutil.rmtree(folder, ignore_errors=True))
        else:
            shutil.rmtree(folder, ignore_errors=True)
        self._task = None
        super().done(result)

    # for tests and the main window
    @property
    def document(self) -> SlipDocument | None:
        return self._document

    @property
    def job(self) -> SlipJob:
        return self._job

    @property
    def building(self) -> bool:
        return self._task is not None and not self._task.done
