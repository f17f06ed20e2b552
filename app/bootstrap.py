"""The composition root: paths, logging, database open + migrate, secrets, context."""
from __future__ import annotations

import getpass
import logging
import platform

from app import __version__
from app.context import AppContext, Repositories
from app.db.engine import Database
from app.db.migrate import migrate
from app.db.repositories.station import (KEYRING_ADOPTED_KEY, PACKER_KEY, STATION_NAME_KEY,
                                        StationRepository)
from app.logs import setup_logging
from app.paths import AppPaths
from app.secrets import SecretStore
from app.services.connections import ConnectionService
from app.services.order_lookup import OrderLookup
from app.services.outbox import OutboxService, bulk_refresher
from app.services.packing import PackingService, Station
from app.services.slips import SlipService, make_image_client
from app.services.scanning import ScanService
from app.services.store_clients import ClientFactory, StoreClients, default_client_factory
from app.services.sync import SyncService

log = logging.getLogger(__name__)


def build_context(paths: AppPaths, *, secrets: SecretStore | None = None,
                  demo: bool = False, console_log: bool = False,
                  client_factory: ClientFactory = default_client_factory) -> AppContext:
    """Open (creating or upgrading) the station's database and wire the app's services.

    Raises PackDeskError subclasses with a user-facing message when the station cannot start
    (e.g. a database written by a newer PackDesk).
    """
    paths.ensure()
    setup_logging(paths.log_file, console=console_log)
    log.info("PackDesk %s starting with data directory %s", __version__, paths.data_dir)
    result = migrate(paths.database, paths.backups_dir)
    if result.migrated:
        log.info("Database schema %s -> %s", result.from_revision, result.to_revision)
    db = Database(paths.database)
    station_repo = StationRepository(db)
    station_id = station_repo.station_id()
    secrets = (secrets or SecretStore()).for_database(station_repo.database_id())
    repos = Repositories.on(db)
    if not station_repo.get(KEYRING_ADOPTED_KEY) and secrets.adopt_unscoped(
            [c.id for c in repos.connections.all()]):
        station_repo.set(KEYRING_ADOPTED_KEY, "1")
    clients = StoreClients(secrets, client_factory)
    sync = SyncService(repos.connections, repos.orders, repos.catalog, repos.sync_state, clients)

    def station() -> Station:
        return Station(station_id=station_id,
                       name=station_repo.get(STATION_NAME_KEY) or platform.node() or "Station",
                       packer=station_repo.get(PACKER_KEY) or getpass.getuser())

    packing = PackingService(db, repos.orders, repos.connections, sync.refresh_order, station)
    lookup = OrderLookup(repos.connections, repos.orders)
    image_http = make_image_client()  # logos and product pictures for slips, fetched once
    context = AppContext(
        paths=paths, db=db, secrets=secrets, station_id=station_id, repos=repos,
        clients=clients, connections=ConnectionService(repos.connections, secrets, clients),
        sync=sync, packing=packing,
        scanning=ScanService(db, packing, repos.catalog, lookup.resolve, station),
        lookup=lookup, station=station,
        slips=SlipService(db, repos.orders, repos.connections, repos.catalog, packing, station,
                          data_dir=paths.data_dir, cache_dir=paths.cache_dir, http=image_http),
        outbox=OutboxService(db, repos.orders, repos.connections, clients, bulk_refresher(sync),
                             lock_path=paths.data_dir / "outbox.lock"),
        demo=demo)
    context.on_close(image_http.close)
    return context
