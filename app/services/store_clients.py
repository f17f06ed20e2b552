"""One AmeriCommerce client per connection, shared by the sync and the outbox worker.

Sharing matters: the store's rate limit is per token, so both must pace through one throttle.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable

import httpx

from app.db.repositories.connections import ConnectionRecord
from app.errors import PackDeskError
from app.integrations.americommerce import oauth
from app.integrations.americommerce.address import StoreAddress, parse_store_address
from app.integrations.americommerce.client import AmeriCommerceClient, make_http_client
from app.secrets import SecretStore

log = logging.getLogger(__name__)

ClientFactory = Callable[..., AmeriCommerceClient]


def default_client_factory(address: StoreAddress, token: Callable[[], str], *,
                           reauthorize: Callable[[], bool] | None = None) -> AmeriCommerceClient:
    return AmeriCommerceClient(make_http_client(address), address, token,
                               reauthorize=reauthorize)


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

                def token() -> str:  # read from the keyring per request, never kept here
                    return self._secrets.get(connection_id, "token")

                if connection.auth_kind == "oauth":
                    client = self._factory(address, token, reauthorize=lambda: self._refresh(
                        connection, address))
                else:
                    client = self._factory(address, token)
                self._clients[key] = client
            return client

    def _refresh(self, connection: ConnectionRecord, address: StoreAddress) -> bool:
        """A new OAuth access token from the refresh token; False when that is refused."""
        if not connection.oauth_client_id:
            return False
        try:
            with self.http_for(address) as http:
                tokens = oauth.refresh(
                    http, address, client_id=connection.oauth_client_id,
                    app_secret=self._secrets.get(connection.id, "client_secret"),
                    refresh_token=self._secrets.get(connection.id, "refresh_token"))
        except PackDeskError as exc:
            log.warning("Refreshing the access token of %s failed: %s", connection.name, exc)
            return False
        self._secrets.put(connection.id, "token", tokens.access_token)
        self._secrets.put(connection.id, "refresh_token", tokens.refresh_token)
        log.info("Refreshed the access token of %s", connection.name)
        return True

    @staticmethod
    def http_for(address: StoreAddress) -> httpx.Client:
        """A plain HTTP client for the store's OAuth endpoints (sign-in, token refresh)."""
        return make_http_client(address)

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

