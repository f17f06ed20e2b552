"""Unhandled exceptions in the GUI: logged, then shown in a dialog; the app keeps running."""
from __future__ import annotations

import logging
import sys
import threading
import traceback
from types import TracebackType

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import QMessageBox, QWidget

from app.logs import describe_exception, redactor

log = logging.getLogger(__name__)


class ErrorReporter(QObject):
    """Lives in the GUI thread; hooks from any thread reach it through a queued signal."""

    error_raised = Signal(str, str)  # summary, redacted traceback

    def __init__(self, parent_widget: QWidget | None = None) -> None:
        super().__init__()
        self._parent_widget = parent_widget
        self.error_raised.connect(self._show)
        self.shown: list[str] = []  # summaries shown, for tests and the status bar
        self._open_boxes: set[QMessageBox] = set()  # parentless boxes need a Python owner

    def set_parent_widget(self, widget: QWidget | None) -> None:
        self._parent_widget = widget

    def install(self) -> None:
        sys.excepthook = self._excepthook
        threading.excepthook = self._thread_excepthook

    def uninstall(self) -> None:
        sys.excepthook = sys.__excepthook__
        threading.excepthook = threading.__excepthook__

    def _excepthook(self, exc_type: type[BaseException], exc: BaseException,
                    tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        log.error("Unhandled error", exc_info=(exc_type, exc, tb))
        details = redactor.redact("".join(traceback.format_exception(exc_type, exc, tb)))
        self.error_raised.emit(describe_exception(exc), details)

    def _thread_excepthook(self, hook_args: threading.ExceptHookArgs) -> None:
        if hook_args.exc_value is not None:
            self._excepthook(hook_args.exc_type, hook_args.exc_value, hook_args.exc_traceback)

    @Slot(str, str)
    def _show(self, summary: str, details: str) -> None:
        self.shown.append(summary)
        box = QMessageBox(self._parent_widget)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(self.tr("Something went wrong"))
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setText(self.tr("PackDesk hit an unexpected problem and carried on. "
                            "Your work is saved.") + "\n\n" + summary)
        box.setDetailedText(details)
        box.setModal(False)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._open_boxes.add(box)
        box.finished.connect(lambda _result, b=box: self._open_boxes.discard(b))
        box.show()
