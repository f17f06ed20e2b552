"""The orders workspace against the sandbox over real HTTP, offscreen."""
from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication, QInputDialog, QLabel, QLineEdit

from app.db.repositories.order_queries import ALL, ATTENTION
from app.domain.status_rules import StatusView
from app.ui.windows.main_window import MainWindow
from app.ui.windows.order_list_area import row_runs
from tests.integration.test_marks import _orders
from tests.ui.helpers import connect_and_sync, first_pk


def _window(qtbot, context, runner, settings, **kw) -> MainWindow:
    window = MainWindow(context, runner, settings=settings, auto_sync=kw.pop("auto_sync", False),
                        **kw)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitActive(window)
    qtbot.waitUntil(lambda: not window.is_loading())  # read on the db pool
    return window


def _add_connection_in_dialog(qtbot, window, sandbox) -> int:
    window.open_connections()
    dialog = window.connections_dialog
    # Typed into the dialog once it is the active window, as a person would (while the
    # workspace is active, a fast burst of keys is a scan its scanner listener takes).
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    qtbot.keyClicks(dialog.store.address_edit, sandbox.domain)
    qtbot.keyClicks(dialog.store.token_edit, sandbox.token)
    with qtbot.waitSignal(dialog.store_checked, timeout=10_000):
        qtbot.mouseClick(dialog.store.test_button, Qt.MouseButton.LeftButton)
    assert dialog.store.test_result.text().startswith("Connected to")
    dialog.store.name_edit.setText("Sandbox")
    dialog.import_rules.prefix_edit.setText("SB-")
    with qtbot.waitSignal(dialog.saved, timeout=15_000) as saved:
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.views.views_table.rowCount() > 5  # statuses loaded for the mapping table
    dialog.close()
    qtbot.waitUntil(lambda: not dialog.isVisible())
    window.raise_()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.waitUntil(lambda: not window.is_loading())  # the new connection, read on the db pool
    return saved.args[0]


def test_add_connection_sync_search_and_read_an_order(qtbot, ui_context, runner, qsettings,
                                                      sandbox):
    window = _window(qtbot, ui_context, runner, qsettings)
    assert window.empty_label.isVisible() and "No store connected" in window.empty_label.text()
    connection_id = _add_connection_in_dialog(qtbot, window, sandbox)

    progress = []
    window.sync.sync_progressed.connect(progress.append)
    with qtbot.waitSignal(window.sync.sync_finished, timeout=30_000) as finished:
        with qtbot.waitSignal(window.sync.sync_started):  # the connections read on the db pool
            qtbot.keyClick(window, Qt.Key.Key_F5)
        assert window.sync.running == {connection_id}
        assert window.progress_bar.isVisible()
    result = finished.args[0]
    assert result.outcome == "ok" and result.connection_id == connection_id
    assert any(p.phase == "orders" and p.orders_total for p in progress)
    assert not window.progress_bar.isVisible()
    # the last-sync line is read on the db pool, not the GUI thread
    qtbot.waitUntil(lambda: "Sandbox synced" in window.last_sync_label.text())
    window.select_view("view", "all")
    qtbot.waitUntil(lambda: window.model.rowCount() == ui_context.storage.repos.orders.count())
    qtbot.waitUntil(lambda: window.view_counts()[("view", "all")].endswith(
        f"({window.model.rowCount()})"))

    # Search: Ctrl+F focuses the box, typing re-queries after the debounce, Esc clears.
    pk = first_pk(ui_context, "special_instructions LIKE '%<%'")
    order = ui_context.storage.repos.orders.get(pk)
    everything = window.model.rowCount()
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.search_edit.hasFocus()
    qtbot.keyClicks(window.search_edit, f"SB-{order.snapshot.order_id}")
    qtbot.waitUntil(lambda: window.model.order_pks() == [pk], timeout=3000)
    qtbot.keyClick(window.search_edit, Qt.Key.Key_Escape)
    assert window.search_edit.text() == ""
    qtbot.waitUntil(lambda: window.model.rowCount() == everything)  # ids read on the db pool

    # The detail pane shows store text literally.
    with qtbot.waitSignal(window.order_shown):
        assert window.select_order(pk)
    note = window.detail.fields["customer_note"]
    assert note.text() == order.snapshot.special_instructions and "<" in note.text()
    assert note.isVisible()
    labels = window.detail.findChildren(QLabel)
    assert labels and all(label.textFormat() == Qt.TextFormat.PlainText
                          for label in labels if label.text() and label.parent()
                          and label in window.detail.fields.values())
    assert window.detail.number_label.text() == f"SB-{order.snapshot.order_id}"
    assert window.detail.lines_table.rowCount() == len(order.snapshot.lines)
    assert window.detail.detail.admin_url.endswith(f"orderid={order.snapshot.order_id}")
    # Keyboard: arrows move through the list and the pane follows.
    window.table.setFocus()
    with qtbot.waitSignal(window.order_shown):
        qtbot.keyClick(window.table, Qt.Key.Key_Down)


