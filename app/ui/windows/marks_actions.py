"""Tags and holds on the selected orders: read and written on the db pool, over the whole
selection; the list refreshes from the change feed the marks service publishes on."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import QInputDialog, QMessageBox

from app import APP_NAME
from app.errors import PackDeskError
from app.ui.tasks import DB

if TYPE_CHECKING:
    from app.ui.windows.parts import WorkspaceParts as _Base
else:
    _Base = object


class MarksActions(_Base):
    """MainWindow's tag and hold commands (a mixin: it shares the window's state)."""

    def _write(self, job: Callable[..., object], *args) -> None:
        self._runner.submit(DB, job, *args, on_result=self._marks_written,
                            on_error=self._show_error)

    def _read(self, job: Callable[..., object], *args, then: Callable[[object], None]) -> None:
        self._runner.submit(DB, job, *args, on_result=then, on_error=self._show_error)

    @Slot()
    def add_tag(self) -> None:
        pks = self.selected_order_pks()
        if pks:
            self._read(self._marks.known_tags, then=lambda tags: self._ask_tag(pks, tags))

    def _ask_tag(self, pks: list[int], existing: object) -> None:
        tag, ok = QInputDialog.getItem(
            self, self.tr("Add tag"),
            self.tr("Tag for %n order(s):", "", len(pks)), cast(list[str], existing), -1, True)
        if ok and tag.strip():
            self.tag_orders(pks, tag)

    def tag_orders(self, order_pks: list[int], tag: str) -> None:
        self._write(self._marks.add_tag, order_pks, tag)

    @Slot()
    def remove_tag(self) -> None:
        pks = self.selected_order_pks()
        if pks:
            self._read(self._marks.tags_of, pks, then=lambda tags: self._ask_untag(pks, tags))

    def _ask_untag(self, pks: list[int], tags: object) -> None:
        if not tags:
            self.statusBar().showMessage(self.tr("The selected orders have no tags."), 4000)
            return
        tag, ok = QInputDialog.getItem(self, self.tr("Remove tag"),
                                       self.tr("Remove from %n order(s):", "", len(pks)),
                                       cast(list[str], tags), 0, False)
        if ok and tag:
            self.untag_orders(pks, tag)

    def untag_orders(self, order_pks: list[int], tag: str) -> None:
        self._write(self._marks.remove_tag, order_pks, tag)

    @Slot()
    def toggle_hold(self) -> None:
        pks = self.selected_order_pks()
        if pks:
            self._read(self._marks.held_among, pks, then=lambda held: self._hold_or_release(
                pks, held))

    def _hold_or_release(self, pks: list[int], held: object) -> None:
        if len(cast(list[int], held)) == len(pks):  # all held: the toggle releases
            self.release_orders(pks)
            return
        from app.ui.dialogs.hold import HoldDialog

        dialog = HoldDialog(len(pks), self)
        if dialog.exec():
            self.hold_orders(pks, dialog.reason(), dialog.until())

    def hold_orders(self, order_pks: list[int], reason: str, until: datetime | None) -> None:
        self._write(self._marks.hold, order_pks, reason, until)

    def release_orders(self, order_pks: list[int]) -> None:
        self._write(self._marks.release, order_pks)

    @Slot(object)
    def _marks_written(self, _value: object) -> None:
        self.marks_saved.emit()  # the rows were refreshed from the change feed already

    @Slot(object)
    def _show_error(self, exc: object) -> None:
        text = str(exc) if isinstance(exc, PackDeskError) else \
            self.tr("The change was not saved: %1").replace("%1", str(exc))
        box = QMessageBox(QMessageBox.Icon.Warning, APP_NAME, text,
                          QMessageBox.StandardButton.Ok, self)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
