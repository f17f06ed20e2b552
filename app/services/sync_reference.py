"""A connection's reference data for the sync: statuses, storefronts and shipping services.

Read from the store at most hourly (REFERENCE_MAX_AGE), and once more within a run when an
order names a status we do not know (one the merchant added since the last read).
"""
from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from app.clock import Clock, utc_now
from app.db.repositories.connections import ConnectionRecord, ConnectionRepository
from app.db.repositories.sync_state import SyncStateRepository
from app.domain.connection_settings import StatusInfo
from app.domain.orders import OrderSnapshot
from app.domain.store_info import ShippingServiceInfo
from app.integrations.americommerce import mapping
from app.integrations.americommerce.client import AmeriCommerceClient
from app.services.store_clients import StoreClients

log = logging.getLogger(__name__)

REFERENCE_MAX_AGE = timedelta(hours=1)


def query_time(moment: datetime) -> str:
    """A filter value the store accepts: UTC with a Z, whole seconds (we overlap anyway)."""
    return moment.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


class Statuses(dict[int, StatusInfo]):
    """The connection's statuses by id; re-read from the store at most once per run when an
    order names one we do not know (a status the merchant added since the last read)."""

    reread = False


class ReferenceData:
    def __init__(self, connections: ConnectionRepository, state: SyncStateRepository,
                 clients: StoreClients, *, clock: Clock = utc_now) -> None:
        self._connections = connections
        self._state = state
        self._clients = clients
        self._clock = clock

    def refresh(self, connection: ConnectionRecord, *, force: bool = False) -> bool:
        """Read them from the store when due (or forced); True when they were read."""
        client = self._clients.for_connection(connection)
        checkpoint = self._state.checkpoint(connection.id, "reference")
        if not force and checkpoint and self._clock() - checkpoint.refreshed_at \
                < REFERENCE_MAX_AGE:
            return False
        statuses = [mapping.status_from_api(s) for s in client.get_all("/order_statuses")]
        self._connections.save_statuses(connection.id, [s for s in statuses if s])
        stores = [mapping.storefront_from_api(s, client.address.origin)
                  for s in client.get_all("/stores")]
        self._connections.save_storefronts(connection.id, [s for s in stores if s])
        self._connections.save_shipping_services(connection.id, self._services(client))
        self._state.set_checkpoint(connection.id, "reference", query_time(self._clock()))
        return True

    def statuses(self, connection_id: int) -> Statuses:
        return Statuses({s.id: s for s in self._connections.statuses(connection_id)})

    def know_statuses(self, connection: ConnectionRecord, statuses: dict[int, StatusInfo],
                      snapshots: Sequence[OrderSnapshot]) -> bool:
        """Read the statuses again when a snapshot names an unknown one (once per run);
        True when they were read."""
        unknown = {s.order_status_id for s in snapshots} - set(statuses)
        if not unknown or getattr(statuses, "reread", True):
            return False
        statuses.reread = True  # type: ignore[attr-defined]
        log.info("Order status(es) %s unknown; reading the store's statuses again",
                 ", ".join(str(i) for i in unknown))
        self.refresh(connection, force=True)
        statuses.update({s.id: s for s in self._connections.statuses(connection.id)})
        return True

    @staticmethod
    def _services(client: AmeriCommerceClient) -> list[ShippingServiceInfo]:
        services = [mapping.shipping_service_from_api(raw, "provider")
                    for raw in client.get_all("/shipping_provider_services")]
        services += [mapping.shipping_service_from_api(raw, "custom")
                     for raw in client.get_all("/custom_shipping_methods")]
        return [s for s in services if s is not None]