def test_offline_store_shows_a_badge_and_recovers(qtbot, ui_context, runner, qsettings,
                                                  sandbox):
    connect_and_sync(ui_context, sandbox)
    window = _window(qtbot, ui_context, runner, qsettings)
    rows = window.model.rowCount()
    assert rows > 0 and not window.offline_label.isVisible()
    port = sandbox.port
    sandbox.stop()
    with qtbot.waitSignal(window.sync.offline_changed, timeout=30_000) as changed:
        window.sync_now()
    assert changed.args[1] is True
    assert window.offline_label.isVisible() and "Sandbox" in window.offline_label.text()
    # Still usable on the cache: views, search and the detail pane work.
    assert window.model.rowCount() == rows
    with qtbot.waitSignal(window.order_shown):  # the detail is read on the db pool
        assert window.select_order(window.model.order_pk(0))
    assert window.detail.detail is not None

    sandbox.config.port = port
    sandbox.start()
    with qtbot.waitSignal(window.sync.offline_changed, timeout=30_000) as changed:
        window.sync_now()
    assert changed.args[1] is False
    assert not window.offline_label.isVisible()


def test_tags_and_holds_for_a_multi_row_selection(qtbot, ui_context, sync_runner, qsettings,
                                                  sandbox):
    connect_and_sync(ui_context, sandbox)
    window = _window(qtbot, ui_context, sync_runner, qsettings)
    window.select_view("view", StatusView.AWAITING_SHIPMENT.value)
    window.table.selectRow(0)
    window.table.selectionModel().select(
        window.model.index(1, 0), window.table.selectionModel().SelectionFlag.Select
        | window.table.selectionModel().SelectionFlag.Rows)
    pks = window.selected_order_pks()
    assert len(pks) == 2 and window.add_tag_action.isEnabled()
    window.tag_orders(pks, "rush")
    assert window.view_counts()[("tag", "rush")].endswith("(2)")
    window.select_view("tag", "rush")
    assert sorted(window.model.order_pks()) == sorted(pks)

    window.hold_orders(pks, "Waiting for stock",
                       datetime.now(UTC) + timedelta(days=2))
    window.select_view("view", StatusView.AWAITING_SHIPMENT.value)
    assert not set(pks) & set(window.model.order_pks())
    window.select_view("view", ATTENTION)
    assert set(pks) <= set(window.model.order_pks())
    assert window.select_order(pks[0])
    assert "Waiting for stock" in window.detail.hold_label.text()
    window.release_orders(pks)
    window.select_view("view", StatusView.AWAITING_SHIPMENT.value)
    assert set(pks) <= set(window.model.order_pks())


