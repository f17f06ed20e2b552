"""The engine-specific SQL behind app/db/dialect.py: connection set-up, BEGIN, upserts, search."""
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, UniqueConstraint, event, select

from app.db.dialect import SQLITE, Dialect, dialect_of
from app.db.engine import Database
from app.db.repositories.connections import ConnectionRepository
from app.db.repositories.order_queries import OrderFilter, OrderQueries
from app.db.repositories.orders import OrderRepository
from app.domain.connection_settings import ConnectionSettings
from app.domain.orders import Customer, OrderSnapshot

NOW = datetime(2026, 11, 2, 12, 0, tzinfo=UTC)


def test_the_dialect_is_chosen_from_the_engine_session_or_connection(db):
    assert db.dialect is SQLITE
    assert dialect_of(db.engine) is SQLITE
    with db.read() as session:
        assert dialect_of(session) is SQLITE
    with db.engine.connect() as connection:
        assert dialect_of(connection) is SQLITE
    assert isinstance(SQLITE, Dialect)


def test_an_engine_without_a_dialect_is_refused_by_name():
    elsewhere = SimpleNamespace(dialect=SimpleNamespace(name="postgresql"))
    with pytest.raises(NotImplementedError, match="postgresql"):
        dialect_of(elsewhere)  # type: ignore[arg-type]


def test_every_connection_gets_the_pragmas(db):
    with db.engine.connect() as connection:
        pragma = lambda name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()  # noqa: E731
        assert pragma("foreign_keys") == 1
        assert pragma("busy_timeout") == 10_000
        assert pragma("journal_mode") == "wal"
        assert pragma("synchronous") == 1  # NORMAL


def test_writers_begin_immediate_and_readers_plain(db):
    seen: list[str] = []
    for engine in (db.engine, db._write_engine):
        event.listen(engine, "before_cursor_execute",
                     lambda _c, _cur, statement, *_rest: seen.append(statement))
    with db.read() as session:
        session.execute(select(1))
    reads, seen[:] = list(seen), []
    with db.write() as session:
        session.execute(select(1))
    assert reads[0] == "BEGIN"
    assert seen[0] == "BEGIN IMMEDIATE"


def test_a_read_only_database_waits_for_writers_too(db):
    read_only = Database(db.path, read_only=True)
    try:
        with read_only.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10_000
    finally:
        read_only.dispose()


def test_upsert_updates_all_but_the_kept_columns_and_insert_ignoring_skips():
    from sqlalchemy import create_engine

    items = Table("items", MetaData(), Column("id", Integer, primary_key=True),
                  Column("key", String), Column("name", String), Column("local", String),
                  UniqueConstraint("key"))
    engine = create_engine("sqlite://")
    items.metadata.create_all(engine)
    with engine.begin() as connection:
        connection.execute(items.insert(), [{"key": "a", "name": "old", "local": "mine"}])
        rows = [{"key": "a", "name": "new", "local": "theirs"},
                {"key": "b", "name": "b", "local": ""}]
        connection.execute(SQLITE.upsert(items, ["key"], rows[0], keep=["local"]), rows)
        connection.execute(SQLITE.insert_ignoring_duplicates(items),
                           [{"key": "b", "name": "again", "local": "x"}])
        stored = connection.execute(select(items.c.key, items.c.name, items.c.local)
                                    .order_by(items.c.key)).all()
    assert stored == [("a", "new", "mine"), ("b", "b", "")]


@pytest.mark.parametrize("typed, query", [
    ('he said "NEAR(a b)" OR x*', '"he"* "said"* "NEAR"* "OR"*'),
    ("ann@example.com", '"ann"* "example"* "com"*'),
    ("a b", ""),  # one-letter words narrow nothing
    ("", ""),
])
def test_search_query_quotes_every_word_as_a_prefix(typed, query):
    assert SQLITE.search_query(typed) == query


def test_saving_an_order_again_replaces_its_search_text(db):
    connection = ConnectionRepository(db).add(
        ConnectionSettings(name="main", address="https://shop.example.com"))
    orders = OrderRepository(db, clock=lambda: NOW)

    def save(email: str) -> int:
        snapshot = OrderSnapshot(5001, None, 77, None, customer=Customer(77, email, ""))
        return orders.save_snapshots(connection.id, [snapshot], display_number=str)[0].order_pk

    def found(search: str) -> list[int]:
        return OrderQueries(db).ids(OrderFilter(search=search), {})

    pk = save("ann@old.example.com")
    assert found("ann old") == [pk]
    assert save("ann@new.example.com") == pk
    assert found("ann new") == [pk]
    assert found("old") == []


def test_only_the_dialect_module_imports_an_engines_sql():
    """Engine-specific statements live in app/db/dialect.py (a second engine is one class)."""
    app_dir = Path(__file__).resolve().parents[2] / "app"
    offenders = [str(path.relative_to(app_dir)) for path in app_dir.rglob("*.py")
                 if "sqlalchemy.dialects" in path.read_text(encoding="utf-8")
                 and path.name != "dialect.py" and "migrations" not in path.parts]
    assert offenders == []
