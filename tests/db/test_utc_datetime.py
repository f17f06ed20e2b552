"""Datetime columns: aware UTC in and out, stored byte for byte as before UtcDateTime."""
import sqlite3
from contextlib import closing
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, insert
from sqlalchemy.exc import StatementError

from app.db.engine import Database
from app.db.repositories.audit import AuditRepository
from app.db.repositories.connections import ConnectionRepository
from app.db.repositories.order_marks import OrderMarksRepository
from app.db.repositories.order_queries import OrderFilter, OrderQueries
from app.db.repositories.orders import OrderRepository
from app.db.tables import metadata
from app.db.types import NaiveDateTimeError, UtcDateTime
from app.domain.connection_settings import ConnectionSettings
from app.domain.orders import OrderSnapshot
from app.domain.status_rules import FLAGGED

MOMENT = datetime(2026, 3, 29, 1, 30, 15, 250_000, tzinfo=UTC)  # a DST night in Europe

# audit_log as the models declared it before UtcDateTime: SQLAlchemy's plain DateTime, which
# is what every existing station database was written with.
_LEGACY = MetaData()
LEGACY_AUDIT = Table("audit_log", _LEGACY, Column("id", Integer, primary_key=True),
                     Column("at", DateTime), Column("station", String),
                     Column("packer", String), Column("action", String),
                     Column("entity", String), Column("entity_id", String))


def _raw(db: Database, sql: str) -> list[tuple]:
    with closing(sqlite3.connect(db.path)) as raw:
        return raw.execute(sql).fetchall()


def _legacy_write(db: Database, at: datetime, action: str) -> None:
    with db.engine.begin() as connection:
        connection.execute(insert(LEGACY_AUDIT).values(
            at=at, station="", packer="", action=action, entity="", entity_id=""))


def test_stored_text_is_what_the_plain_datetime_column_stored(db):
    _legacy_write(db, MOMENT, "before")
    AuditRepository(db, clock=lambda: MOMENT).record("after")
    stored = _raw(db, "SELECT action, at, typeof(at) FROM audit_log ORDER BY id")
    assert stored == [("before", "2026-03-29 01:30:15.250000", "text"),
                      ("after", "2026-03-29 01:30:15.250000", "text")]


def test_rows_written_before_read_back_as_aware_utc(db):
    _legacy_write(db, MOMENT, "before")
    [entry] = AuditRepository(db).recent()
    assert entry.at == MOMENT
    assert entry.at.tzinfo is UTC  # no reader re-attaches the zone any more


def test_another_zone_is_stored_as_the_same_instant_in_utc(db):
    paris_summer = timezone(timedelta(hours=2))
    AuditRepository(db, clock=lambda: MOMENT.astimezone(paris_summer)).record("zoned")
    assert _raw(db, "SELECT at FROM audit_log") == [("2026-03-29 01:30:15.250000",)]
    assert AuditRepository(db).recent()[0].at == MOMENT


def _one_order(db: Database) -> int:
    connection = ConnectionRepository(db).add(
        ConnectionSettings(name="main", address="https://shop.example.com"))
    [saved] = OrderRepository(db, clock=lambda: MOMENT).save_snapshots(
        connection.id, [OrderSnapshot(1001, None, None, None, ordered_at=MOMENT)],
        display_number=str)
    return saved.order_pk


def test_comparisons_in_sql_bind_the_instant_not_the_wall_time(db):
    """A hold's end given in New York time is stored, and compared, as the UTC instant."""
    pk = _one_order(db)
    new_york = timezone(timedelta(hours=-5))
    ends = MOMENT + timedelta(hours=1)
    OrderMarksRepository(db).hold([pk], "Address check", ends.astimezone(new_york))
    assert _raw(db, "SELECT hold_until FROM orders") == [("2026-03-29 02:30:15.250000",)]

    def on_hold_at(moment: datetime) -> bool:
        queries = OrderQueries(db, clock=lambda: moment.astimezone(new_york))
        return queries.ids(OrderFilter(view=FLAGGED), {}) == [pk]

    assert on_hold_at(ends - timedelta(minutes=1))
    assert not on_hold_at(ends + timedelta(minutes=1))


def test_a_naive_datetime_is_refused_and_nothing_is_written(db):
    naive = datetime(2026, 3, 29, 1, 30)  # noqa: DTZ001 (the bug under test)
    with pytest.raises(StatementError) as caught:
        AuditRepository(db, clock=lambda: naive).record("naive")
    assert isinstance(caught.value.orig, NaiveDateTimeError)
    assert _raw(db, "SELECT count(*) FROM audit_log") == [(0,)]


def test_a_value_that_is_no_datetime_is_refused(db):
    with pytest.raises(StatementError) as caught:
        AuditRepository(db, clock=lambda: "2026-03-29 01:30:00").record("text")  # type: ignore[arg-type, return-value]
    assert isinstance(caught.value.orig, TypeError)


def test_every_datetime_column_is_utc():
    plain = [f"{table.name}.{column.name}" for table in metadata.tables.values()
             for column in table.columns
             if isinstance(column.type, DateTime) or (
                 "date" in type(column.type).__name__.lower()
                 and not isinstance(column.type, UtcDateTime))]
    assert plain == []
    utc = [c for t in metadata.tables.values() for c in t.columns
           if isinstance(c.type, UtcDateTime)]
    assert len(utc) >= 30  # every table's timestamps, not a few