def test_the_list_and_detail_follow_writes_published_on_the_change_feed(
        qtbot, ui_context, sync_runner, qsettings, sandbox):
    connect_and_sync(ui_context, sandbox)
    window = _window(qtbot, ui_context, sync_runner, qsettings)
    window.select_view("view", StatusView.AWAITING_SHIPMENT.value)
    pk = window.model.order_pk(0)
    assert window.select_order(pk) and window.detail.hold_label.text() == ""
    queries = window.model.queries_run
    ui_context.marks.hold([pk], "Held at the other desk")  # not this window's write
    assert window.model.queries_run == queries + 1  # the feed re-ran the view's query
    assert pk not in window.model.order_pks()
    window.select_view("view", ATTENTION)
    assert window.select_order(pk)
    assert "Held at the other desk" in window.detail.hold_label.text()
    ui_context.marks.release([pk])
    assert pk not in window.model.order_pks()
    assert "(" in window.view_counts()[("view", ATTENTION)]  # counted again
    window.close()
    ui_context.marks.hold([pk], "After closing")  # a closed window no longer listens
    assert pk not in window.model.order_pks()


def test_what_is_asked_before_the_connections_are_read_waits_for_them(
        qtbot, ui_context, runner, qsettings, sandbox):
    from app.services.order_list import OrderFilter

    connection_id = connect_and_sync(ui_context, sandbox)
    window = MainWindow(ui_context, runner, settings=qsettings, auto_sync=False)
    qtbot.addWidget(window)
    started: list[int] = []
    window.sync.sync_started.connect(started.append)
    # Both before any answer from the db pool (no event has been processed yet).
    window.select_view("view", StatusView.AWAITING_SHIPMENT.value)
    window.sync_now()
    qtbot.waitUntil(lambda: bool(started) and not window.is_loading(), timeout=10_000)
    assert started == [connection_id]
    statuses = ui_context.order_list.reference().statuses
    expected = ui_context.order_list.ids(
        OrderFilter(view=StatusView.AWAITING_SHIPMENT.value), statuses)
    assert expected and list(window.model.order_pks()) == expected
    qtbot.waitUntil(lambda: not window.sync.running, timeout=30_000)


def test_view_counts_follow_a_search_once_the_typing_pauses(qtbot, ui_context, sync_runner,
                                                           qsettings, sandbox):
    connect_and_sync(ui_context, sandbox)
    window = _window(qtbot, ui_context, sync_runner, qsettings)
    everything = window.view_counts()[("view", ALL)]
    number = window.model.index(0, 0).data()
    window.search_edit.setText(number)
    window.apply_filter()  # what the search box's debounce calls
    assert list(window.model.order_pks()) == [window.model.order_pk(0)]  # the list at once
    assert window.view_counts()[("view", ALL)] == everything  # the counts after a pause
    qtbot.waitUntil(lambda: window.view_counts()[("view", ALL)].endswith("(1)"))


def test_remove_tag_and_hold_toggle_read_the_selection_off_the_gui_thread(
        qtbot, ui_context, runner, qsettings, sandbox, monkeypatch):
    connect_and_sync(ui_context, sandbox)
    window = _window(qtbot, ui_context, runner, qsettings)
    window.select_view("view", StatusView.AWAITING_SHIPMENT.value)
    qtbot.waitUntil(lambda: window.model.rowCount() > 1)
    window.table.selectRow(0)
    pks = window.selected_order_pks()
    with qtbot.waitSignal(window.marks_saved, timeout=5000):
        window.tag_orders(pks, "rush")
    with qtbot.waitSignal(window.marks_saved, timeout=5000):
        window.hold_orders(pks, "Waiting for stock", None)
    marks = ui_context.marks
    carried = marks.tags_of(pks)  # the sandbox's own tags, and ours
    threads: list[bool] = []
    for name in ("tags_of", "held_among"):
        read = getattr(marks, name)
        monkeypatch.setattr(marks, name, lambda *a, _read=read: (
            threads.append(threading.current_thread() is threading.main_thread()), _read(*a))[1])
    offered: list[list[str]] = []
    monkeypatch.setattr(QInputDialog, "getItem",
                        lambda *a, **_k: (offered.append(list(a[3])), ("", False))[1])
    window.select_view("view", ATTENTION)
    qtbot.waitUntil(lambda: window.select_order(pks[0]))
    window.remove_tag()
    qtbot.waitUntil(lambda: bool(offered))
    assert offered == [carried] and "rush" in carried
    with qtbot.waitSignal(window.marks_saved, timeout=5000):
        window.toggle_hold()  # every selected order held: released without asking
    assert threads == [False, False]  # both reads ran on the db pool
    assert marks.held_among(pks) == []


