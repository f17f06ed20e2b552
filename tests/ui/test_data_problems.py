"""The "Store data problems" list reached from the sync status (issue 13.2), offscreen."""
from __future__ import annotations

from PySide6.QtCore import Qt

from app.domain.data_problems import SkippedOrder
from app.services.sync import SyncResult
from app.ui.widgets.data_problems import DataProblemsButton, DataProblemsDialog
from app.ui.windows.main_window import MainWindow
from tests.ui.helpers import connect_and_sync


def test_skipped_orders_show_from_the_status_bar_and_list_with_reasons(
        qtbot, ui_context, sync_runner, qsettings, sandbox):
    expected = sorted(sandbox.control.order(i)["id"] for i in (100118, 100119))
    sandbox.control.poison_order(expected[0], "text_line")
    sandbox.control.poison_order(expected[1], "null_order")
    connection_id = connect_and_sync(ui_context, sandbox)
    window = MainWindow(ui_context, sync_runner, settings=qsettings, auto_sync=False)
    qtbot.addWidget(window)
    window.show()
    button = window.data_problems
    # read at start-up through the sync service, on the runner's database pool
    assert button.isVisible() and "2 store data problem" in button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    dialog = button.dialog
    assert isinstance(dialog, DataProblemsDialog) and dialog.isVisible()
    cells = {(dialog.table.item(r, 1).text(), dialog.table.item(r, 2).text())
             for r in range(dialog.table.rowCount())}
    assert (str(expected[0]), "its lines (items): entry 1 is the text 'x'") in cells
    assert ("(no id)", "the orders list holds empty (null) instead of an order") in cells
    dialog.close()
    # the store mends them: the next sync's result empties the list
    sandbox.control.clear_poison()
    sandbox.control.update_order(expected[0], admin_comments="fixed")
    with qtbot.waitSignal(window.sync.sync_finished, timeout=30_000):
        window.sync_now()
    assert ui_context.sync.skipped_orders(connection_id) == []
    assert not button.isVisible()


def test_store_text_is_shown_as_plain_text(qtbot, sync_runner):
    button = DataProblemsButton(sync_runner, lambda _cid: [])
    qtbot.addWidget(button)
    result = SyncResult(1, "Main", 1, "incremental", orders_skipped=[
        {"order_id": 7, "reason": "line 1 (<b>X</b>): quantity missing"}])
    button.show_result(result)
    button.open_list()
    item = button.dialog.table.item(0, 2)
    assert item.text() == "line 1 (<b>X</b>): quantity missing"
    failed = SyncResult(1, "Main", 2, "incremental", outcome="failed")
    button.show_result(failed)  # a failed run knows nothing new
    assert button.problems == {"Main": [SkippedOrder(7, "line 1 (<b>X</b>): quantity missing")]}
