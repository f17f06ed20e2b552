"""One AmeriCommerce client per connection, shared by the sync and the outbox worker.

Sharing matters: the store's rate limit is per token, so both must pace through one throttle.
"""
from __future__ import annotations

import threading
from collections.abc import Callable

from app.db.repositories.connections import ConnectionRecord
from app.integrations.americommerce.address import StoreAddress, parse_store_address
from app.integrations.americommerce.client import AmeriCommerceClient, make_http_client
from app.secrets import SecretStore

ClientFactory = Callable[[StoreAddress, Callable[[], str]], AmeriCommerceClient]


def default_client_factory(address: StoreAddress, token: Callable[[], str]) -> AmeriCommerceClient:
    return AmeriCommerceClient(make_http_client(address), address, token)


class StoreClients:
    def __init__(self, secrets: SecretStore, factory: ClientFactory = default_client_factory):
        self._secrets = secrets
        self._factory = factory
        self._clients: dict[tuple[int, str], AmeriCommerceClient] = {}
        self._lock = threading.Lock()

    def for_connection(self, connection: ConnectionRecord) -> AmeriCommerceClient:
        key = (connection.id, connection.settings.address)
        with self._lock:
            client = self._clients.get(key)
            if client is None:
                address = parse_store_address(connection.settings.address)
                connection_id = connection.id
                # The token is read from the keyring per request and never kept here.
                client = self._factory(address,
                                       lambda: self._secrets.get(connection_id, "token"))
                self._clients[key] = client
            return client

    def for_new_store(self, address: StoreAddress, token: str) -> AmeriCommerceClient:
        """A throwaway client to test a store before its connection is saved."""
        return self._factory(address, lambda: token)

    def forget(self, connection_id: int) -> None:
        with self._lock:
            for key in [k for k in self._clients if k[0] == connection_id]:
                self._clients.pop(key).close()

    def close(self) -> None:
        with self._lock:
            for client in self._clients.values():
                client.close()
            self._clients.clear()

