"""The slip preview dialog: built off the GUI thread, shown with QtPdf, navigated, zoomed, printed
through an injected print dialog (never a real one), saved, cancelled, remembered per station."""
from __future__ import annotations

import threading
import time
from dataclasses import replace
from pathlib import Path

from pypdf import PdfReader
from PySide6.QtGui import QImage
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QDialog

from app.domain.orders import Address
from app.errors import PackDeskError
from app.services.slips import (
    PDF,
    PREVIEW,
    PRINTER,
    PrintedItem,
    SlipDocument,
    SlipTarget,
    slip_job,
)
from app.slips import PageSize, SlipLine, SlipOptions, SlipShipment, Storefront, render_slips
from app.ui.dialogs.slip_preview import SlipPreviewDialog, StationPrintSettings


def _shipment(i: int) -> SlipShipment:
    return SlipShipment(
        storefront=Storefront("Acme Outdoor Supply", address_lines=("1 Main St",)),
        order_number=f"AC-{100000 + i}", order_barcode=f"AC-{100000 + i}",
        shipment_barcode=f"SPD-7F3A2C-{i}",
        lines=[SlipLine(sku=f"SKU-{i}", name=f"Product {i}", quantity=2, bin_location="A-1")],
        ship_to=Address("shipping", first_name="Jane", last_name="Doe", city="Portland"))


class FakeBackend:
    """Builds real PDFs from made-up shipments; remembers threads, jobs and print records."""

    def __init__(self, count: int = 2, delay: float = 0.0, error: Exception | None = None):
        self.count = count
        self.delay = delay
        self.error = error
        self.threads: list[int] = []
        self.jobs = []
        self.records: list[tuple[str, str, int]] = []
        self.started = threading.Event()

    def build(self, job, out, *, progress=None, cancel=None) -> SlipDocument:
        self.threads.append(threading.get_ident())
        self.jobs.append(job)
        self.started.set()
        if self.error is not None:
            raise self.error
        shipments = [_shipment(i) for i in range(self.count)]

        def slow_progress(done, total):
            if self.delay:
                time.sleep(self.delay)
            if progress:
                progress(done, total)

        pages = render_slips(shipments, job.options, out, progress=slow_progress, cancel=cancel)
        items = tuple(PrintedItem(f"slip:shipment:{i}", 1, i, s.order_number, i + 1, self.count,
                                  s.shipment_barcode[1:], s.order_barcode, s.shipment_barcode,
                                  False) for i, s in enumerate(shipments))
        return SlipDocument("slip", Path(out), pages, items, job.options.page_size)

    def record(self, document, *, output, destination="", copies=1):
        self.records.append((output, destination, copies))
        return [0] * len(document.items)


class FakePrintDialog:
    """Stands in for QPrintDialog: 'chooses' PDF output to a file and some copies."""

    def __init__(self, target: Path | None, copies: int = 1):
        self.target = target
        self.copies = copies
        self.printers: list[QPrinter] = []

    def __call__(self, printer: QPrinter, parent):
        self.printers.append(printer)
        return self

    def exec(self) -> int:
        if self.target is None:
            return QDialog.DialogCode.Rejected
        printer = self.printers[-1]
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(self.target))
        printer.setCopyCount(self.copies)
        return QDialog.DialogCode.Accepted


def make_dialog(qtbot, backend, runner, qsettings, tmp_path, **kwargs) -> SlipPreviewDialog:
    job = kwargs.pop("job", slip_job([SlipTarget(1)]))
    dialog = SlipPreviewDialog(backend, job, runner, qsettings, station_key="ST1",
                               work_dir=tmp_path, **kwargs)
    qtbot.addWidget(dialog)
    return dialog


def show_and_wait(qtbot, dialog: SlipPreviewDialog) -> None:
    with qtbot.waitSignal(dialog.first_page_shown, timeout=10_000):
        dialog.show()


