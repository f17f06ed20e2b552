"""A damaged database is never written: sync, ship, push and show refuse it and say why, `db
check` names the newest backup, `db restore` brings it back, and the next sync knows our own
shipments in the store (issue 13, finding 4). Real subprocesses, as a user runs them."""
from __future__ import annotations

import hashlib
import json
import os

import pytest

from app.sandbox import Sandbox, SandboxConfig


def _damage(path, size=16 * 1024) -> None:
    """16 KB of garbage in the middle of a real file, as a failing disk leaves it."""
    with open(path, "r+b") as handle:
        handle.seek(os.path.getsize(path) // 2)
        handle.write(os.urandom(size))
        handle.flush()
        os.fsync(handle.fileno())


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _ship(run, number: str, tracking: str) -> dict:
    shipped = run("ship", number, "--carrier", "UPS", "--service", "UPS Ground",
                  "--tracking", tracking, "--unverified-reason", "test: not scanned", "--json")
    assert shipped.returncode == 0, shipped.stderr
    return json.loads(shipped.stdout)["shipments"][0]


def test_damaged_database_is_refused_restored_and_our_shipments_recognised(run):
    with Sandbox(SandboxConfig(orders=60, seed=5)) as sandbox:
        assert run("connect", "main", "--domain", sandbox.domain, "--token-stdin",
                   stdin=sandbox.token + "\n").returncode == 0
        backups = sorted((run.data_dir / "backups").glob("packdesk-*-auto.sqlite3"))
        assert len(backups) == 1  # the first command's periodic backup (no orders yet)
        assert run("sync").returncode == 0
        orders = json.loads(run("orders", "--json").stdout)
        numbers = [o["number"] for o in orders[:3]]
        first = _ship(run, numbers[0], "1Z0001")
        second = _ship(run, numbers[1], "1Z0002")
        assert run("push").returncode == 0
        station = first["shipment_name"].split("-")[1]
        ours = {first["shipment_name"], second["shipment_name"]}
        database = run.data_dir / "packdesk.sqlite3"

        _damage(database)
        before = _digest(database)
        for command in (["sync"], ["ship", numbers[2], "--carrier", "UPS", "--service", "X"],
                        ["push"], ["show", numbers[0]]):
            refused = run(*command)
            assert refused.returncode == 1, command
            assert "damaged" in refused.stderr and backups[0].name in refused.stderr, command
            assert "packdesk" in refused.stderr and "db restore" in refused.stderr
            assert "Traceback" not in refused.stderr
        assert _digest(database) == before  # nothing was written into the damaged file
        check = run("db", "check", "--json")
        assert check.returncode == 1
        report = json.loads(check.stdout)
        assert not report["ok"] and report["newest_backup"] == str(backups[0])
        assert report["restore_command"].startswith("packdesk")

        restored = run("db", "restore", backups[0].name)
        assert restored.returncode == 0, restored.stderr
        kept = list((run.data_dir / "damaged").rglob("packdesk.sqlite3"))
        assert len(kept) == 1 and _digest(kept[0]) == before  # kept aside, never deleted

        # The backup predates the shipments: the store has them, the restored file does not.
        assert run("sync").returncode == 0
        shown = json.loads(run("show", numbers[0], "--json").stdout)
        assert {s["shipment_name"] for s in shown["shipments"]} & ours
        assert not shown["flag"]  # ours, not "shipped by another tool"
        third = _ship(run, numbers[2], "1Z0003")
        taken = {int(name.rsplit("-", 1)[1]) for name in ours}
        assert third["shipment_name"].startswith(f"PD-{station}-")
        assert int(third["shipment_name"].rsplit("-", 1)[1]) > max(taken)


@pytest.mark.new_install
def test_a_zero_byte_database_is_damaged_not_a_new_install(run):
    run.data_dir.mkdir(parents=True, exist_ok=True)
    (run.data_dir / "packdesk.sqlite3").write_bytes(b"")
    refused = run("orders")
    assert refused.returncode == 1
    assert "damaged" in refused.stderr and "empty" in refused.stderr
    assert (run.data_dir / "packdesk.sqlite3").stat().st_size == 0
