"""`packdesk --demo` on a kept data folder: the old demo connection is replaced, not doubled."""
from __future__ import annotations

from app.demo import DEMO_CONNECTION, start_demo


def test_a_second_demo_in_the_same_folder_points_the_demo_connection_at_its_sandbox(station):
    first = start_demo(station, orders=5)
    second = start_demo(station, orders=5)
    assert first.sandbox.domain != second.sandbox.domain  # each on its own free port
    record = station.connections.find(DEMO_CONNECTION)
    assert record.id == second.connection_id
    assert record.settings.address.endswith(second.sandbox.domain)
    assert [s.connection.id for s in station.sync.status()] == [second.connection_id]
    assert station.sync.sync(record.id).outcome == "ok"
