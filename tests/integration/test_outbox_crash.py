"""Kill -9 the pushing process at each step; after a restart the store holds exactly one
shipment per local shipment, the right status, and the customer got one status email.

The pushing process is this module run as a driver (`python -m tests.integration.
test_outbox_crash DATA_DIR KIND POINT`, token on stdin) against a sandbox running in the test
process. The crash points are deterministic: the driver passes the outbox worker a hook (the
worker's documented test seam, None in production) that SIGKILLs its own process when entry KIND
reaches POINT: before_send (attempt counted, nothing sent), after_send (the store has it, nothing
committed locally) or after_commit.
"""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CRASHED = -signal.SIGKILL


def driver(argv: list[str]) -> int:
    import keyring

    from app.bootstrap import build_context
    from app.db.repositories.outbox import OutboxRepository
    from app.paths import resolve_paths
    from app.services.outbox import OutboxService, bulk_refresher
    from tests.support.memory_keyring import MemoryKeyring

    data_dir, kind, point = argv
    token = sys.stdin.readline().strip()
    keyring.set_keyring(MemoryKeyring())
    paths = resolve_paths(data_dir)
    context = build_context(paths)
    for connection in context.storage.repos.connections.all():
        context.secrets.put(connection.id, "token", token)

    def hook(where, entry):
        if where == point and entry.kind == kind:
            os.kill(os.getpid(), signal.SIGKILL)

    service = OutboxService(OutboxRepository(context.storage.db), context.storage.repos.orders,
                            context.storage.repos.connections, context.clients,
                            bulk_refresher(context.sync),
                            lock_path=paths.data_dir / "outbox.lock",
                            hook=hook if kind != "none" else None)
    try:
        result = service.run_until_idle()
    finally:
        context.close()
    return 0 if result.ok else 1


def push(data_dir: Path, token: str, kind: str = "none", point: str = "none") -> int:
    done = subprocess.run([sys.executable, "-m", "tests.integration.test_outbox_crash",
                           str(data_dir), kind, point], input=token + "\n", text=True,
                          cwd=ROOT, capture_output=True, timeout=60,
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    if done.returncode not in (0, CRASHED):
        print(done.stdout, done.stderr)
    return done.returncode


@pytest.fixture
def prepared(paths):
    """A station with two orders shipped and their store updates queued (not yet pushed)."""
    from app.bootstrap import build_context
    from app.domain.connection_settings import ConnectionSettings
    from app.sandbox import Sandbox, SandboxConfig
    from tests.integration.test_outbox import DETAILS, UNSCANNED, packable_orders

    with Sandbox(SandboxConfig(orders=80, seed=4)) as store:
        context = build_context(paths)
        record = context.connections.add(
            ConnectionSettings(name="main", address=store.domain), store.token)
        assert context.sync.sync(record.id).outcome == "ok"
        shipped = next(s.id for s in context.storage.repos.connections.statuses(record.id)
                       if s.name == "Shipped")
        context.connections.update(record.id, record.settings.with_changes(
            shipped_status_id=shipped))
        pks = packable_orders(context, 2)
        for pk in pks:
            context.packing.ship(pk, 1, DETAILS, unverified_reason=UNSCANNED)
        order_ids = [context.storage.repos.orders.get(pk).snapshot.order_id for pk in pks]
        names = [context.packing.view(pk).shipments[0].shipment_name for pk in pks]
        context.close()
        yield store, paths.data_dir, order_ids, names, shipped


@pytest.mark.parametrize("crashes", [
    [("shipment", "after_send"), ("status", "after_send")],
    [("shipment", "before_send"), ("shipment", "after_commit"), ("status", "before_send")],
], ids=["after-send", "before-send-and-after-commit"])
def test_a_kill_at_any_step_ends_with_exactly_one_of_everything(prepared, crashes):
    store, data_dir, order_ids, names, shipped = prepared
    for kind, point in crashes:  # each restart is killed at the next step, then one finishes
        assert push(data_dir, store.token, kind, point) == CRASHED
    assert push(data_dir, store.token) == 0
    for order_id, name in zip(order_ids, names, strict=True):
        order = store.control.order(order_id)
        assert [s["shipment_name"] for s in order["shipments"]] == [name]
        assert order["order_status_id"] == shipped
    changes = [w for w in store.control.writes() if w["kind"] == "order_status_changed"]
    assert sorted(w["order_id"] for w in changes) == sorted(order_ids)  # one email each
    created = [w for w in store.control.writes() if w["kind"] == "shipment_created"]
    assert len(created) == len(order_ids)
    with sqlite3.connect(data_dir / "packdesk.sqlite3") as db:  # nothing is left to send
        assert {s for (s,) in db.execute("SELECT state FROM outbox")} == {"delivered"}


if __name__ == "__main__":
    sys.exit(driver(sys.argv[1:]))
