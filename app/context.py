"""AppContext: everything the UI and the CLI need, built once by bootstrap.py.

Objects arrive here through the constructor; nothing in the app looks up globals.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from app.db.engine import Database
from app.db.repositories.catalog import CatalogRepository
from app.db.repositories.connections import ConnectionRepository
from app.db.repositories.order_queries import OrderQueries
from app.db.repositories.orders import OrderRepository
from app.db.repositories.sync_state import SyncStateRepository
from app.paths import AppPaths
from app.secrets import SecretStore
from app.services.catalog import CatalogService
from app.services.changes import ChangeFeed
from app.services.connections import ConnectionService
from app.services.db_health import DatabaseState
from app.services.marks import MarksService
from app.services.order_list import OrderListService
from app.services.order_lookup import OrderLookup
from app.services.outbox import OutboxService
from app.services.packing import PackingService, Station
from app.services.scanning import ScanService
from app.services.slips import SlipService
from app.services.station import StationService
from app.services.store_clients import StoreClients
from app.services.sync import SyncService
from app.services.sync_schedule import SyncSchedule


@dataclass
class Repositories:
    connections: ConnectionRepository
    orders: OrderRepository
    order_queries: OrderQueries
    catalog: CatalogRepository
    sync_state: SyncStateRepository

    @classmethod
    def on(cls, db: Database) -> Repositories:
        return cls(ConnectionRepository(db), OrderRepository(db), OrderQueries(db),
                   CatalogRepository(db), SyncStateRepository(db))


@dataclass
class Storage:
    """The database and its repositories, for the composition root that wires the services
    and for tests. The UI, the CLI's commands and the services never reach them through the
    context (tests/unit/test_layering.py): they use the services below."""

    db: Database
    repos: Repositories


@dataclass
class AppContext:
    paths: AppPaths
    storage: Storage
    secrets: SecretStore
    station_id: str
    database: DatabaseState  # read-only? writes refused after a damaged start-up check?
    clients: StoreClients
    connections: ConnectionService
    sync: SyncService
    packing: PackingService
    scanning: ScanService
    lookup: OrderLookup
    station: Callable[[], Station]
    slips: SlipService
    outbox: OutboxService
    marks: MarksService  # tags and holds on a selection
    station_service: StationService  # name, packer, recent packers
    catalog: CatalogService  # the merchant's catalog and its listings
    order_list: OrderListService  # what the orders workspace reads
    sync_schedule: SyncSchedule  # poll intervals and the syncs due
    changes: ChangeFeed = field(default_factory=ChangeFeed)  # what writes changed, for the UI
    demo: bool = False
    # Callbacks run at shutdown, newest first (stop the demo sandbox, close HTTP clients...).
    _closers: list[Callable[[], None]] = field(default_factory=list)

    def on_close(self, closer: Callable[[], None]) -> None:
        self._closers.append(closer)

    def close(self) -> None:
        while self._closers:
            self._closers.pop()()
        self.clients.close()
        self.storage.db.dispose()
