"""Scan-to-verify: open a shipment by its slip or tracking barcode, verify units, record scans.

Every scan is recorded (station, packer, time, value, result), refused ones included. A
shipment whose every unit is verified becomes "packed".
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from app.clock import Clock, utc_now
from app.db.repositories.catalog import CatalogRepository
from app.db.repositories.scans import ScanRepository, ScanRow
from app.domain.changes import NOTHING, Changes
from app.domain.orders import Line
from app.domain.packing import MOVABLE, PackingError
from app.domain.scanning import (
    ScanResult,
    UnitCheck,
    all_verified,
    check_unit,
    shipment_name_in,
    unit_shipment,
)
from app.domain.tracking import reduce_scanned
from app.errors import ConfigurationError
from app.services.changes import ChangeFeed
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
    changes: Changes = NOTHING  # what recording the unit changed (nothing for a refused one)

    @property
    def accepted(self) -> bool:
        return self.result in (ScanResult.VERIFIED, ScanResult.MANUAL)


@dataclass(frozen=True)
class RoutedScan:
    """What one scan did: verified/refused a unit, opened a shipment, or named nothing."""

    value: str
    outcome: ScanOutcome | None = None  # a unit check (verified, manual, wrong, over-scan)
    view: PackingView | None = None  # the order after a unit check
    opened: PackingView | None = None  # the scan opened this order
    number: int | None = None  # the shipment the scan was for, or opened
    unmatched: str = ""  # message when the value named nothing


class ScanService:
    def __init__(self, scans: ScanRepository, packing: PackingService,
                 catalog: CatalogRepository, resolve_order: Callable[[str], int],
                 station: Callable[[], Station], feed: ChangeFeed, *,
                 clock: Clock = utc_now) -> None:
        self._scans = scans
        self._feed = feed
        self._packing = packing
        self._catalog = catalog
        self._resolve_order = resolve_order
        self._station = station
        self._clock = clock

    # --- opening ------------------------------------------------------------------------------

    def find(self, value: str) -> ScanTarget:
        """A slip's shipment or order barcode, or a tracking number, to the shipment it names."""
        name = shipment_name_in(value)
        found = self._scans.shipment_named(name) if name else None
        if found:
            return ScanTarget(*found)
        # a label's barcode names the tracking number it carries (USPS "420"+ZIP, FedEx
        # 34 digits), never zero-padded like a product code (a FedEx 12-digit number)
        tracking = reduce_scanned(value)
        tracked = self._scans.shipment_tracked(tracking) if len(tracking) >= 8 else None
        if tracked:
            return ScanTarget(*tracked)
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

    def handle(self, order_pk: int | None, number: int | None, value: str) -> RoutedScan:
        """A scan at the station. With an order open, it is first a unit of its active
        shipment (`number`); a value that is no unit of it but names another slip, order or
        tracking number opens that instead, as it does with no order open."""
        if order_pk is not None:
            view = self._packing.view(order_pk)
            number = unit_shipment(value, number,
                                   [n for n, s, _ in view.numbered() if s.state in MOVABLE])
            if number is not None:
                outcome = self.scan(order_pk, number, value)
                if outcome.result is not ScanResult.WRONG_ITEM:
                    return RoutedScan(value, outcome, replace(self._packing.view(order_pk),
                                                              changes=outcome.changes),
                                      number=number)
                try:
                    self.find(value)
                except ConfigurationError:
                    return RoutedScan(value, outcome, number=number)
        try:
            view, opened_number = self.open(value)
        except ConfigurationError as exc:
            self.record_unmatched(value)
            return RoutedScan(value, unmatched=exc.message)
        return RoutedScan(value, opened=view, number=opened_number)

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
        order_pk = view.order.order_pk
        scan = self._row(value, check.result, order_pk, record.shipment_pk, check.line_id)
        if check.result in (ScanResult.VERIFIED, ScanResult.MANUAL):
            assert check.line_id is not None
            verified = dict(record.verified)
            verified[check.line_id] = check.verified
            packed = all_verified(shipment.units, verified)
            self._scans.record_unit(scan, verified=check.verified, packed=packed,
                                    now=self._clock())
            changes = self._feed.publish(Changes.of(shipments=[order_pk]))
        else:
            self._scans.record(scan, now=self._clock())
            changes = NOTHING
        return ScanOutcome(check.result, value, line, check.verified, check.needed, packed,
                           changes)

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
        self._scans.record(self._row(value, result, order_pk, shipment_pk, line_id),
                           now=self._clock())

    def record_unmatched(self, value: str) -> None:
        """A scan that named nothing is recorded too."""
        self._record(value, ScanResult.UNKNOWN, None, None, None, None)

    def _row(self, value: str, result: ScanResult, order_pk: int | None,
             shipment_pk: int | None, line_id: int | None) -> ScanRow:
        station = self._station()
        return ScanRow(value, result, station.name, station.packer, order_pk, shipment_pk,
                       line_id)

    def history(self, order_pk: int) -> list[dict]:
        return self._scans.history(order_pk)
