"""Start-up dialog for a damaged database: the same plain message as `packdesk db check`, and a
Restore button for the newest backup. The restore itself is app/services/db_health.restore, run
on the task runner's database thread."""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from app.logs import describe_exception


class DamagedDatabaseDialog(QDialog):
    """Accepted once the backup is restored (start again); rejected to quit."""

    def __init__(self, message: str, restore: Callable[[], object] | None, runner,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._restore = restore
        self._runner = runner
        self.restored = None
        self.setWindowTitle(self.tr("PackDesk: damaged database"))
        layout = QVBoxLayout(self)
        self.message_label = QLabel(message)
        self.message_label.setTextFormat(Qt.TextFormat.PlainText)  # paths are data, not markup
        self.message_label.setWordWrap(True)
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.message_label)
        self.status_label = QLabel()
        self.status_label.setTextFormat(Qt.TextFormat.PlainText)
        self.status_label.setWordWrap(True)
        self.status_label.hide()
        layout.addWidget(self.status_label)
        self.buttons = QDialogButtonBox()
        self.restore_button = self.buttons.addButton(self.tr("Restore the newest backup"),
                                                     QDialogButtonBox.ButtonRole.AcceptRole)
        self.restore_button.setVisible(restore is not None)
        self.quit_button = self.buttons.addButton(self.tr("Quit"),
                                                  QDialogButtonBox.ButtonRole.RejectRole)
        self.restore_button.clicked.connect(self._start_restore)
        self.quit_button.clicked.connect(self.reject)
        layout.addWidget(self.buttons)

    def _start_restore(self) -> None:
        self.restore_button.setEnabled(False)
        self.quit_button.setEnabled(False)
        self._show_status(self.tr("Restoring…"))
        self._runner.submit("db", self._restore, on_result=self._restored,
                            on_error=self._failed)

    def _restored(self, result: object) -> None:
        self.restored = result
        self.accept()

    def _failed(self, exc: object) -> None:
        self._show_status(self.tr("The restore failed: %s") % describe_exception(exc))
        self.restore_button.setEnabled(True)
        self.quit_button.setEnabled(True)

    def _show_status(self, text: str) -> None:
        self.status_label.setText(text)
        self.status_label.show()
