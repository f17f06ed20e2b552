"""What the parts of the orders workspace share, for the type checker only.

MainWindow (main_window.py) is put together from mixins, one per seam of the window
(order_list_area, view_sidebar, marks_actions, sync_status, menus); they share the window's
state, which MainWindow.__init__ sets. Each mixin derives from WorkspaceParts when type
checking and from object at run time.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from PySide6.QtCore import QSettings, QTimer
    from PySide6.QtWidgets import (
        QComboBox,
        QLabel,
        QLineEdit,
        QListWidget,
        QMainWindow,
        QSplitter,
        QTableView,
    )

    from app.context import AppContext
    from app.domain.connection_settings import StatusInfo
    from app.services.marks import MarksService
    from app.services.order_list import ConnectionRecord
    from app.ui.models.order_table import OrderTableModel
    from app.ui.sync_controller import SyncController
    from app.ui.tasks import TaskRunner
    from app.ui.widgets.order_detail import OrderDetailPane

    class WorkspaceParts(QMainWindow):
        _context: AppContext
        _runner: TaskRunner
        _settings: QSettings
        _marks: MarksService
        _connections: dict[int, ConnectionRecord]
        _statuses: dict[int, list[StatusInfo]]
        _restore_after: tuple[list[int], int | None, int | None] | None
        _pending_restore: tuple | None
        _detail_wanted: int | None
        _reference_pending: int
        _search_timer: QTimer
        _counts_timer: QTimer
        _applied_text: str
        _first_paint_reported: bool
        _counts_pending: bool
        _counts_stale: bool
        model: OrderTableModel
        sync: SyncController
        table: QTableView
        view_list: QListWidget
        search_edit: QLineEdit
        connection_combo: QComboBox
        storefront_combo: QComboBox
        empty_label: QLabel
        count_label: QLabel
        detail: OrderDetailPane
        splitter: QSplitter

        # The rest (each part's widgets, actions and methods) is typed where it is defined.
        def __getattr__(self, name: str) -> Any: ...