def test_select_all_of_thousands_of_orders_then_hold_keeps_the_selection_cheaply(
        qtbot, ui_context, sync_runner, qsettings):
    pks = _orders(ui_context, 5000)
    window = _window(qtbot, ui_context, sync_runner, qsettings)
    window.select_view("view", ALL)
    qtbot.waitUntil(window.model.is_complete)
    window.table.selectAll()
    QApplication.processEvents()
    # The header keeps its own, empty selection: with the table's, each of its paints asked the
    # model about every row of every column (select-all of 100,000 orders: 3-5 s frozen).
    header = window.table.horizontalHeader()
    assert header.selectionModel() is not window.table.selectionModel()
    assert not header.selectionModel().hasSelection()
    assert sorted(window.selected_order_pks()) == pks
    window.hold_orders(window.selected_order_pks(), "Waiting for stock", None)
    assert ui_context.marks.held_among(pks) == pks
    qtbot.waitUntil(window.model.is_complete)  # the refresh re-reads the view in blocks
    assert sorted(window.selected_order_pks()) == pks  # the selection survives the refresh
    assert window.table.selectionModel().selection().count() == 1  # as one range


def test_rows_are_grouped_in_runs():
    assert row_runs([]) == []
    assert row_runs([1, 2, 3, 7, 9, 10]) == [(1, 3), (7, 7), (9, 10)]


def test_shortcuts_cover_the_frequent_actions(qtbot, ui_context, sync_runner, qsettings):
    window = _window(qtbot, ui_context, sync_runner, qsettings)
    shortcuts = {a.text().replace("&", ""): a.shortcut().toString() for a in window.actions()}
    assert shortcuts["Find orders"] == "Ctrl+F"
    assert shortcuts["Sync now"] == "F5"
    assert shortcuts["Add tag…"] == "Ctrl+T"
    assert shortcuts["Hold / release…"] == "Ctrl+H"
    assert shortcuts["Connections…"] == "Ctrl+Shift+C"
    assert shortcuts["Preferences…"] == "Ctrl+,"
    assert shortcuts["Quit"] == "Ctrl+Q"
    assert shortcuts["Print packing slips…"] == "Ctrl+P"
    assert shortcuts["Print pick list…"] == "Ctrl+Shift+K"
    assert shortcuts["Pack order"] == "Ctrl+Return"
    assert shortcuts["Outbox…"] == "Ctrl+Shift+O"
    assert not window.print_action.isEnabled()  # nothing selected yet


def test_print_slips_of_the_selection_and_pack_with_enter(qtbot, ui_context, sync_runner,
                                                        qsettings, sandbox):
    from app.ui.dialogs.slip_preview import SlipPreviewDialog

    connect_and_sync(ui_context, sandbox)
    window = _window(qtbot, ui_context, sync_runner, qsettings)
    window.table.selectRow(0)
    assert window.print_action.isEnabled()
    window.print_action.trigger()
    dialog = next(w for w in window.findChildren(SlipPreviewDialog))
    qtbot.waitUntil(lambda: dialog._document is not None, timeout=20_000)
    assert dialog._document.pages >= 1
    dialog.close()
    pk = window.model.order_pk(0)
    window._row_activated(window.model.index(0, 0))  # Enter / double-click on the row
    packing = window.packing_window()
    assert packing.isVisible() and packing.snapshot.order_pk == pk
    packing.close()


