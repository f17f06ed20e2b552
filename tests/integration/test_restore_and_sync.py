"""After a restore from a backup older than the store's state, the next sync puts new local
shipment ids past every PD-{station}-{n} the store already has (issue 13, finding 4)."""
from __future__ import annotations

import threading

from sqlalchemy import text

from app.bootstrap import build_context
from app.db.migrate import backup_database
from app.services import db_health
from tests.integration.test_outbox import (
    DETAILS,
    fast_client_factory,
    packable_orders,
    store,  # noqa: F401 (the fixture)
)


def _sequence(context) -> int:
    with context.storage.db.read() as session:
        row = session.execute(text(
            "SELECT seq FROM sqlite_sequence WHERE name='shipments'")).first()
        return row[0] if row else 0


def test_the_sync_after_a_restore_skips_shipment_ids_the_store_has(paths, store):
    from app.domain.connection_settings import ConnectionSettings

    context = build_context(paths, client_factory=fast_client_factory)
    record = context.connections.add(
        ConnectionSettings(name="main", address=store.domain, order_prefix="AC-"), store.token)
    assert context.sync.sync(record.id).outcome == "ok"
    backup = backup_database(paths.database, paths.backups_dir, "auto")
    first, second, third = packable_orders(context, 3)
    names = [context.packing.ship(pk, 1, DETAILS, unverified_reason="test")
             .shipments[0].shipment_name for pk in (first, second)]
    assert context.outbox.run_until_idle(threading.Event()).ok
    context.close()
    # Damaged beyond reading its sequence: only the store still knows the shipment ids.
    paths.database.write_bytes(b"")
    for suffix in ("-wal", "-shm"):
        paths.database.with_name(paths.database.name + suffix).unlink(missing_ok=True)
    db_health.restore(paths, backup)

    context = build_context(paths, client_factory=fast_client_factory)
    try:
        assert _sequence(context) == 0  # the backup predates both shipments
        assert context.sync.sync(record.id).outcome == "ok"
        highest = max(int(n.rsplit("-", 1)[1]) for n in names)
        assert _sequence(context) >= highest
        order = context.storage.repos.orders.get(first)
        assert {s.shipment_name for s in order.snapshot.shipments} >= {names[0]}
        assert not order.flag_reason  # ours, not another tool's
        new_name = context.packing.ship(third, 1, DETAILS,
                                        unverified_reason="test").shipments[0].shipment_name
        assert int(new_name.rsplit("-", 1)[1]) > highest
    finally:
        context.close()
