"""The order list area of the workspace: the search and filter row, the table, the empty
hint, the selection (kept across re-queries) and the detail pane that follows it."""
from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import (
    QEvent,
    QItemSelection,
    QItemSelectionModel,
    QObject,
    Qt,
    QTimer,
    Slot,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QStyleOptionHeader,
    QTableView,
    QToolButton,
    QWidget,
)

from app.services.order_list import ALL, OrderDetail, OrderFilter
from app.ui.models.order_table import ORDER_PK_ROLE
from app.ui.tasks import DB
from app.ui.windows.sync_status import CONNECTIONS_KEYS

if TYPE_CHECKING:
    from app.ui.windows.parts import WorkspaceParts as _Base
else:
    _Base = object

log = logging.getLogger(__name__)

NARROW_WIDTH = 1200  # below this (1024- and 1152-px screens) the default layout is compact
NARROW_HIDDEN_COLUMNS = ("storefront", "weight", "status")  # shown again from the header menu


class OrderListArea(_Base):
    """MainWindow's order list (a mixin: it shares the window's state)."""

    def _build_filters(self) -> QHBoxLayout:
        """The search box, the connection and storefront filters and the sync button, in a row."""
        self.search_edit = QLineEdit()
        self.search_edit.setObjectName("searchEdit")
        self.search_edit.setPlaceholderText(
            self.tr("Search orders: number, customer, email, SKU, tracking…  (Ctrl+F)"))
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.installEventFilter(self)
        self.connection_combo = QComboBox()
        self.connection_combo.setObjectName("connectionCombo")
        self.connection_combo.setToolTip(self.tr("Show orders of one connection"))
        self.connection_combo.currentIndexChanged.connect(self._connection_changed)
        self.storefront_combo = QComboBox()
        self.storefront_combo.setObjectName("storefrontCombo")
        self.storefront_combo.setToolTip(self.tr("Show orders of one storefront"))
        self.storefront_combo.currentIndexChanged.connect(self._storefront_changed)
        self.sync_button = QToolButton()
        self.sync_button.setObjectName("syncButton")

        filters = QHBoxLayout()
        filters.setContentsMargins(8, 8, 8, 4)
        filters.addWidget(self.search_edit, 1)
        filters.addWidget(self.connection_combo)
        filters.addWidget(self.storefront_combo)
        filters.addWidget(self.sync_button)
        return filters

    def _build_table(self) -> None:
        self.table = QTableView()
        self.table.setObjectName("orderTable")
        self.table.setHorizontalHeader(SortHeader(self.table))
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(
            self.table.fontMetrics().height() + 10)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.table.horizontalHeader()
        header.setSectionsMovable(True)
        header.setHighlightSections(False)
        # The header's own, always empty, selection: with the table's, each paint after
        # select-all asked the model about every row of every column (3 s on 100,000 orders).
        # Rows are selected whole, so the header never shows a column as selected anyway.
        header.setSelectionModel(QItemSelectionModel(self.model, header))
        header.setStretchLastSection(True)
        header.setSortIndicator(self.model.sort_column(), Qt.SortOrder.DescendingOrder)
        self.table.setSortingEnabled(True)  # a header click re-queries with another sort
        for i, width in enumerate(self.model.column_count_default_widths()):
            self.table.setColumnWidth(i, width)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._column_menu)
        self.table.selectionModel().currentRowChanged.connect(self._current_row_changed)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.table.activated.connect(self._row_activated)
        self.table.viewport().installEventFilter(self)
        self.empty_label = QLabel(self.table.viewport())
        self.empty_label.setObjectName("emptyLabel")
        self.empty_label.setStyleSheet("color: #6b7280; padding: 24px;")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.hide()

    def current_filter(self) -> OrderFilter:
        kind, key = self._selected_view() or ("view", ALL)
        connection_id = self.connection_combo.currentData()
        front = self.storefront_combo.currentData()
        store_id = None
        if front is not None:
            connection_id, store_id = front
        previous = self.model.order_filter
        search = self.search_edit.text().strip()
        if len(search) < 2 and not search.isdigit():
            search = ""  # one letter matches nearly every order: wait for the second
        return OrderFilter(view=key if kind == "view" else ALL,
                           tag=key if kind == "tag" else None,
                           connection_id=connection_id, store_id=store_id,
                           search=search, sort=previous.sort,
                           descending=previous.descending)

    @Slot()
    def apply_filter(self) -> None:
        self._search_timer.stop()
        order_filter = self.current_filter()
        text = self.search_edit.text().strip()
        typed, self._applied_text = text != self._applied_text, text
        if order_filter != self.model.order_filter or not self.model.rowCount():
            self._requery(lambda: self.model.set_filter(order_filter), keep_scroll=False)
        if typed:  # counted when the typing pauses: the db pool answers the keystrokes first
            self._counts_timer.start()
        else:
            self.refresh_counts()

    def _requery(self, run: Callable[[], None], *, keep_scroll: bool = True) -> None:
        """Re-run the view's query keeping the selected orders (and the scroll position)."""
        selected = self.selected_order_pks()
        current = self.current_order_pk()
        top_pk = None
        if keep_scroll:
            top = self.table.rowAt(0)
            top_pk = self.model.order_pk(top) if top >= 0 else None
        self._restore_after = (selected, current, top_pk)
        run()  # the rows change when the first ids are back: _requeried

    @Slot(int)
    def _requeried(self, _rows: int) -> None:
        state, self._restore_after = self._restore_after, None
        if state is None:  # a header click: the selection stayed on its orders
            return
        selected, current, top_pk = state
        self._restore_view(selected, current, top_pk)
        wanted = [pk for pk in (*selected, current, top_pk) if pk is not None]
        # Orders beyond the first rows come back when the whole view has loaded.
        self._pending_restore = ((selected, current, top_pk)
                                 if any(self.model.row_of(pk) is None for pk in wanted)
                                 and not self.model.is_complete() else None)

    @Slot(int)
    def _rows_completed(self, rows: int) -> None:
        pending, self._pending_restore = self._pending_restore, None
        if pending is not None:
            self._restore_view(*pending)
        self.count_label.setText(self.tr("%n order(s)", "", rows))

    def _restore_view(self, selected: list[int], current: int | None,
                      top_pk: int | None) -> None:
        selection = QItemSelection()
        last = self.model.columnCount() - 1
        rows = sorted(row for pk in selected if (row := self.model.row_of(pk)) is not None)
        for first, final in row_runs(rows):  # one range per run: select-all stays one range
            selection.select(self.model.index(first, 0), self.model.index(final, last))
        selection_model = self.table.selectionModel()
        selection_model.blockSignals(True)
        selection_model.select(selection, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        current_row = self.model.row_of(current) if current is not None else None
        if current_row is not None:
            selection_model.setCurrentIndex(self.model.index(current_row, 0),
                                            QItemSelectionModel.SelectionFlag.NoUpdate)
        selection_model.blockSignals(False)
        if top_pk is not None and (row := self.model.row_of(top_pk)) is not None:
            self.table.scrollTo(self.model.index(row, 0),
                                QAbstractItemView.ScrollHint.PositionAtTop)
        elif current_row is not None:
            self.table.scrollTo(self.model.index(current_row, 0))
        else:
            self.table.scrollToTop()
        self._selection_changed()
        self._update_empty_label()
        self.count_label.setText(self.tr("%n order(s)", "", self.model.rowCount()))
        shown = self.detail.detail.order.order_pk if self.detail.detail else None
        if current_row is None and (shown is not None or self._detail_wanted is not None):
            self._detail_wanted = None
            self.detail.show_order(None)
        elif current is not None and current_row is not None:
            self.show_order(current)

    def _update_empty_label(self) -> None:
        empty = self.model.rowCount() == 0
        if empty:
            if not self._connections:
                text = self.tr("No store connected yet.\nOpen File → Connections (%1) "
                               "to add one.").replace("%1", CONNECTIONS_KEYS)
            elif self.search_edit.text().strip():
                text = self.tr("No orders match the search.")
            else:
                text = self.tr("No orders in this view.")
            self.empty_label.setText(text)
            self.empty_label.resize(self.table.viewport().size())
        self.empty_label.setVisible(empty)

    @Slot()
    def _connection_changed(self, *_args) -> None:
        self._reload_storefronts()
        self.apply_filter()

    @Slot()
    def _storefront_changed(self, *_args) -> None:
        self.apply_filter()

    @Slot()
    def focus_search(self) -> None:
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_edit.selectAll()

    @Slot()
    def clear_search(self) -> None:
        self.search_edit.clear()
        self.apply_filter()
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.search_edit and event.type() == QEvent.Type.KeyPress:
            key = event.key()  # type: ignore[attr-defined]
            if key == Qt.Key.Key_Escape:
                self.clear_search()
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Down):
                self.apply_filter()  # no need to wait for the debounce
                self.table.setFocus(Qt.FocusReason.OtherFocusReason)
                if self.current_order_pk() is None and self.model.rowCount():
                    self.table.selectRow(0)
                return True
        if watched is self.table.viewport():
            if event.type() == QEvent.Type.Resize:
                self.empty_label.resize(self.table.viewport().size())
            elif event.type() == QEvent.Type.Paint and not self._first_paint_reported \
                    and self.model.rowCount():
                self._first_paint_reported = True  # rows are fetched while this paint runs
                QTimer.singleShot(0, self._report_first_paint)
        return super().eventFilter(watched, event)

    @Slot()
    def _report_first_paint(self) -> None:
        if self.model.cached_rows():
            self.first_rows_painted.emit(time.time())
        else:  # that paint drew no rows (e.g. covered): wait for the next one
            self._first_paint_reported = False

    def selected_order_pks(self) -> list[int]:
        # From the selection's row ranges: select-all of 100,000 orders is one range, where
        # selectedRows() made 100,000 indexes on the GUI thread (2.6 s).
        selection = self.table.selectionModel().selection()
        spans = [selection.at(n) for n in range(selection.size())]
        rows = sorted({r for span in spans for r in range(span.top(), span.bottom() + 1)})
        return [pk for r in rows if (pk := self.model.order_pk(r)) is not None]

    def current_order_pk(self) -> int | None:
        index = self.table.selectionModel().currentIndex()
        return self.model.order_pk(index.row()) if index.isValid() else None

    def select_order(self, order_pk: int) -> bool:
        row = self.model.row_of(order_pk)
        if row is None:
            return False
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0))
        return True

    @Slot()
    def _current_row_changed(self, current, _previous) -> None:
        pk = current.data(ORDER_PK_ROLE) if current.isValid() else None
        if pk is None:
            self._detail_wanted = None
            self.detail.show_order(None)
        else:
            self.show_order(pk)

    def show_order(self, order_pk: int) -> None:
        """Read the order's detail on the db pool and show it (unless another order was
        chosen meanwhile)."""
        self._detail_wanted = order_pk
        self._runner.submit(
            DB, self._context.order_list.detail, order_pk,
            on_result=lambda detail: self._detail_loaded(order_pk, detail),
            on_error=lambda exc: log.warning("Order %s not read: %s", order_pk, exc))

    def _detail_loaded(self, order_pk: int, detail: object) -> None:
        if order_pk != self._detail_wanted:
            return  # an older click's answer
        self.detail.show_order(cast(OrderDetail | None, detail))
        if detail is not None:
            self.order_shown.emit(order_pk)

    @Slot()
    def _selection_changed(self, *_args) -> None:
        has = self.table.selectionModel().hasSelection()  # rows are selected whole
        for action in (self.add_tag_action, self.remove_tag_action, self.hold_action,
                       self.print_action, self.pick_list_action, self.pack_action):
            action.setEnabled(has)

    @Slot()
    def _row_activated(self, index) -> None:
        pk = index.data(ORDER_PK_ROLE)
        if pk is not None:
            self.open_packing(pk)

    def default_columns(self, width: int) -> None:
        """Every column on a wide window; on a narrow one the columns a packer needs to pick
        an order (the rest stay a right-click on the header away)."""
        header = self.table.horizontalHeader()
        for key in NARROW_HIDDEN_COLUMNS:
            index = self.model.column_index(key)
            if index is not None:
                header.setSectionHidden(index, width < NARROW_WIDTH)

    @Slot(object)
    def _column_menu(self, position) -> None:
        """Right-click on the header: show or hide columns."""
        from PySide6.QtWidgets import QMenu

        header = self.table.horizontalHeader()
        menu = QMenu(self)
        for index in range(self.model.columnCount()):
            title = str(self.model.headerData(index, Qt.Orientation.Horizontal,
                                              Qt.ItemDataRole.DisplayRole))
            action = menu.addAction(title)
            action.setCheckable(True)
            action.setChecked(not header.isSectionHidden(index))
            action.setEnabled(index != 0)  # the order number always shows
            action.toggled.connect(lambda on, i=index: header.setSectionHidden(i, not on))
        self.column_menu = menu
        menu.popup(header.mapToGlobal(position))


class SortHeader(QHeaderView):
    """The order list's header, with the sort arrow the way packers read it: newest first
    (descending) points down, ascending points up. QHeaderView draws Qt's opposite convention
    (AscendingOrder as SortDown), which reads as reversed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)

    def initStyleOptionForIndex(self, option, logical_index: int) -> None:  # noqa: N802
        super().initStyleOptionForIndex(option, logical_index)
        flip = {QStyleOptionHeader.SortIndicator.SortUp:
                QStyleOptionHeader.SortIndicator.SortDown,
                QStyleOptionHeader.SortIndicator.SortDown:
                QStyleOptionHeader.SortIndicator.SortUp}
        option.sortIndicator = flip.get(option.sortIndicator, option.sortIndicator)


def row_runs(rows: list[int]) -> list[tuple[int, int]]:
    """Sorted rows as (first, last) runs of consecutive rows: [1, 2, 3, 7] -> [(1, 3), (7, 7)]."""
    runs: list[tuple[int, int]] = []
    for row in rows:
        if runs and row == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], row)
        else:
            runs.append((row, row))
    return runs
