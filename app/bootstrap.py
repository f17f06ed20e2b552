"""The composition root: paths, logging, database open + migrate, secrets, context."""
from __future__ import annotations

import getpass
import logging
import os
import platform
from collections.abc import Callable

from app import __version__
from app.context import AppContext, Repositories, Storage
from app.db.engine import Database, storage_errors
from app.db.migrate import SCHEMA_HEAD, current_revision, migrate
from app.db.repositories.catalog_sources import CatalogSourceRepository
from app.db.repositories.listings import ListingRepository
from app.db.repositories.order_marks import OrderMarksRepository
from app.db.repositories.outbox import OutboxRepository
from app.db.repositories.packing import PackingRepository
from app.db.repositories.print_log import PrintLogRepository
from app.db.repositories.scans import ScanRepository
from app.db.repositories.shipment_search import ShipmentSearch
from app.db.repositories.station import KEYRING_ADOPTED_KEY, StationRepository
from app.db.repositories.sync_state import SyncStateRepository
from app.errors import DatabaseDamagedError, DatabaseError
from app.logs import setup_logging
from app.paths import AppPaths
from app.secrets import SecretStore
from app.services import db_health
from app.services.catalog import CatalogService
from app.services.changes import ChangeFeed
from app.services.connections import ConnectionService
from app.services.images import ImageFetcher, LazyHttpClient, image_pool
from app.services.marks import MarksService
from app.services.order_list import OrderListService
from app.services.order_lookup import OrderLookup
from app.services.outbox import OutboxService, bulk_refresher
from app.services.packing import PackingService
from app.services.scanning import ScanService
from app.services.slip_content import SlipSources
from app.services.slips import SlipService
from app.services.station import StationService
from app.services.store_clients import ClientFactory, StoreClients, default_client_factory
from app.services.sync import SyncService
from app.services.sync_schedule import SyncSchedule

log = logging.getLogger(__name__)


def build_context(paths: AppPaths, *, secrets: SecretStore | None = None,
                  demo: bool = False, console_log: bool = False,
                  client_factory: ClientFactory = default_client_factory,
                  check_in_background: bool = False) -> AppContext:
    """Open (creating or upgrading) the station's database and wire the app's services.

    The integrity check runs before anything is read; with `check_in_background` (the GUI,
    whose first paint must not wait) only after an unclean exit, else it runs beside the
    start-up and writes wait for it.

    Raises PackDeskError subclasses with a user-facing message when the station cannot start
    (e.g. a database written by a newer PackDesk, or a damaged one: DatabaseDamagedError).
    """
    _ensure_folders(paths)
    setup_logging(paths.log_file, console=console_log)
    log.info("PackDesk %s starting with data directory %s", __version__, paths.data_dir)
    session = db_health.Session(paths.data_dir)
    try:
        db, station_id = _open_database(paths, session, check_in_background)
    except BaseException:
        session.close()
        raise
    station_repo = StationRepository(db)
    secrets = (secrets or SecretStore()).for_database(station_repo.database_id())
    repos = Repositories.on(db)
    if not station_repo.get(KEYRING_ADOPTED_KEY) and secrets.adopt_unscoped(
            [c.id for c in repos.connections.all()]):
        station_repo.set(KEYRING_ADOPTED_KEY, "1")
    changes = ChangeFeed()  # services publish what their writes changed; windows listen
    clients = StoreClients(secrets, client_factory)
    sync = SyncService(repos.connections, repos.orders, repos.catalog, repos.sync_state, clients,
                       feed=changes)

    station_service = StationService(station_repo, station_id,
                                     lambda: platform.node() or "Station", getpass.getuser,
                                     feed=changes)
    station = station_service.current
    packing = PackingService(PackingRepository(db), repos.orders, repos.connections,
                             repos.catalog, station_repo, sync.refresh_order, station, changes)
    lookup = OrderLookup(repos.connections, repos.orders)
    image_http = LazyHttpClient()  # logos and product pictures for slips, fetched once
    images = image_pool()
    slip_sources = SlipSources(repos.connections, repos.catalog,
                               ImageFetcher(paths.cache_dir, image_http, images), paths.data_dir)
    context = AppContext(
        paths=paths, storage=Storage(db, repos), secrets=secrets, station_id=station_id,
        database=db_health.DatabaseState(db.read_only, db.writes_refused),
        clients=clients,
        connections=ConnectionService(repos.connections, secrets, clients, changes),
        sync=sync, packing=packing,
        scanning=ScanService(ScanRepository(db), packing, repos.catalog, lookup.resolve,
                             station, changes),
        lookup=lookup, station=station,
        slips=SlipService(slip_sources, packing, station, print_log=PrintLogRepository(db),
                          shipments=ShipmentSearch(db), resolve_order=lookup.resolve,
                          orders=repos.orders, queries=repos.order_queries, feed=changes),
        outbox=OutboxService(OutboxRepository(db), repos.orders, repos.connections, clients,
                             bulk_refresher(sync), feed=changes,
                             lock_path=paths.data_dir / "outbox.lock"),
        marks=MarksService(OrderMarksRepository(db, station=station_id), station, changes),
        station_service=station_service, changes=changes,
        catalog=CatalogService(CatalogSourceRepository(db), ListingRepository(db),
                               repos.connections, changes),
        order_list=OrderListService(repos.order_queries, repos.orders, repos.connections,
                                    repos.catalog, repos.sync_state),
        sync_schedule=SyncSchedule(repos.connections, repos.sync_state),
        demo=demo)
    context.on_close(session.close)
    context.on_close(image_http.close)
    # a download still running is not waited for (its slip leaves the picture off)
    context.on_close(lambda: images.shutdown(wait=False, cancel_futures=True))
    return context


