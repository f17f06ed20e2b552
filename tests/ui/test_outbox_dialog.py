"""The outbox dialog: entries with their states and errors, Retry, and the dry-run Preview; and
the background pusher's timer."""
from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from PySide6.QtCore import Qt, QTimer

from app.db.repositories import outbox as rows
from app.db.repositories.outbox import OutboxRepository
from app.db.tables import Order, Shipment
from app.domain.changes import Changes
from app.domain.connection_settings import ConnectionSettings
from app.ui.dialogs.outbox import DELIVERED_AT, RESULT, SHIPMENT, STATE, TRACKING, OutboxDialog
from app.ui.outbox_controller import IDLE_CHECK_MS, OutboxController
from app.ui.tasks import DB

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def _cached_order(context, order_id: int) -> tuple[int, int]:
    """A connection "main" (prefix AC-) and one of its orders: (connection id, order pk)."""
    record = context.storage.repos.connections.add(
        ConnectionSettings(name="main", address="https://shop.example.com", order_prefix="AC-"))
    with context.storage.db.write() as session:
        order = Order(connection_id=record.id, order_id=order_id, order_status_id=1,
                      first_synced_at=NOW, last_read_at=NOW)
        session.add(order)
        session.flush()
        return record.id, order.id


def _queue(context) -> tuple[int, int]:
    """One order in the cache with a delivered claim and a failed status entry."""
    connection_id, order_pk = _cached_order(context, 100123)
    with context.storage.db.write() as session:
        claim = rows.enqueue(session, connection_id=connection_id, kind="claim", now=NOW,
                             order_pk=order_pk, payload={"order_status_id": 2, "notify": False})
        status = rows.enqueue(session, connection_id=connection_id, kind="status", now=NOW,
                              order_pk=order_pk,
                              payload={"order_status_id": 4, "notify": True, "after": "shipped"})
    outbox = OutboxRepository(context.storage.db)
    outbox.finish(claim, rows.DELIVERED, now=NOW, note="HTTP 200")
    outbox.finish(status, rows.FAILED, now=NOW, note="<b>Refused</b>: Invalid order_status_id 4.")
    return claim, status


def test_entries_retry_and_preview(qtbot, ui_context, sync_runner):
    claim, status = _queue(ui_context)
    dialog = OutboxDialog(ui_context, sync_runner)
    qtbot.addWidget(dialog)
    dialog.show_all_check.setChecked(True)
    dialog.show()
    table = dialog.table
    assert table.rowCount() == 2
    by_id = {table.item(r, 0).data(Qt.ItemDataRole.UserRole): r for r in range(2)}
    failed_row = by_id[status]
    assert table.item(failed_row, 0).text() == "AC-100123"
    assert table.item(failed_row, STATE).text() == "failed"
    # The store's words are shown as they are, never as markup.
    assert table.item(failed_row, RESULT).text() == "<b>Refused</b>: Invalid order_status_id 4."
    assert table.item(by_id[claim], DELIVERED_AT).text() == "2026-11-20 12:00"
    # A delivery is not an error: it says it was sent.
    assert table.item(by_id[claim], RESULT).text() == "Sent (HTTP 200)"
    assert table.horizontalHeaderItem(RESULT).text() == "Result"

    dialog.select_entry(claim)
    assert not dialog.retry_button.isEnabled()  # delivered: nothing to retry
    dialog.select_entry(status)
    assert dialog.retry_button.isEnabled()

    with qtbot.waitSignal(dialog.preview_shown):
        dialog.preview_button.click()
    text = dialog.preview_text.toPlainText()
    assert text.splitlines()[0] == "PUT /orders/100123/status"
    body = text[text.index("{"):text.rindex("}") + 1]
    assert json.loads(body) == {"order_status_id": 4}

    with qtbot.waitSignal(dialog.entry_retried):
        dialog.retry_button.click()
    assert ui_context.outbox.entry(status).entry.state == "pending"
    state_of = {table.item(r, 0).data(Qt.ItemDataRole.UserRole): table.item(r, STATE).text()
                for r in range(table.rowCount())}
    assert state_of[status] == "pending"