def test_window_state_is_remembered_in_the_given_settings(qtbot, ui_context, sync_runner,
                                                          tmp_path):
    ini = str(tmp_path / "state.ini")
    first = _window(qtbot, ui_context, sync_runner, QSettings(ini, QSettings.Format.IniFormat))
    first.table.setColumnWidth(3, 233)
    first.splitter.setSizes([150, 700, 500])
    first.close()
    second = _window(qtbot, ui_context, sync_runner, QSettings(ini, QSettings.Format.IniFormat))
    assert second.table.columnWidth(3) == 233
    assert second.splitter.sizes()[0] == first.splitter.sizes()[0]
    text = (tmp_path / "state.ini").read_text(encoding="utf-8")
    assert "token" not in text.lower()


def test_startup_syncs_connections_whose_last_sync_is_older_than_their_interval(
        qtbot, ui_context, runner, qsettings, sandbox):
    connect_and_sync(ui_context, sandbox)  # just synced: not due
    window = MainWindow(ui_context, runner, settings=qsettings)
    qtbot.addWidget(window)
    started: list[int] = []
    window.sync.sync_started.connect(started.append)  # the plan is read on the db pool
    qtbot.waitUntil(lambda: window.sync.interval_ms(1) is not None)
    assert window.sync.running == set() and started == []
    window.close()
    with ui_context.storage.db.write() as session:
        from sqlalchemy import text
        session.execute(text("UPDATE sync_runs SET finished_at = :t"),
                        {"t": (datetime.now(UTC) - timedelta(hours=1))
                         .strftime("%Y-%m-%d %H:%M:%S.%f")})
    window = MainWindow(ui_context, runner, settings=qsettings)
    qtbot.addWidget(window)
    started = []
    window.sync.sync_started.connect(started.append)
    qtbot.waitUntil(lambda: bool(started))  # due: started as soon as the plan is read
    assert window.sync.interval_ms(started[0]) == 15 * 60_000
    qtbot.waitUntil(lambda: not window.sync.running, timeout=30_000)


@pytest.mark.parametrize("note", ["<b>fragile</b>", "<img src=x onerror=alert(1)>"])
def test_markup_in_any_store_field_stays_literal(qtbot, ui_context, sync_runner, qsettings,
                                                 sandbox, note):
    sandbox.control.update_order(100001, admin_comments=note, gift_message=note, is_gift=True)
    connect_and_sync(ui_context, sandbox, every_status=True)
    window = _window(qtbot, ui_context, sync_runner, qsettings)
    window.select_view("view", "all")
    assert window.select_order(first_pk(ui_context, "order_id = 100001"))
    assert window.detail.fields["internal_note"].text() == note
    assert note in window.detail.fields["gift"].text()
    for label in window.detail.findChildren(QLabel):
        if note in label.text():
            assert label.textFormat() == Qt.TextFormat.PlainText
    assert not any(isinstance(w, QLineEdit) and w.echoMode() != QLineEdit.EchoMode.Normal
                   for w in window.findChildren(QLineEdit))


def test_import_from_a_date_fetches_older_orders(qtbot, ui_context, sync_runner, qsettings,
                                                 sandbox):
    from app.ui.dialogs.import_from_date import ImportFromDateDialog

    connect_and_sync(ui_context, sandbox)
    before = ui_context.storage.repos.orders.count()
    window = _window(qtbot, ui_context, sync_runner, qsettings)
    window.import_action.trigger()
    dialog = window.findChild(ImportFromDateDialog)
    dialog.date_edit.setDate(dialog.date_edit.date().addDays(-10))  # 70 days back
    with qtbot.waitSignal(window.sync.sync_finished, timeout=20_000) as finished:
        dialog.accept()
    assert finished.args[0].kind == "manual"
    assert ui_context.storage.repos.orders.count() > before
