"""Connecting stores: which two connections are one account, and what is refused before the
token leaves the station."""
from __future__ import annotations

import pytest

from app.domain.connection_settings import ConnectionSettings
from app.errors import ConfigurationError
from app.sandbox import Sandbox, SandboxConfig


def test_two_stores_with_the_same_storefront_ids_and_names_are_not_one_account(station):
    # Same seed: the same storefront ids, names and /stores answers, but two stores.
    with Sandbox(SandboxConfig(orders=5, seed=4)) as first, \
            Sandbox(SandboxConfig(orders=5, seed=4)) as second:
        one = station.connections.check_store(first.domain, first.token)
        two = station.connections.check_store(second.domain, second.token)
        assert [(s.store_id, s.name) for s in one.storefronts] == [
            (s.store_id, s.name) for s in two.storefronts]
        station.connections.add(ConnectionSettings(name="first", address=first.domain),
                                first.token)
        added = station.connections.add(ConnectionSettings(name="second", address=second.domain),
                                        second.token)
        assert added.name == "second" and one.fingerprint != two.fingerprint
        with pytest.raises(ConfigurationError, match="same store account as the connection 'first'"):
            station.connections.add(ConnectionSettings(name="again", address=first.domain),
                                    first.token)
