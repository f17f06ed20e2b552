"""Tags and holds on a selection through MarksService, on a real migrated SQLite database:
one query per few hundred orders, whatever the selection's size, and every change audited."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, insert, select, text
from sqlalchemy.engine import Engine

from app.db.core import ORDERS
from app.db.repositories.order_marks import CHUNK
from app.domain.connection_settings import ConnectionSettings
from app.errors import ConfigurationError


def _orders(context, count: int) -> list[int]:
    connection = context.storage.repos.connections.add(
        ConnectionSettings(name="marks", address="https://shop.example.com"))
    with context.storage.db.write() as session:
        now = datetime.now(UTC)
        session.execute(insert(ORDERS), [{"connection_id": connection.id, "order_id": n,
                                          "first_synced_at": now, "last_read_at": now}
                                         for n in range(1, count + 1)])
        return list(session.execute(select(ORDERS.c.id).order_by(ORDERS.c.id)).scalars())


@contextmanager
def _statements() -> Iterator[list[str]]:
    """The SQL statements sent meanwhile, on every engine (the database has a reader and a
    writer); an executemany counts once, as it is one statement for SQLite."""
    seen: list[str] = []

    def count(_conn, _cursor, statement, _params, _context, _executemany):
        seen.append(statement)

    event.listen(Engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(Engine, "before_cursor_execute", count)


def _audit(context) -> dict[str, int]:
    with context.storage.db.read() as session:
        return dict(session.execute(text(
            "SELECT action, count(*) FROM audit_log GROUP BY action")).all())


def test_a_20000_order_selection_is_held_and_released_in_a_bounded_number_of_statements(
        context):
    pks = _orders(context, 20_000)
    marks = context.marks
    bound = 20_000 // CHUNK + 1 + 12  # one UPDATE per chunk, one audit insert, the meta reads
    with _statements() as seen:
        change = marks.hold(pks, "Waiting for stock", datetime.now(UTC) + timedelta(days=1))
    assert change.changed == 20_000 and change.order_pks == tuple(pks)
    assert len(seen) <= bound, len(seen)
    with _statements() as seen:
        assert marks.held_among(pks) == pks
    assert len(seen) <= 20_000 // CHUNK + 2
    with _statements() as seen:
        assert marks.release(pks).changed == 20_000
    assert len(seen) <= bound
    assert marks.held_among(pks) == []
    assert _audit(context) == {"order.held": 20_000, "order.released": 20_000}


def test_tags_on_a_large_selection_read_and_change_in_one_query_per_chunk(context):
    pks = _orders(context, 5_000)
    marks = context.marks
    assert marks.add_tag(pks[:3000], " rush ").changed == 3000
    assert marks.add_tag(pks[3000:3001], "gift").changed == 1
    assert marks.add_tag(pks[:10], "rush").changed == 0  # already tagged: nothing new
    with _statements() as seen:
        assert marks.tags_of(pks) == ["gift", "rush"]
    assert len(seen) <= 5_000 // CHUNK + 2
    assert marks.tags_of(pks[4000:]) == []
    assert marks.known_tags() == ["gift", "rush"]
    change = marks.remove_tag(pks, "rush")
    assert change.changed == 3000 and len(change.order_pks) == 5_000
    assert marks.tags_of(pks) == ["gift"]


def test_holds_say_who_and_where_and_bad_input_changes_nothing(context):
    pks = _orders(context, 3)
    context.station_service.switch_packer("Ana")
    with pytest.raises(ConfigurationError, match="why"):
        context.marks.hold(pks, "   ")
    with pytest.raises(ConfigurationError, match="tag"):
        context.marks.add_tag(pks, " , ")
    assert context.marks.held_among(pks) == [] and _audit(context) == {}
    change = context.marks.hold(pks + pks[:1], "Address check")  # duplicates counted once
    assert change.order_pks == tuple(pks) and change.changed == 3
    assert context.marks.held_among(pks[:2]) == pks[:2]
    with context.storage.db.read() as session:
        rows = session.execute(text("SELECT station, packer FROM audit_log")).all()
    assert rows == [(context.station_id, "Ana")] * 3
    assert context.marks.release([]).changed == 0


def test_every_tag_and_hold_change_is_published_on_the_change_feed(context):
    pks = _orders(context, 4)
    published = []
    context.changes.subscribe(published.append)
    change = context.marks.add_tag(pks[:2], "rush")
    assert published == [change.changes] and change.changes.marks == frozenset(pks[:2])
    context.marks.hold(pks, "Stock check")
    context.marks.release(pks[3:])
    context.marks.remove_tag(pks, "rush")
    assert [sorted(c.marks) for c in published] == [pks[:2], pks, pks[3:], pks]
    assert not any(c.orders or c.shipments or c.everything for c in published)
    context.marks.release([])  # no orders: nothing to tell
    assert len(published) == 4
