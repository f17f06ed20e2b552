"""ORDER as a person types it (DESIGN: Identifiers): the store's id, with a connection's prefix
or name; an id found in two connections is refused with both listed. Two real sandboxes."""
from __future__ import annotations

import pytest

from app.domain.connection_settings import ConnectionSettings
from app.errors import ConfigurationError
from app.sandbox import Sandbox, SandboxConfig
from tests.support.sandbox_orders import new_order


@pytest.fixture
def two_stores(station):
    # The same seed: both stores number their orders alike, so one id is in both.
    with Sandbox(SandboxConfig(orders=5, seed=4)) as east, \
            Sandbox(SandboxConfig(orders=5, seed=4)) as west:
        ids = {new_order(east), new_order(west)}
        assert len(ids) == 1
        for name, prefix, store in (("east", "E-", east), ("west", "W-", west)):
            record = station.connections.add(
                ConnectionSettings(name=name, address=store.domain, order_prefix=prefix),
                store.token)
            assert station.sync.sync(record.id).outcome == "ok"
        yield station, ids.pop()


def test_an_id_in_two_connections_is_refused_with_both_listed(two_stores):
    station, order_id = two_stores
    with pytest.raises(ConfigurationError) as several:
        station.lookup.resolve(f" {order_id} ")
    assert f"matches orders in several connections: east:{order_id}, west:{order_id}" \
        in str(several.value)
    assert "NAME:ORDER" in several.value.hint


def test_a_prefix_or_a_connection_name_picks_one(two_stores):
    station, order_id = two_stores
    east = station.lookup.resolve(f"e-{order_id}")
    west = station.lookup.resolve(f"West:{order_id}")
    assert east != west
    assert station.storage.repos.orders.get(east).snapshot.order_id == order_id
    assert station.lookup.resolve(f"east:{order_id}") == east
    assert station.lookup.resolve(f"W-{order_id}") == west


def test_an_unknown_connection_or_order_is_said_plainly(two_stores):
    station, order_id = two_stores
    with pytest.raises(ConfigurationError, match="no connection named 'north'"):
        station.lookup.resolve(f"north:{order_id}")
    with pytest.raises(ConfigurationError, match="No cached order matches 'X-1'"):
        station.lookup.resolve("X-1")