def test_preview_is_built_off_the_gui_thread_and_navigable(qtbot, runner, qsettings, tmp_path):
    backend = FakeBackend(count=3)
    dialog = make_dialog(qtbot, backend, runner, qsettings, tmp_path)
    assert not dialog.print_button.isEnabled()  # nothing to print yet
    show_and_wait(qtbot, dialog)
    assert backend.threads and backend.threads[0] != threading.get_ident()
    assert dialog.page_count() == 3 and dialog.page_label.text() == "Page 1 of 3"
    assert dialog.print_button.isEnabled() and not dialog.previous_button.isEnabled()
    dialog.next_button.click()
    qtbot.waitUntil(lambda: dialog.current_page() == 1)
    assert dialog.page_label.text() == "Page 2 of 3"
    dialog.go_to_page(99)
    assert dialog.current_page() == 2 and not dialog.next_button.isEnabled()
    dialog.previous_button.click()
    assert dialog.current_page() == 1
    dialog.zoom_in_button.click()
    assert dialog.view.zoomMode() == QPdfView.ZoomMode.Custom
    zoomed = dialog.view.zoomFactor()
    dialog.zoom_out_button.click()
    assert dialog.view.zoomFactor() < zoomed
    dialog.fit_width_button.click()
    assert dialog.view.zoomMode() == QPdfView.ZoomMode.FitToWidth
    qtbot.waitUntil(lambda: (PREVIEW, "", 1) in backend.records)  # the preview is logged
    folder = Path(str(dialog.document.file)).parent
    dialog.close()
    assert not folder.exists()  # the temporary PDF goes with the dialog


def test_print_goes_through_the_injected_dialog_onto_a_kept_printer(qtbot, runner, qsettings,
                                                                   tmp_path):
    backend = FakeBackend(count=2)
    target = tmp_path / "printed.pdf"
    factory = FakePrintDialog(target, copies=2)
    dialog = make_dialog(qtbot, backend, runner, qsettings, tmp_path,
                         print_dialog_factory=factory)
    show_and_wait(qtbot, dialog)
    with qtbot.waitSignal(dialog.printed, timeout=20_000) as printed:
        assert dialog.print_document()
    assert factory.printers == [dialog.printer]  # the dialog's own, long-lived QPrinter
    name, copies = printed.args
    assert name == str(target) and copies == 2
    pages = len(PdfReader(target).pages)
    assert pages in (2, 4)  # the printer makes the copies, or the pages are sent twice
    qtbot.waitUntil(lambda: any(r[0] == PRINTER for r in backend.records))
    assert (PRINTER, str(target), 2) in backend.records

    # printed pages are white paper with black marks, not a transparent (black) background
    printed_pdf = QPdfDocument(dialog)
    printed_pdf.load(str(target))
    image = printed_pdf.render(0, printed_pdf.pagePointSize(0).toSize()).convertToFormat(
        QImage.Format.Format_Grayscale8)
    assert image.pixelColor(2, 2).lightness() > 250
    data = bytes(image.constBits())
    assert min(data) < 80  # barcodes and text are there


def test_cancelled_print_dialog_prints_and_records_nothing(qtbot, runner, qsettings, tmp_path):
    backend = FakeBackend(count=1)
    dialog = make_dialog(qtbot, backend, runner, qsettings, tmp_path,
                         print_dialog_factory=FakePrintDialog(None))
    show_and_wait(qtbot, dialog)
    assert not dialog.print_document()
    qtbot.wait(50)
    assert [r for r in backend.records if r[0] == PRINTER] == []


def test_save_as_pdf_copies_the_preview_and_records_it(qtbot, runner, qsettings, tmp_path):
    backend = FakeBackend(count=2)
    target = tmp_path / "out" / "saved.pdf"
    target.parent.mkdir()
    dialog = make_dialog(qtbot, backend, runner, qsettings, tmp_path,
                         save_path_chooser=lambda parent, suggested: str(target))
    show_and_wait(qtbot, dialog)
    assert dialog.save_as_pdf() == str(target)
    assert len(PdfReader(target).pages) == 2
    qtbot.waitUntil(lambda: (PDF, str(target), 1) in backend.records)
    dialog._save_path_chooser = lambda parent, suggested: ""  # the packer cancelled
    assert dialog.save_as_pdf() == ""


class CountingBackend(FakeBackend):
    """Like the slip service: a slip printed or saved before is built as a reprint."""

    def build(self, job, out, *, progress=None, cancel=None) -> SlipDocument:
        document = super().build(job, out, progress=progress, cancel=cancel)
        before = any(r[0] in (PRINTER, PDF) for r in self.records)
        return replace(document, items=tuple(replace(i, reprint=before)
                                             for i in document.items))


