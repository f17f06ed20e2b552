"""The order list model: ids from SQL, lazy rows, sort by re-query, derived local states."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import text

from app.db.repositories.order_marks import OrderMarksRepository
from app.db.repositories.order_queries import ALL, ATTENTION, PARTIALLY_SHIPPED, OrderFilter
from app.domain.status_rules import StatusView
from app.ui.models.order_table import ORDER_PK_ROLE, OrderTableModel
from app.ui.tasks import DB
from tests.ui.helpers import connect_and_sync, first_pk


@pytest.fixture
def cached(ui_context, sandbox):
    connection_id = connect_and_sync(ui_context, sandbox)
    statuses = {connection_id: ui_context.storage.repos.connections.statuses(connection_id)}
    return ui_context, connection_id, statuses


_INLINE: list = []  # the test's synchronous runner: the model's queries run as db-pool jobs


@pytest.fixture(autouse=True)
def inline_runner(sync_runner):
    _INLINE[:] = [sync_runner]
    yield sync_runner
    _INLINE.clear()


def _background(job, done):
    return _INLINE[0].submit(DB, job, on_result=done)


def _model(context, statuses, **filters):
    model = OrderTableModel(context.order_list, lambda: statuses, background=_background)
    model.set_filter(OrderFilter(**filters))
    return model


def _texts(model, column):
    return [model.index(r, column).data() for r in range(model.rowCount())]


def test_model_passes_qt_model_checks(qtmodeltester, cached):
    context, _cid, statuses = cached
    model = _model(context, statuses)
    assert model.rowCount() > 20
    qtmodeltester.check(model, force_py=True)


def test_rows_are_fetched_lazily_in_blocks(cached):
    context, _cid, statuses = cached
    model = _model(context, statuses)
    assert model.cached_rows() == 0
    assert model.index(0, 0).data().startswith("SB-")
    assert 0 < model.cached_rows() < model.rowCount() or model.rowCount() <= 120
    assert model.index(0, 0).data(ORDER_PK_ROLE) == model.order_pk(0)


def test_sorting_requeries_sql_instead_of_sorting_rows(cached):
    context, _cid, statuses = cached
    model = _model(context, statuses)
    before = model.queries_run
    units_column = next(i for i in range(model.columnCount())
                        if model.column_key(i) == "units")
    model.sort(units_column, Qt.SortOrder.AscendingOrder)
    assert model.queries_run == before + 1
    values = [int(v) for v in _texts(model, units_column)]
    assert values == sorted(values)
    model.sort(units_column, Qt.SortOrder.DescendingOrder)
    values = [int(v) for v in _texts(model, units_column)]
    assert values == sorted(values, reverse=True)
    order_column = next(i for i in range(model.columnCount()) if model.column_key(i) == "number")
    model.sort(order_column, Qt.SortOrder.AscendingOrder)
    numbers = [int(v.removeprefix("SB-")) for v in _texts(model, order_column)]
    assert numbers == sorted(numbers)


def test_search_and_views_filter_in_sql(cached):
    context, cid, statuses = cached
    everything = _model(context, statuses)
    pk = everything.order_pk(0)
    row = context.storage.repos.order_queries.rows([pk])[pk]
    found = _model(context, statuses, search=row.number)
    assert found.order_pks() == [pk]
    awaiting = _model(context, statuses, view=StatusView.AWAITING_SHIPMENT.value)
    assert 0 < awaiting.rowCount() <= everything.rowCount()
    by_connection = _model(context, statuses, connection_id=cid + 99)
    assert by_connection.rowCount() == 0


def test_local_state_is_derived_from_shipments_outbox_flags_and_holds(cached):
    context, cid, statuses = cached
    model = _model(context, statuses, sort="order", descending=False)
    state_column = next(i for i in range(model.columnCount()) if model.column_key(i) == "state")
    pks = list(model.order_pks()[:5])
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    with context.storage.db.write() as session:
        states = ["open", "packed", "shipped"]
        for n, (pk, state) in enumerate(zip(pks[:3], states, strict=True), 1):
            session.execute(text(
                "INSERT INTO shipments (order_pk, number, state, shipment_name, packages, "
                "revision, created_at, updated_at, carrier, service, service_type, "
                "tracking_numbers, carrier_fee, buyer_note, internal_note, station, packer) "
                "VALUES (:pk, 1, :state, :name, 1, 0, :now, :now, '', '', '', '', '', '', '', "
                "'', '')"), {"pk": pk, "state": state, "name": f"PD-T-{n}", "now": now})
        session.execute(text(
            "INSERT INTO outbox (connection_id, order_pk, kind, state, attempts, last_error, "
            "created_at) VALUES (:cid, :pk, 'shipment', 'pending', 0, '', :now)"),
            {"cid": cid, "pk": pks[2], "now": now})
        session.execute(text("UPDATE orders SET flag_reason='Cancelled in the store' "
                             "WHERE id=:pk"), {"pk": pks[3]})
    OrderMarksRepository(context.storage.db).hold([pks[4]], "Address check")
    model.requery()
    states = {model.order_pk(r): model.index(r, state_column).data()
              for r in range(model.rowCount())}
    assert [states[pk] for pk in pks] == ["packing", "packed", "waiting to push", "flagged",
                                          "on hold"]
    assert model.index(model.row_of(pks[3]), state_column).data(Qt.ItemDataRole.ToolTipRole) \
        == "Cancelled in the store"
    held = _model(context, statuses, view=ATTENTION)
    assert {pks[3], pks[4]} <= set(held.order_pks())
    model.sort(state_column, Qt.SortOrder.AscendingOrder)
    ordered = [model.index(r, state_column).data() for r in range(model.rowCount())]
    assert ordered.index("flagged") < ordered.index("new")


def test_a_hold_whose_release_date_passed_no_longer_counts(cached):
    context, _cid, statuses = cached
    awaiting = _model(context, statuses, view=StatusView.AWAITING_SHIPMENT.value)
    pk = awaiting.order_pk(0)
    marks = OrderMarksRepository(context.storage.db)
    marks.hold([pk], "Waiting for stock", datetime.now(UTC) + timedelta(days=1))
    awaiting.requery()
    assert pk not in awaiting.order_pks()
    assert pk in _model(context, statuses, view=ATTENTION).order_pks()
    marks.hold([pk], "Waiting for stock", datetime.now(UTC) - timedelta(minutes=1))
    awaiting.requery()
    assert pk in awaiting.order_pks()
    assert pk not in _model(context, statuses, view=ATTENTION).order_pks()


def test_tags_are_added_removed_in_batches_and_audited(cached):
    context, _cid, statuses = cached
    model = _model(context, statuses)
    pks = list(model.order_pks()[:3])
    marks = OrderMarksRepository(context.storage.db, station=context.station_id)
    assert marks.add_tags(pks, " rush ") == 3
    assert marks.add_tags(pks[:1], "rush") == 0
    tagged = _model(context, statuses, tag="rush")
    assert sorted(tagged.order_pks()) == sorted(pks)
    assert context.storage.repos.order_queries.tag_counts()["rush"] == 3
    marks.remove_tags(pks[:2], "rush")
    tagged.requery()
    assert tagged.order_pks() == [pks[2]]
    with context.storage.db.read() as session:
        actions = session.execute(text("SELECT action, station FROM audit_log")).all()
    assert sum(1 for a, _s in actions if a == "order.tag_added") == 4
    assert all(s == context.station_id for _a, s in actions)


def test_partially_shipped_view_derives_from_store_shipments(ui_context, sandbox):
    # Seed 7: order 100004 has 13 packable units, 100005 one. Another tool ships one unit of
    # 100004 (partial) and all of 100005 (complete); both stay "Approved, Pending Shipping".
    for order_id in (100004, 100005):
        sandbox.control.set_order_status(order_id, 2)
    part = sandbox.control.order(100004)["items"][0]
    sandbox.control.add_shipment(100004, items=[{"id": part["id"], "quantity_shipped": 1}])
    sandbox.control.add_shipment(100005)
    cid = connect_and_sync(ui_context, sandbox, every_status=True)
    statuses = {cid: ui_context.storage.repos.connections.statuses(cid)}
    partial = _model(ui_context, statuses, view=PARTIALLY_SHIPPED)
    pk_partial = first_pk(ui_context, "order_id = 100004")
    pk_full = first_pk(ui_context, "order_id = 100005")
    assert pk_partial in partial.order_pks()
    assert pk_full not in partial.order_pks()
    counts = ui_context.storage.repos.order_queries.counts([ALL, PARTIALLY_SHIPPED], OrderFilter(),
                                                   statuses)
    assert counts[PARTIALLY_SHIPPED] == partial.rowCount()
    assert counts[ALL] == _model(ui_context, statuses).rowCount()


class _Deferred:
    """A db pool that runs the queued jobs only when told to (each as an inline db job)."""

    def __init__(self, runner):
        self._runner = runner
        self.queued: list = []

    def __call__(self, job, done):
        self.queued.append((job, done))

    def run_all(self):
        while self.queued:
            job, done = self.queued.pop(0)
            self._runner.submit(DB, job, on_result=done)


def test_queries_and_rows_arrive_from_the_db_pool_and_outdated_queries_are_dropped(
        qtbot, cached, sync_runner):
    context, _cid, statuses = cached
    pool = _Deferred(sync_runner)
    model = OrderTableModel(context.order_list, lambda: statuses, background=pool)
    model.set_filter(OrderFilter())
    assert model.is_querying() and model.rowCount() == 0 and len(pool.queued) == 1
    model.set_filter(OrderFilter(search="no such order anywhere"))  # typed on: a newer query
    pool.run_all()
    assert not model.is_querying() and model.rowCount() == 0  # the first one was dropped
    model.set_filter(OrderFilter())
    with qtbot.waitSignal(model.requeried) as requeried:
        pool.run_all()
    assert requeried.args == [model.rowCount()] and model.rowCount() > 20
    assert model.index(0, 0).data() is None  # asked before its block is in: blank for now
    assert len(pool.queued) == 1
    model.index(1, 0).data()  # the same block: asked once
    assert len(pool.queued) == 1
    with qtbot.waitSignal(model.dataChanged) as changed:
        pool.run_all()
    assert changed.args[0].row() == 0 and changed.args[1].row() >= 1
    assert model.index(0, 0).data().startswith("SB-")


def test_the_first_rows_can_come_with_the_first_ids(cached):
    context, _cid, statuses = cached
    model = OrderTableModel(context.order_list, lambda: statuses, background=_background,
                            prefetch=10)
    model.set_filter(OrderFilter())
    assert model.cached_rows() == 10
    assert model.index(9, 0).data().startswith("SB-") and model.cached_rows() == 10
