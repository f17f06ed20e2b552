""""Store data problems": orders the store sent in a shape PackDesk cannot read.

A status-bar button shows how many there are and opens a small list (connection, order,
reason). The list comes from the sync service: from each sync's result as it arrives, and once
at start-up on the database pool (never read on the GUI thread). Store text is shown as plain
text, never markup.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.data_problems import SkippedOrder
from app.services.sync import SyncResult
from app.ui.tasks import DB

# connection name -> its skipped orders
Problems = dict[str, list[SkippedOrder]]


class DataProblemsDialog(QDialog):
    def __init__(self, problems: Mapping[str, Sequence[SkippedOrder]],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dataProblemsDialog")
        self.setWindowTitle(self.tr("Store data problems"))
        rows = [(name, p) for name, items in sorted(problems.items()) for p in items]
        intro = QLabel(self.tr(
            "The store sent these orders in a shape PackDesk cannot read, so they are not in "
            "the order list. Every sync reads them again; once the store sends them whole they "
            "appear like any other order. Fixing or re-saving the order in the store's admin "
            "usually helps."))
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.PlainText)
        self.table = QTableWidget(len(rows), 3, self)
        self.table.setObjectName("dataProblemsTable")
        self.table.setHorizontalHeaderLabels(
            [self.tr("Connection"), self.tr("Order"), self.tr("Why it was skipped")])
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        for row, (name, problem) in enumerate(rows):
            number = str(problem.order_id) if problem.order_id is not None \
                else self.tr("(no id)")
            for column, text in enumerate((name, number, problem.reason)):
                item = QTableWidgetItem(text)  # plain text: store data is never markup
                item.setToolTip(text)
                self.table.setItem(row, column, item)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, parent=self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(760, 360)


class DataProblemsButton(QToolButton):
    """Status-bar entry to the list; hidden while there is nothing to show."""

    def __init__(self, runner, skipped_orders: Callable[[int], list[SkippedOrder]],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dataProblemsButton")
        self.setAutoRaise(True)
        self.setToolTip(self.tr("Orders the store sent in a shape PackDesk cannot read"))
        self._runner = runner
        self._skipped_orders = skipped_orders  # the sync service's, run on the DB pool
        self.problems: Problems = {}
        self.dialog: DataProblemsDialog | None = None
        self.clicked.connect(self.open_list)
        self._show()

    def refresh(self, connections: Mapping[int, str]) -> None:
        """Read the kept lists of these connections (id -> name) on the database pool."""
        names = dict(connections)
        self._runner.submit(DB, lambda: {name: self._skipped_orders(cid)
                                         for cid, name in names.items()},
                            on_result=self._loaded)

    @Slot(object)
    def _loaded(self, problems: object) -> None:
        assert isinstance(problems, dict)
        self.problems = problems
        self._show()

    def show_result(self, result: SyncResult) -> None:
        """A finished sync's list replaces that connection's (failed runs say nothing new)."""
        if result.outcome != "ok":
            return
        self.problems[result.connection_name] = [
            SkippedOrder(s["order_id"], s["reason"]) for s in result.orders_skipped]
        self._show()

    def _show(self) -> None:
        count = sum(len(items) for items in self.problems.values())
        self.setText(self.tr("⚠ %n store data problem(s)", "", count))
        self.setVisible(count > 0)

    @Slot()
    def open_list(self) -> None:
        self.dialog = DataProblemsDialog(self.problems, self.window())
        self.dialog.open()
