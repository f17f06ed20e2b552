"""Connections, their storefronts and their order statuses."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlmodel import Session, col, delete, select

from app.clock import Clock, utc_now
from app.db.engine import Database
from app.db.tables import Connection, OrderStatus, ShippingService, Storefront
from app.domain.connection_settings import ConnectionSettings, StatusInfo
from app.domain.status_rules import StatusView
from app.domain.store_info import ShippingServiceInfo, StorefrontInfo
from app.errors import ConfigurationError


@dataclass(frozen=True)
class ConnectionRecord:
    id: int
    settings: ConnectionSettings
    auth_kind: str
    account_fingerprint: str | None
    enabled: bool
    oauth_client_id: str | None = None

    @property
    def name(self) -> str:
        return self.settings.name


_SETTINGS_COLUMNS = ("name", "address", "created_within_days", "poll_interval_min",
                     "claim_status_id", "shipped_status_id", "partial_status_id",
                     "mark_shipped_on_first", "notify_customer", "sync_tracking", "order_prefix",
                     "bin_field_name", "new_order_tag")


def _settings(row: Connection) -> ConnectionSettings:
    values = {key: getattr(row, key) for key in _SETTINGS_COLUMNS}
    return ConnectionSettings(
        **values,
        import_statuses=tuple(row.import_statuses) if row.import_statuses is not None else None,
        storefront_ids=tuple(row.storefront_ids) if row.storefront_ids is not None else None,
        tracking_url_templates=dict(row.tracking_url_templates or {}),
    )


def _apply(row: Connection, settings: ConnectionSettings) -> None:
    for key in _SETTINGS_COLUMNS:
        setattr(row, key, getattr(settings, key))
    row.import_statuses = (list(settings.import_statuses)
                           if settings.import_statuses is not None else None)
    row.storefront_ids = (list(settings.storefront_ids)
                          if settings.storefront_ids is not None else None)
    row.tracking_url_templates = dict(settings.tracking_url_templates) or None


def _record(row: Connection) -> ConnectionRecord:
    assert row.id is not None
    return ConnectionRecord(row.id, _settings(row), row.auth_kind, row.account_fingerprint,
                            row.enabled, row.oauth_client_id)


class ConnectionRepository:
    def __init__(self, db: Database, *, clock: Clock = utc_now) -> None:
        self._db = db
        self._clock = clock

    # --- connections ------------------------------------------------------------------------

    def add(self, settings: ConnectionSettings, *, auth_kind: str = "token",
            fingerprint: str | None = None,
            oauth_client_id: str | None = None) -> ConnectionRecord:
        with self._db.write() as session:
            if session.exec(select(Connection).where(Connection.name == settings.name)).first():
                raise ConfigurationError(f"A connection named {settings.name!r} already exists.")
            row = Connection(name=settings.name, address=settings.address, auth_kind=auth_kind,
                             oauth_client_id=oauth_client_id,
                             account_fingerprint=fingerprint, created_at=self._clock(),
                             updated_at=self._clock())
            _apply(row, settings)
            session.add(row)
            session.flush()
            return _record(row)

    def update(self, connection_id: int, settings: ConnectionSettings) -> ConnectionRecord:
        with self._db.write() as session:
            row = self._row(session, connection_id)
            clash = session.exec(select(Connection).where(
                Connection.name == settings.name, Connection.id != connection_id)).first()
            if clash:
                raise ConfigurationError(f"A connection named {settings.name!r} already exists.")
            _apply(row, settings)
            row.updated_at = self._clock()
            session.add(row)
            return _record(row)

    def set_fingerprint(self, connection_id: int, fingerprint: str, *,
                        oauth_client_id: str | None = None) -> None:
        with self._db.write() as session:
            row = self._row(session, connection_id)
            row.account_fingerprint = fingerprint
            if oauth_client_id is not None:  # signed in again, maybe as another app
                row.oauth_client_id = oauth_client_id
            session.add(row)

    def get(self, connection_id: int) -> ConnectionRecord:
        with self._db.read() as session:
            return _record(self._row(session, connection_id))

    def by_name(self, name: str) -> ConnectionRecord | None:
        with self._db.read() as session:
            row = session.exec(select(Connection).where(Connection.name == name)).first()
            return _record(row) if row else None

    def all(self) -> list[ConnectionRecord]:
        with self._db.read() as session:
            rows = session.exec(select(Connection).order_by(col(Connection.name))).all()
            return [_record(r) for r in rows]

    def delete(self, connection_id: int) -> None:
        """Removes the connection and, through foreign keys, everything cached for it."""
        with self._db.write() as session:
            session.delete(self._row(session, connection_id))

    @staticmethod
    def _row(session: Session, connection_id: int) -> Connection:
        row = session.get(Connection, connection_id)
        if row is None:
            raise ConfigurationError(f"There is no connection with id {connection_id}.")
        return row

    # --- storefronts ------------------------------------------------------------------------

    def save_storefronts(self, connection_id: int, storefronts: Iterable[StorefrontInfo]) -> None:
        now = self._clock()
        with self._db.write() as session:
            existing = {s.store_id: s for s in session.exec(
                select(Storefront).where(Storefront.connection_id == connection_id))}
            for info in storefronts:
                row = existing.pop(info.store_id, None) or Storefront(
                    connection_id=connection_id, store_id=info.store_id, refreshed_at=now)
                for key, value in vars(info).items():
                    if key != "logo_file" or value:  # a chosen logo survives refreshes
                        setattr(row, key, value)
                row.refreshed_at = now
                session.add(row)
            for gone in existing.values():
                session.delete(gone)

    def storefronts(self, connection_id: int) -> list[StorefrontInfo]:
        with self._db.read() as session:
            rows = session.exec(select(Storefront).where(
                Storefront.connection_id == connection_id).order_by(col(Storefront.store_id)))
            fields = StorefrontInfo.__dataclass_fields__
            return [StorefrontInfo(**{k: getattr(r, k) for k in fields}) for r in rows]

    # --- order statuses ---------------------------------------------------------------------

    def save_statuses(self, connection_id: int, statuses: Iterable[StatusInfo]) -> None:
        """Refresh the store's statuses; the packer's view mapping is kept."""
        now = self._clock()
        with self._db.write() as session:
            existing = {s.status_id: s for s in session.exec(
                select(OrderStatus).where(OrderStatus.connection_id == connection_id))}
            for info in statuses:
                row = existing.pop(info.id, None) or OrderStatus(
                    connection_id=connection_id, status_id=info.id, name=info.name,
                    refreshed_at=now)
                row.name = info.name
                for flag in ("is_open", "is_declined", "is_cancelled", "is_shipped",
                             "is_partially_shipped", "is_quote_status", "is_fully_refunded"):
                    setattr(row, flag, getattr(info, flag))
                row.refreshed_at = now
                session.add(row)
            for gone in existing.values():
                session.delete(gone)

    def statuses(self, connection_id: int) -> list[StatusInfo]:
        with self._db.read() as session:
            connection = session.get(Connection, connection_id)
            claim = connection.claim_status_id if connection is not None else None
            rows = session.exec(select(OrderStatus).where(
                OrderStatus.connection_id == connection_id).order_by(col(OrderStatus.status_id)))
            return [StatusInfo(id=r.status_id, name=r.name, is_open=r.is_open,
                               is_declined=r.is_declined, is_cancelled=r.is_cancelled,
                               is_shipped=r.is_shipped,
                               is_partially_shipped=r.is_partially_shipped,
                               is_quote_status=r.is_quote_status,
                               is_fully_refunded=r.is_fully_refunded,
                               is_claim_status=r.status_id == claim,
                               view_override=StatusView(r.view) if r.view else None)
                    for r in rows]

    def set_status_views(self, connection_id: int,
                         views: dict[int, StatusView | None]) -> None:
        with self._db.write() as session:
            for row in session.exec(select(OrderStatus).where(
                    OrderStatus.connection_id == connection_id,
                    col(OrderStatus.status_id).in_(list(views)))):
                view = views[row.status_id]
                row.view = view.value if view else None
                session.add(row)

    # --- shipping services ------------------------------------------------------------------

    def save_shipping_services(self, connection_id: int,
                               services: Iterable[ShippingServiceInfo]) -> None:
        with self._db.write() as session:
            session.exec(delete(ShippingService).where(
                col(ShippingService.connection_id) == connection_id))
            for s in services:
                session.add(ShippingService(connection_id=connection_id, kind=s.kind,
                                            service_id=s.service_id, carrier=s.carrier,
                                            name=s.name, code=s.code))

    def shipping_services(self, connection_id: int) -> list[ShippingServiceInfo]:
        with self._db.read() as session:
            rows = session.exec(select(ShippingService).where(
                ShippingService.connection_id == connection_id).order_by(
                col(ShippingService.carrier), col(ShippingService.name)))
            return [ShippingServiceInfo(r.kind, r.service_id, r.carrier, r.name, r.code)
                    for r in rows]
