"""Scan-to-verify: open a shipment by its slip or tracking barcode, verify units, record scans.

Every scan is recorded (station, packer, time, value, result), refused ones included. A
shipment whose every unit is verified becomes "packed".
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, insert, select, update

from app.db.core import LINES, SCANS, SHIPMENT_LINES, SHIPMENTS, STORE_SHIPMENTS
from app.db.engine import Database
from app.db.repositories.catalog import CatalogRepository
from app.db.repositories.shipments import mark_state
from app.domain.orders import Line
from app.domain.packing import MOVABLE, PackingError, ShipmentState
from app.domain.scanning import ScanResult, UnitCheck, all_verified, check_unit, shipment_name_in
from app.domain.tracking import reduce_scanned
from app.errors import ConfigurationError
from app.services.packing import PackingService, PackingView, Station


@dataclass(frozen=True)
class ScanTarget:
    order_pk: int
    shipment_number: int | None  # None: the order's first open shipment


@dataclass(frozen=True)
class ScanOutcome:
    result: ScanResult
    value: str
    line: Line | None
    verified: int
    needed: int
    shipment_packed: bool

    @property
    def accepted(self) -> bool:
        return self.result in (ScanResult.VERIFIED, ScanResult.MANUAL)


def _now() -> datetime:
    return datetime.now(UTC)


class ScanService:
    def __init__(self, db: Database, packing: PackingService, catalog: CatalogRepository,
                 resolve_order: Callable[[str], int], station: Callable[[], Station], *,
                 clock: Callable[[], datetime] = _now) -> None:
        self._db = db
        self._packing = packing
        self._catalog = catalog
        self._resolve_order = resolve_order
        self._station = station
        self._clock = clock

    # --- opening ------------------------------------------------------------------------------

    def find(self, value: str) -> ScanTarget:
        """A slip's shipment or order barcode, or a tracking number, to the shipment it names."""
        name = shipment_name_in(value)
        with self._db.read() as session:
            if name:
                row = session.execute(select(SHIPMENTS.c.order_pk, SHIPMENTS.c.number).where(
                    func.upper(SHIPMENTS.c.shipment_name) == name)).first()
                if row:
                    return ScanTarget(row.order_pk, row.number)
            # a label's barcode names the tracking number it carries (USPS "420"+ZIP, FedEx
            # 34 digits), never zero-padded like a product code (a FedEx 12-digit number)
            tracking = reduce_scanned(value)
            if len(tracking) >= 8:
                pattern = f"%{tracking}%"
                row = session.execute(select(SHIPMENTS.c.order_pk, SHIPMENTS.c.number).where(
                    SHIPMENTS.c.tracking_numbers.like(pattern))).first()
                if row:
                    return ScanTarget(row.order_pk, row.number)
                row = session.execute(select(STORE_SHIPMENTS.c.order_pk).where(
                    func.upper(func.replace(STORE_SHIPMENTS.c.tracking_numbers, " ", ""))
                    .like(pattern))).first()
                if row:
                    return ScanTarget(row.order_pk, None)
        try:
            return ScanTarget(self._resolve_order(value), None)
        except ConfigurationError:
            raise ConfigurationError(f"Nothing matches the scanned {value!r}.",
                                     hint="Scan a packing slip, a tracking label, or an item "
                                          "of the open shipment.") from None

    def open(self, value: str) -> tuple[PackingView, int]:
        """Open what a barcode names; records the scan. Returns the view and shipment number."""
        target = self.find(value)
        view = self._packing.begin(target.order_pk)
        number = target.shipment_number or next(
            (n for n, s, _ in view.numbered() if s.state in MOVABLE), 1)
        self._record(value, ScanResult.OPENED, target.order_pk, view, number, None)
        return view, number

    # --- verifying ----------------------------------------------------------------------------

    def scan(self, order_pk: int, number: int, value: str) -> ScanOutcome:
        view = self._packing.begin(order_pk)
        shipment, record = self._shipment(view, number)
        check = check_unit(value, shipment.units, record.verified, self._line_codes(view))
        return self._apply(view, number, value, check)

    def confirm(self, order_pk: int, number: int, line_id: int) -> ScanOutcome:
        """A unit that cannot be scanned (no barcode, damaged label), confirmed by hand."""
        view = self._packing.begin(order_pk)
        shipment, record = self._shipment(view, number)
        needed = shipment.units.get(line_id, 0)
        if not needed:
            raise PackingError(f"Shipment {number} holds no units of line {line_id}.")
        done = record.verified.get(line_id, 0)
        check = (UnitCheck(ScanResult.MANUAL, line_id, done + 1, needed) if done < needed
                 else UnitCheck(ScanResult.OVER_SCAN, line_id, done, needed))
        sku = view.lines.lines[line_id].sku or str(line_id)
        return self._apply(view, number, f"manual:{sku}", check)

    def _apply(self, view: PackingView, number: int, value: str,
               check: UnitCheck) -> ScanOutcome:
        shipment, record = self._shipment(view, number)
        packed = False
        line = view.lines.lines.get(check.line_id) if check.line_id is not None else None
        now = self._clock()
        with self._db.write() as session:
            if check.result in (ScanResult.VERIFIED, ScanResult.MANUAL):
                line_pk = session.execute(select(LINES.c.id).where(
                    LINES.c.order_pk == view.order.order_pk,
                    LINES.c.line_id == check.line_id)).scalar_one()
                session.execute(update(SHIPMENT_LINES).where(
                    SHIPMENT_LINES.c.shipment_pk == record.shipment_pk,
                    SHIPMENT_LINES.c.line_pk == line_pk).values(verified=check.verified))
                verified = dict(record.verified)
                verified[check.line_id] = check.verified
                if all_verified(shipment.units, verified):
                    station = self._station()
                    mark_state(session, record.shipment_pk, ShipmentState.PACKED, now=now,
                               station=station.name, packer=station.packer)
                    packed = True
            self._insert_scan(session, value, check.result, view.order.order_pk,
                              record.shipment_pk, view, check.line_id, now)
        return ScanOutcome(check.result, value, line, check.verified, check.needed, packed)

    # --- helpers ------------------------------------------------------------------------------

    def _shipment(self, view: PackingView, number: int):
        for n, shipment, record in view.numbered():
            if n == number:
                if record is None:
                    raise PackingError("Start packing the order first.")
                if shipment.state not in MOVABLE:
                    raise PackingError(f"Shipment {number} is {shipment.state.value}.")
                return shipment, record
        raise PackingError(f"This order has no shipment {number}.")

    def _line_codes(self, view: PackingView) -> dict[int, list[str]]:
        lines = view.lines.lines
        products = self._catalog.products(
            view.order.connection_id,
            [line.product_id for line in lines.values() if line.product_id])
        codes: dict[int, list[str]] = {}
        for line_id, line in lines.items():
            found = [line.sku]
            product = products.get(line.product_id) if line.product_id else None
            if product is not None:
                variant = next((v for v in product.variants
                                if v.variant_inventory_id == line.variant_inventory_id), None)
                if variant is not None:
                    found += [variant.sku, variant.gtin]
                if variant is None or not variant.gtin:
                    found += [product.gtin]  # a product-level UPC stands for every variant
                found += [product.sku if not product.variants else "", product.mpn]
            codes[line_id] = [c for c in found if c]
        return codes

    def _record(self, value: str, result: ScanResult, order_pk: int | None,
                view: PackingView | None, number: int | None, line_id: int | None) -> None:
        shipment_pk = None
        if view is not None and number is not None:
            shipment_pk = next((r.shipment_pk for n, _, r in view.numbered()
                                if n == number and r is not None), None)
        with self._db.write() as session:
            self._insert_scan(session, value, result, order_pk, shipment_pk, view, line_id,
                              self._clock())

    def record_unmatched(self, value: str) -> None:
        """A scan that named nothing is recorded too."""
        self._record(value, ScanResult.UNKNOWN, None, None, None, None)

    def _insert_scan(self, session, value: str, result: ScanResult, order_pk: int | None,
                     shipment_pk: int | None, view: PackingView | None, line_id: int | None,
                     now: datetime) -> None:
        station = self._station()
        line_pk = None
        if line_id is not None and order_pk is not None:
            line_pk = session.execute(select(LINES.c.id).where(
                LINES.c.order_pk == order_pk, LINES.c.line_id == line_id)).scalar_one_or_none()
        session.execute(insert(SCANS).values(
            scanned_at=now, station=station.name, packer=station.packer, value=value[:200],
            result=result.value, order_pk=order_pk, shipment_pk=shipment_pk, line_pk=line_pk))

    def history(self, order_pk: int) -> list[dict]:
        with self._db.read() as session:
            rows = session.execute(select(SCANS).where(SCANS.c.order_pk == order_pk)
                                   .order_by(SCANS.c.id))
            return [{"at": r.scanned_at, "station": r.station, "packer": r.packer,
                     "value": r.value, "result": r.result} for r in rows]