def guard_database_calls(guard: Callable[[], None] | None) -> None:
    """Test switch (the acceptance tests): `guard()` runs before every database call and
    raises to refuse it; the GUI passes its no-database-on-the-GUI-thread rule."""
    Database.call_guard = guard


def _ensure_folders(paths: AppPaths) -> None:
    try:
        paths.ensure()
    except OSError as exc:
        if not paths.data_dir.is_dir():
            raise DatabaseError(f"PackDesk cannot create its data folder ({paths.data_dir}): "
                                f"{exc.strerror or exc}.") from None
        # An existing read-only folder: reading still works (see _open_database).


def _open_database(paths: AppPaths, session: db_health.Session,
                   check_in_background: bool) -> tuple[Database, str]:
    """Check, migrate and open the database; a damaged one is refused before any write."""
    background = None
    if check_in_background and not session.unclean_exit:
        # Now only what is instant (empty file, not SQLite, a folder); the rest in parallel.
        db_health.require_healthy(paths, unclean_exit=False, budget_s=0.0)
        background = db_health.BackgroundCheck(paths)
    else:
        db_health.require_healthy(paths, unclean_exit=session.unclean_exit)
    read_only = paths.database.exists() and not os.access(paths.data_dir, os.W_OK)
    with storage_errors(paths.database):
        if background is not None and not read_only \
                and current_revision(paths.database) not in (None, SCHEMA_HEAD) and background():
            # A migration writes: it waits for the check like any write.
            raise DatabaseDamagedError(background(), report=background.report())
        if read_only:
            if current_revision(paths.database) != SCHEMA_HEAD:
                raise DatabaseError(f"The station's data folder is read-only ({paths.data_dir}) "
                                    "and its database needs an upgrade this PackDesk cannot "
                                    "write. Make the folder writable and start again.")
            log.warning("The data folder is read-only: the database is opened for reading")
        else:
            result = migrate(paths.database, paths.backups_dir)
            if result.migrated:
                log.info("Database schema %s -> %s", result.from_revision, result.to_revision)
    db = Database(paths.database, read_only=read_only)
    if background is not None:
        db.hold_writes_until(background)
    try:
        station_id = StationRepository(db).station_id()
        if session.alone and not read_only:
            # No other PackDesk holds this folder, so a run still "running" was killed.
            interrupted = SyncStateRepository(db).mark_interrupted()
            if interrupted:
                log.warning("%d sync run(s) were interrupted by an unclean exit", interrupted)
    except BaseException:
        db.dispose()
        raise
    return db, station_id
