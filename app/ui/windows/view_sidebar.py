"""The side list of the orders workspace: its views in the packer's order of work, then
the tags in use, each with its count (counted on the db pool)."""
from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import QListWidget, QListWidgetItem

from app.domain.status_rules import StatusView
from app.services.order_list import ALL, ATTENTION, PARTIALLY_SHIPPED
from app.ui.tasks import BULK_READ

if TYPE_CHECKING:
    from app.ui.windows.parts import WorkspaceParts as _Base
else:
    _Base = object

log = logging.getLogger(__name__)

KIND_ROLE = Qt.ItemDataRole.UserRole + 10
KEY_ROLE = Qt.ItemDataRole.UserRole + 11
TITLE_ROLE = Qt.ItemDataRole.UserRole + 12


def side_views(tr: Callable[[str], str]) -> list[tuple[str, str]]:
    """(view key, title) of the side list, in the packer's order of work."""
    return [
        (StatusView.AWAITING_SHIPMENT.value, tr("Awaiting shipment")),
        (PARTIALLY_SHIPPED, tr("Partially shipped")),
        (StatusView.AWAITING_PAYMENT.value, tr("Awaiting payment")),
        (ATTENTION, tr("Flagged / on hold")),
        (StatusView.SHIPPED.value, tr("Shipped")),
        (StatusView.CANCELLED.value, tr("Cancelled")),
        (ALL, tr("All orders")),
    ]


class ViewSidebar(_Base):
    """MainWindow's side list (a mixin: it shares the window's state)."""

    def _build_view_list(self) -> None:
        self.view_list = QListWidget()
        self.view_list.setObjectName("viewList")
        self.view_list.setMinimumWidth(150)
        self.view_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.view_list.currentItemChanged.connect(self._view_changed)
        self.view_list.setStyleSheet(
            "QListWidget#viewList { border: none; background: palette(window); }"
            "QListWidget#viewList::item { padding: 5px 8px; border-radius: 4px; }"
            "QListWidget#viewList::item:selected { background: palette(highlight);"
            " color: palette(highlighted-text); }")

    def _fill_view_list(self, counts: dict[str, int], tags: dict[str, int]) -> None:
        selected = self._selected_view()
        self.view_list.blockSignals(True)
        self.view_list.clear()
        for key, title in side_views(self.tr):
            self._add_view_item("view", key, title, counts.get(key))
        header = QListWidgetItem(self.tr("TAGS") if tags else "")
        header.setFlags(Qt.ItemFlag.NoItemFlags)
        font = header.font()
        font.setPointSizeF(font.pointSizeF() * 0.85)
        font.setBold(True)
        header.setFont(font)
        self.view_list.addItem(header)
        for tag, count in tags.items():
            self._add_view_item("tag", tag, tag, count)
        kind, key = selected or ("view", StatusView.AWAITING_SHIPMENT.value)
        item = self._find_view_item(kind, key) or self._find_view_item("view", ALL)
        if item is not None:  # "All orders" is always there
            self.view_list.setCurrentItem(item)
        self.view_list.blockSignals(False)
        if selected is not None and (kind, key) != self._selected_view():
            self.apply_filter()  # the tag we showed is gone

    def _add_view_item(self, kind: str, key: str, title: str, count: int | None) -> None:
        item = QListWidgetItem(f"{title}  ({count:,})" if count is not None else title)
        item.setData(KIND_ROLE, kind)
        item.setData(KEY_ROLE, key)
        item.setData(TITLE_ROLE, title)
        if kind == "tag":
            item.setToolTip(self.tr("Orders tagged %1").replace("%1", title))
        self.view_list.addItem(item)

    def _find_view_item(self, kind: str, key: str) -> QListWidgetItem | None:
        for i in range(self.view_list.count()):
            item = self.view_list.item(i)
            if item.data(KIND_ROLE) == kind and item.data(KEY_ROLE) == key:
                return item
        return None

    def _selected_view(self) -> tuple[str, str] | None:
        item = self.view_list.currentItem()
        if item is None or item.data(KIND_ROLE) is None:
            return None
        return item.data(KIND_ROLE), item.data(KEY_ROLE)

    def select_view(self, kind: str, key: str) -> None:
        item = self._find_view_item(kind, key)
        if item is not None:
            self.view_list.setCurrentItem(item)

    def view_counts(self) -> dict[tuple[str, str], str]:
        """(kind, key) -> the text shown, for tests."""
        return {(self.view_list.item(i).data(KIND_ROLE), self.view_list.item(i).data(KEY_ROLE)):
                self.view_list.item(i).text() for i in range(self.view_list.count())
                if self.view_list.item(i).data(KIND_ROLE)}

    def _step_view(self, step: int) -> None:
        rows = [i for i in range(self.view_list.count())
                if self.view_list.item(i).data(KIND_ROLE)]
        if not rows:
            return
        current = self.view_list.currentRow()
        position = rows.index(current) if current in rows else 0
        self.view_list.setCurrentRow(rows[(position + step) % len(rows)])

    @Slot()
    def _view_changed(self, *_args) -> None:
        self.apply_filter()

    def refresh_counts(self) -> None:
        """Counts of every view and tag, read in the background (after pending writes)."""
        self._counts_timer.stop()
        if self._counts_pending:
            self._counts_stale = True  # count again when the running count is back
            return
        self._counts_pending = True
        self._counts_stale = False
        base = self.current_filter()
        views = [key for key, _ in side_views(self.tr)]
        # Beside the db pool (the counts are committed writes' too: they are asked for after
        # them): a count of 100,000 orders must not hold up the next keystroke's rows.
        self._runner.submit(BULK_READ, self._context.order_list.counts, views, base,
                            dict(self._statuses), on_result=self._counts_ready,
                            on_error=self._counts_failed)

    @Slot(object)
    def _counts_ready(self, value: object) -> None:
        self._counts_pending = False
        counts, tags = cast(tuple[dict[str, int], dict[str, int]], value)
        self._fill_view_list(counts, tags)
        if self._counts_stale:
            self.refresh_counts()

    @Slot(object)
    def _counts_failed(self, exc: object) -> None:
        self._counts_pending = False
        self._counts_stale = False
        log.warning("Counting orders failed: %s", exc)