def test_runs_its_database_work_on_the_runner(qtbot, ui_context, runner):
    _claim, status = _queue(ui_context)
    dialog = OutboxDialog(ui_context, runner)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1)  # only the failed one by default
    assert dialog.table.item(0, 0).data(Qt.ItemDataRole.UserRole) == status


def test_a_shipment_row_names_the_shipment_and_its_tracking(qtbot, ui_context, sync_runner):
    connection_id, order_pk = _cached_order(ui_context, 100200)
    with ui_context.storage.db.write() as session:
        shipment = Shipment(order_pk=order_pk, number=2, state="shipped",
                            shipment_name="PD-7F3A2C-15", carrier="UPS",
                            tracking_numbers="1Z999AA10123456784", created_at=NOW,
                            updated_at=NOW)
        session.add(shipment)
        session.flush()
        entry = rows.enqueue(session, connection_id=connection_id, kind="shipment", now=NOW,
                             order_pk=order_pk, shipment_pk=shipment.id)
    OutboxRepository(ui_context.storage.db).finish(entry, rows.DELIVERED, now=NOW, note="HTTP 201")
    dialog = OutboxDialog(ui_context, sync_runner)
    qtbot.addWidget(dialog)
    dialog.show_all_check.setChecked(True)
    table = dialog.table
    assert table.rowCount() == 1
    assert table.item(0, SHIPMENT).text() == "2 · PD-7F3A2C-15"
    assert table.item(0, TRACKING).text() == "1Z999AA10123456784"
    assert table.item(0, RESULT).text() == "Sent (HTTP 201)"


def test_the_table_follows_the_change_feed(qtbot, ui_context, runner):
    """A write elsewhere (a push, the CLI) reaches the open dialog through the feed; after
    the dialog closes it no longer listens."""
    claim, status = _queue(ui_context)
    dialog = OutboxDialog(ui_context, runner)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1)
    returned: list[Changes] = []
    with qtbot.waitSignal(dialog.entries_loaded):
        runner.submit(DB, ui_context.outbox.dismiss, status, on_result=returned.append)
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 0)
    assert returned[0].outbox == {status} and returned[0].touches_orders()
    dialog.reject()
    loads: list[int] = []
    dialog.entries_loaded.connect(loads.append)
    ui_context.changes.publish(Changes.of(outbox=[claim]))
    qtbot.wait(50)
    assert loads == []


def test_the_pusher_times_its_next_look_from_the_run(qtbot, ui_context, sync_runner):
    """When the next entry falls due comes back with the run (read on its pool), not from a
    database read on the GUI thread."""
    connection_id, order_pk = _cached_order(ui_context, 100300)
    with ui_context.storage.db.write() as session:
        entry = rows.enqueue(session, connection_id=connection_id, kind="status", now=NOW,
                             order_pk=order_pk, payload={"order_status_id": 4})
    due = datetime.now(UTC) + timedelta(seconds=20)
    OutboxRepository(ui_context.storage.db).reschedule(entry, next_attempt_at=due, error="")
    controller = OutboxController(ui_context.outbox, sync_runner)
    controller.kick()
    timer = controller.findChild(QTimer)
    assert controller.last_result is not None and not controller.last_result.deliveries
    assert controller.last_result.next_due == due
    assert timer.isActive() and 10_000 < timer.remainingTime() <= 20_000
    assert OutboxRepository(ui_context.storage.db).get(entry).state == "pending"
    controller.stop()
    assert not timer.isActive()


def test_an_empty_outbox_is_looked_at_again_after_the_idle_check(qtbot, ui_context,
                                                                  sync_runner):
    controller = OutboxController(ui_context.outbox, sync_runner)
    controller.kick()
    timer = controller.findChild(QTimer)
    assert controller.last_result is not None and controller.last_result.next_due is None
    assert timer.isActive() and timer.interval() == IDLE_CHECK_MS
    controller.stop()
