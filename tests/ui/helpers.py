"""Shared steps of the UI tests."""
from __future__ import annotations

from sqlalchemy import text

from app.domain.connection_settings import ConnectionSettings


def connect_and_sync(context, sandbox, *, every_status: bool = False, **changes) -> int:
    """A connection to the sandbox with its orders cached (no Qt involved)."""
    settings = ConnectionSettings(name="Sandbox", address=sandbox.domain, order_prefix="SB-",
                                  new_order_tag="new", **changes)
    record = context.connections.add(settings, sandbox.token)
    if every_status:
        context.sync.refresh_reference_data(record, force=True)
        names = tuple(s.name for s in context.storage.repos.connections.statuses(record.id))
        record = context.connections.update(record.id, settings.with_changes(
            import_statuses=names, created_within_days=3650))
    result = context.sync.sync(record.id)
    assert result.outcome == "ok", result.error
    return record.id


def first_pk(context, where: str) -> int:
    with context.storage.db.read() as session:
        pk = session.execute(text(f"SELECT id FROM orders WHERE {where} ORDER BY id LIMIT 1"))\
            .scalar()
    assert pk is not None, f"no order with {where}"
    return int(pk)
