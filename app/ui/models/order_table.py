"""The order list: ordered ids from SQL, rows rendered lazily from a small cache.

After Anki's browser table (qt/aqt/browser/table/model.py): the view's ids come from one SQL
query (filter and sort included), and the cells of a row are fetched only when Qt asks to paint
it — a block of rows around it in one query. Sorting is a new query, never a proxy model, so
100,000 orders cost one id list, not 100,000 row objects.

Every query runs on the db pool (`background`), never on the GUI thread: a row asked for
before its block has arrived is blank for the moment, and repainted when the block is in.
"""
from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Protocol

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont

from app.domain.connection_settings import StatusInfo
from app.services.order_list import (
    NEW,
    PACKED,
    PACKING,
    SHIPPED,
    STATE_FLAGGED,
    STATE_ON_HOLD,
    WAITING_TO_PUSH,
    OrderFilter,
    OrderRow,
    ViewIds,
)

BLOCK = 120  # rows fetched per query around the one being painted
FIRST_ROWS = 400  # ids fetched at once on a new query; the rest arrive from the db thread
# The complete id list waits for the typing to pause: fetching 100,000 ids per keystroke on
# the db thread would compete with the next keystroke for the interpreter.
FULL_LOAD_DELAY_MS = 150

# Runs a query off the GUI thread and hands its result back on it
# (work on the db thread, its result to the GUI thread); None from the work: an outdated query
Background = Callable[[Callable[[], Any], Callable[[Any], None]], object]
CACHE_LIMIT = 2_000  # rows kept; far more than a screen, tiny next to 100,000

ORDER_PK_ROLE = Qt.ItemDataRole.UserRole + 1


class OrderSource(Protocol):
    """The reads the model makes (app.services.order_list.OrderListService), on the db pool."""

    def first_ids(self, order_filter: OrderFilter, statuses: dict[int, list[StatusInfo]],
                  limit: int, rows: int) -> ViewIds: ...

    def ids(self, order_filter: OrderFilter, statuses: dict[int, list[StatusInfo]],
            limit: int | None = None) -> list[int]: ...

    def rows(self, order_pks: Sequence[int]) -> dict[int, OrderRow]: ...


def tr(text: str) -> str:
    return QCoreApplication.translate("OrderTable", text)


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    sort: str | None  # OrderQueries sort key; None = not sortable
    numeric: bool = False
    width: int = 110


def columns() -> list[Column]:
    return [
        Column("number", tr("Order"), "order", width=92),
        Column("date", tr("Date"), "date", width=120),
        Column("storefront", tr("Storefront"), "storefront", width=112),
        Column("customer", tr("Customer"), "customer", width=140),
        Column("ship_to", tr("Ship to"), "city", width=130),
        Column("units", tr("Units"), "units", numeric=True, width=46),
        Column("weight", tr("Weight"), "weight", numeric=True, width=58),
        Column("method", tr("Shipping method"), "method", width=150),
        Column("status", tr("Store status"), "status", width=130),
        Column("state", tr("State"), "state", width=90),
    ]


def state_labels() -> dict[str, str]:
    return {NEW: tr("new"), PACKING: tr("packing"), PACKED: tr("packed"),
            SHIPPED: tr("shipped"), WAITING_TO_PUSH: tr("waiting to push"),
            STATE_FLAGGED: tr("flagged"), STATE_ON_HOLD: tr("on hold")}


_STATE_COLOURS = {STATE_FLAGGED: "#b3261e", STATE_ON_HOLD: "#9a6700",
                  WAITING_TO_PUSH: "#0b57d0", PACKING: "#1f7a3a", PACKED: "#1f7a3a",
                  SHIPPED: "#5f6368"}


def format_date(moment: datetime | None) -> str:
    if moment is None:
        return ""
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