def test_printing_after_save_as_pdf_is_a_reprint(qtbot, runner, qsettings, tmp_path):
    # issue 14.8: the slip printed right after "Save as PDF" did not say REPRINT
    backend = CountingBackend(count=1)
    saved, printed_to = tmp_path / "saved.pdf", tmp_path / "printed.pdf"
    dialog = make_dialog(qtbot, backend, runner, qsettings, tmp_path,
                         save_path_chooser=lambda parent, suggested: str(saved),
                         print_dialog_factory=FakePrintDialog(printed_to))
    show_and_wait(qtbot, dialog)
    assert not dialog.document.items[0].reprint and "reprint" not in dialog.status_label.text()
    with qtbot.waitSignal(dialog.document_built, timeout=10_000) as rebuilt:
        assert dialog.save_as_pdf() == str(saved)
    assert rebuilt.args[0].items[0].reprint and "1 reprint" in dialog.status_label.text()
    qtbot.waitUntil(lambda: dialog.print_button.isEnabled())
    with qtbot.waitSignal(dialog.printed, timeout=20_000):
        assert dialog.print_document()
    assert dialog.document.items[0].reprint  # what went to the printer says REPRINT
    qtbot.wait(100)
    assert len(backend.jobs) == 2  # built once more after the save, not after the reprint
    assert [r[0] for r in backend.records].count(PREVIEW) == 1


def test_batch_shows_progress_and_can_be_cancelled(qtbot, runner, qsettings, tmp_path):
    backend = FakeBackend(count=200, delay=0.02)
    dialog = make_dialog(qtbot, backend, runner, qsettings, tmp_path)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.progress.maximum() == 200 and dialog.progress.value() > 0,
                    timeout=10_000)
    assert dialog.building and dialog.cancel_button.isVisible()
    with qtbot.waitSignal(dialog.build_failed, timeout=10_000) as failed:
        dialog.cancel_button.click()
    assert "Cancelled" in failed.args[0]
    assert dialog.document is None and not dialog.print_button.isEnabled()


def test_paper_is_remembered_per_station_and_rebuilds_the_preview(qtbot, runner, qsettings,
                                                                  tmp_path):
    backend = FakeBackend(count=1)
    dialog = make_dialog(qtbot, backend, runner, qsettings, tmp_path)
    show_and_wait(qtbot, dialog)
    assert dialog.document.page_size is PageSize.LETTER
    index = dialog.paper_combo.findData(PageSize.LABEL_4X6.value)
    with qtbot.waitSignal(dialog.document_built, timeout=10_000):
        dialog.paper_combo.setCurrentIndex(index)
        dialog.paper_combo.activated.emit(index)
    assert dialog.document.page_size is PageSize.LABEL_4X6
    assert backend.jobs[-1].options.page_size is PageSize.LABEL_4X6
    size = dialog.pdf.pagePointSize(0)
    assert (round(size.width()), round(size.height())) == (288, 432)  # 4 x 6 inches
    dialog.close()

    again = make_dialog(qtbot, FakeBackend(count=1), runner, qsettings, tmp_path)
    assert again.job.options.page_size is PageSize.LABEL_4X6  # this station's paper
    other = SlipPreviewDialog(FakeBackend(), slip_job([SlipTarget(1)]), runner, qsettings,
                              station_key="ST2", work_dir=tmp_path)
    qtbot.addWidget(other)
    assert other.job.options.page_size is PageSize.LETTER
    station = StationPrintSettings(qsettings, "ST1")
    station.set_printer_name("Zebra ZP450")
    assert StationPrintSettings(qsettings, "ST1").printer_name() == "Zebra ZP450"
    keys = qsettings.allKeys()
    assert set(keys) >= {"slips/ST1/paper", "slips/ST1/printer"}
    assert not any("token" in k.lower() or "secret" in k.lower() for k in keys)


def test_a_failed_build_says_why(qtbot, sync_runner, qsettings, tmp_path):
    backend = FakeBackend(error=PackDeskError("Order AC-1 has nothing left to ship."))
    dialog = make_dialog(qtbot, backend, sync_runner, qsettings, tmp_path)
    with qtbot.waitSignal(dialog.build_failed, timeout=5_000):
        dialog.show()
    assert "nothing left to ship" in dialog.status_label.text()
    assert not dialog.print_button.isEnabled() and not dialog.progress.isVisible()


def test_real_slips_from_the_sandbox(qtbot, runner, qsettings, tmp_path, ui_context, sandbox):
    from tests.ui.helpers import connect_and_sync

    connect_and_sync(ui_context, sandbox)
    pk = next(p for p in range(1, 200)
              if ui_context.storage.repos.orders.get(p)
              and ui_context.packing.view(p).plan.shipments)
    dialog = make_dialog(qtbot, ui_context.slips, runner, qsettings, tmp_path,
                         job=slip_job([SlipTarget(pk)], SlipOptions()))
    show_and_wait(qtbot, dialog)
    assert dialog.page_count() >= 1
    qtbot.waitUntil(lambda: any(r.output == PREVIEW
                                for r in ui_context.slips.prints(order_pk=pk)), timeout=5_000)