class OrderTableModel(QAbstractTableModel):
    """Rows of one view of the cache; `set_filter` and `sort` re-query the ids."""

    requeried = Signal(int)  # rows in the view after a query (the first rows, at first)
    rows_completed = Signal(int)  # the whole view is loaded

    def __init__(self, source: OrderSource,
                 statuses: Callable[[], dict[int, list[StatusInfo]]], parent=None, *,
                 background: Background, prefetch: int = 0,
                 bulk: Background | None = None) -> None:
        super().__init__(parent)
        # A view's complete id list may take a while on 100,000 orders: with `bulk` it is read
        # beside `background`, so the next keystroke's first ids do not wait for it.
        self._bulk = bulk or background
        self._prefetch = min(prefetch, FIRST_ROWS)  # rows read with a query's first ids
        self._source = source
        self._statuses = statuses
        self._background = background
        self._generation = 0
        self._querying = False  # a query's first ids are on their way
        self._row_generation = 0  # bumped when cached rows are dropped: late blocks are stale
        self._fetching: set[int] = set()  # pks whose block is on its way
        self._fetching_inline = False
        self._pending_full: tuple | None = None
        self._full_timer = QTimer(self)
        self._full_timer.setSingleShot(True)
        self._full_timer.setInterval(FULL_LOAD_DELAY_MS)
        self._full_timer.timeout.connect(self._load_the_rest)
        self._columns = columns()
        self._states = state_labels()
        self._filter = OrderFilter()
        self._ids: list[int] = []
        self._row_of: dict[int, int] | None = None  # built on demand
        self._cache: OrderedDict[int, OrderRow] = OrderedDict()
        self._bold = QFont()
        self._bold.setBold(True)
        self._brushes = {k: QBrush(QColor(v)) for k, v in _STATE_COLOURS.items()}
        self._texts: dict[int, tuple[str, ...]] = {}  # order pk -> cell texts of the row
        self._alignments = [int((Qt.AlignmentFlag.AlignRight if c.numeric
                                 else Qt.AlignmentFlag.AlignLeft) | Qt.AlignmentFlag.AlignVCenter)
                            for c in self._columns]
        self.queries_run = 0  # for tests and the benchmark
        self._populated = False
        self._complete = True

    # --- querying ---------------------------------------------------------------------------

    @property
    def order_filter(self) -> OrderFilter:
        return self._filter

    def set_filter(self, order_filter: OrderFilter) -> None:
        self._filter = order_filter
        self.requery()

    def requery(self) -> None:
        """Run the view's query again (after a sync, a tag change...); rows refetch lazily.
        The rows change when the first ids are back from the db pool (`requeried`)."""
        self._populated = True
        self._start_query(self._reset_to)

    def _reset_to(self, first: ViewIds) -> None:
        self.beginResetModel()
        self._ids = first.ids
        self._row_of = None
        self._forget_rows()
        self._keep_rows(first.rows)
        self.endResetModel()
        self.requeried.emit(len(first.ids))
        self._finish_if_complete(len(first.ids))

    def _start_query(self, then: Callable[[ViewIds], None]) -> None:
        """The first screenfuls (and the rows of the first) with LIMIT, milliseconds on an
        indexed sort column; the complete id list afterwards, appended when it arrives. A
        keystroke or a header click thus never waits for 100,000 ids."""
        self._generation += 1
        self.queries_run += 1
        self._querying = True
        generation, order_filter, statuses = self._generation, self._filter, self._statuses()

        def first() -> ViewIds | None:  # on the db thread: typing queues one per keystroke
            if generation != self._generation:
                return None
            return self._source.first_ids(order_filter, statuses, FIRST_ROWS, self._prefetch)

        def arrived(found: ViewIds | None) -> None:
            if found is None or generation != self._generation:
                return  # a newer query has replaced this one
            self._querying = False
            self._complete = found.complete
            if not found.complete:
                self._pending_full = (generation, order_filter, statuses)
                self._full_timer.start()
            then(found)
        self._background(first, arrived)

    def is_querying(self) -> bool:
        """True from a new query until its first ids are shown."""
        return self._querying

    def _load_the_rest(self) -> None:
        if self._pending_full is None:
            return
        generation, order_filter, statuses = self._pending_full
        self._pending_full = None
        self._bulk(lambda: self._full_ids(generation, order_filter, statuses),
                   lambda ids: self._completed(generation, ids))

    def _full_ids(self, generation: int, order_filter: OrderFilter,
                  statuses: dict[int, list[StatusInfo]]) -> list[int] | None:
        """On the db thread. Typing queues a query per keystroke: skip the outdated ones."""
        if generation != self._generation:
            return None
        return self._source.ids(order_filter, statuses)

    def _finish_if_complete(self, rows: int) -> None:
        if self._complete:
            self.rows_completed.emit(rows)

    def _completed(self, generation: int, ids: list[int] | None) -> None:
        if ids is None or generation != self._generation:
            return  # a newer query has replaced this one
        have = len(self._ids)
        if ids[:have] == self._ids:
            if len(ids) > have:
                self.beginInsertRows(QModelIndex(), have, len(ids) - 1)
                self._ids = ids
                self._row_of = None
                self.endInsertRows()
        else:  # the cache changed in between: same view, new order
            self._replace_ids(ids)
        self._complete = True
        self.rows_completed.emit(len(ids))

    def _replace_ids(self, ids: list[int]) -> None:
        """New ids for the same view, keeping persistent indexes (selection) on their orders."""
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        kept = [(p, self._ids[p.row()]) for p in persistent if 0 <= p.row() < len(self._ids)]
        self._ids = ids
        self._row_of = None
        self._forget_rows()
        rows = self._rows_by_pk()
        for p, pk in kept:
            row = rows.get(pk)
            self.changePersistentIndex(p, self.index(row, p.column()) if row is not None
                                       else QModelIndex())
        self.layoutChanged.emit()

    def is_complete(self) -> bool:
        return self._complete

    def refresh_rows(self) -> None:
        """Same ids, fresh cells (a row's tags or hold changed)."""
        self._forget_rows()
        if self._ids:
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(len(self._ids) - 1, len(self._columns) - 1))

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = self._columns[column].sort if 0 <= column < len(self._columns) else None
        if key is None:
            return
        descending = order == Qt.SortOrder.DescendingOrder
        if key == self._filter.sort and descending == self._filter.descending:
            return
        if not self._populated:  # header state restored before the first query: remember it
            self._filter = replace(self._filter, sort=key, descending=descending)
            return
        self._filter = replace(self._filter, sort=key, descending=descending)
        self._start_query(self._sorted)

    def _sorted(self, first: ViewIds) -> None:
        self._replace_ids(first.ids)
        self._keep_rows(first.rows)
        self.requeried.emit(len(self._ids))
        self._finish_if_complete(len(self._ids))

    def sort_column(self) -> int:
        return next((i for i, c in enumerate(self._columns) if c.sort == self._filter.sort), 1)

    # --- lookups ----------------------------------------------------------------------------

    def order_pk(self, row: int) -> int | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def order_pks(self) -> Sequence[int]:
        return self._ids

    def row_of(self, order_pk: int) -> int | None:
        return self._rows_by_pk().get(order_pk)

    def _rows_by_pk(self) -> dict[int, int]:
        if self._row_of is None:
            self._row_of = {pk: i for i, pk in enumerate(self._ids)}
        return self._row_of

    def column_key(self, column: int) -> str:
        return self._columns[column].key

    def column_count_default_widths(self) -> list[int]:
        return [c.width for c in self._columns]

    def column_index(self, key: str) -> int | None:
        return next((i for i, c in enumerate(self._columns) if c.key == key), None)

    def cached_rows(self) -> int:
        return len(self._cache)

    def _forget_rows(self) -> None:
        self._cache.clear()
        self._texts.clear()
        self._fetching.clear()
        self._row_generation += 1

    def _keep_rows(self, rows: dict[int, OrderRow]) -> None:
        for key, value in rows.items():
            self._cache[key] = value
            # Cell texts once per fetched row: Qt asks for them on every repaint.
            self._texts[key] = tuple(self._text(c.key, value) for c in self._columns)
        while len(self._cache) > CACHE_LIMIT:
            self._texts.pop(self._cache.popitem(last=False)[0], None)

    def _row(self, row: int) -> OrderRow | None:
        pk = self._ids[row]
        found = self._cache.get(pk)
        if found is not None or pk in self._fetching:
            return found
        # Fetch a block around the painted row: scrolling and arrow keys hit the cache.
        start = max(0, row - BLOCK // 4)
        block = [p for p in self._ids[start:start + BLOCK]
                 if p not in self._cache and p not in self._fetching]
        self._fetching.update(block)
        generation = self._row_generation
        self._fetching_inline = True  # a synchronous runner delivers before submit returns
        try:
            self._background(lambda: self._source.rows(block),
                             lambda rows: self._rows_arrived(generation, block, rows))
        finally:
            self._fetching_inline = False
        return self._cache.get(pk)

    def _rows_arrived(self, generation: int, block: list[int],
                      rows: dict[int, OrderRow]) -> None:
        if generation != self._row_generation:
            return  # the rows were dropped meanwhile (a requery): they are asked again
        self._fetching.difference_update(block)
        self._keep_rows(rows)
        if self._fetching_inline:
            return  # delivered inside data(): the caller reads them from the cache
        where = self._rows_by_pk()
        shown = [r for pk in rows if (r := where.get(pk)) is not None]
        if shown:
            self.dataChanged.emit(self.index(min(shown), 0),
                                  self.index(max(shown), len(self._columns) - 1))

    # --- Qt model interface -----------------------------------------------------------------

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex | None = None) -> int:
        return 0 if parent is not None and parent.isValid() else len(self._ids)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex | None = None) -> int:
        return 0 if parent is not None and parent.isValid() else len(self._columns)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self._columns):
            return None
        column = self._columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.title
        if role == Qt.ItemDataRole.TextAlignmentRole and column.numeric:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable \
            | Qt.ItemFlag.ItemNeverHasChildren

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._ids) \
                or not 0 <= index.column() < len(self._columns):
            return None
        if role == ORDER_PK_ROLE:
            return self._ids[index.row()]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return self._alignments[index.column()]
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole,
                        Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.FontRole):
            return None
        column = self._columns[index.column()]
        row = self._row(index.row())
        if row is None:  # deleted since the query (a connection removed): blank until requery
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._texts[row.order_pk][index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            if column.key == "state":
                return row.flag_reason or row.hold_reason or None
            return self._texts[row.order_pk][index.column()] or None
        if role == Qt.ItemDataRole.ForegroundRole and column.key == "state":
            return self._brushes.get(row.local_state)
        if role == Qt.ItemDataRole.FontRole and column.key == "number" \
                and row.local_state in (STATE_FLAGGED, STATE_ON_HOLD):
            return self._bold
        return None

    def _text(self, key: str, row: OrderRow) -> str:
        if key == "number":
            return row.number
        if key == "date":
            return format_date(row.ordered_at)
        if key == "storefront":
            return row.storefront
        if key == "customer":
            return row.customer
        if key == "ship_to":
            return ", ".join(p for p in (row.ship_city, row.ship_country) if p)
        if key == "units":
            return str(row.units)
        if key == "weight":
            return f"{row.weight:.2f}" if row.weight else ""
        if key == "method":
            return row.shipping_method
        if key == "status":
            return row.status
        if key == "state":
            return self._states.get(row.local_state, row.local_state)
        return ""
