"""The scan log and what a scanned value names: a shipment by its name or tracking number, an
order by a tracking number the store has. ScanService decides, this module reads and writes.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, insert, select, update
from sqlmodel import Session

from app.db.core import LINES, SCANS, SHIPMENT_LINES, SHIPMENTS, STORE_SHIPMENTS
from app.db.engine import Database
from app.db.repositories.shipments import mark_state
from app.domain.packing import ShipmentState
from app.domain.scanning import ScanResult


@dataclass(frozen=True)
class ScanRow:
    """One scan to log: who, what was scanned, what it did, and what it was for."""

    value: str
    result: ScanResult
    station: str
    packer: str
    order_pk: int | None = None
    shipment_pk: int | None = None
    line_id: int | None = None


class ScanRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    # --- what a value names -------------------------------------------------------------------

    def shipment_named(self, name: str) -> tuple[int, int] | None:
        """(order pk, shipment number) of the shipment with this name (upper case)."""
        with self._db.read() as session:
            row = session.execute(select(SHIPMENTS.c.order_pk, SHIPMENTS.c.number).where(
                func.upper(SHIPMENTS.c.shipment_name) == name)).first()
            return (row.order_pk, row.number) if row else None

    def shipment_tracked(self, tracking: str) -> tuple[int, int | None] | None:
        """(order pk, shipment number) of a shipment of ours carrying this tracking number,
        else (order pk, None) for an order whose store shipment carries it."""
        pattern = f"%{tracking}%"
        with self._db.read() as session:
            row = session.execute(select(SHIPMENTS.c.order_pk, SHIPMENTS.c.number).where(
                SHIPMENTS.c.tracking_numbers.like(pattern))).first()
            if row:
                return row.order_pk, row.number
            row = session.execute(select(STORE_SHIPMENTS.c.order_pk).where(
                func.upper(func.replace(STORE_SHIPMENTS.c.tracking_numbers, " ", ""))
                .like(pattern))).first()
            return (row.order_pk, None) if row else None

    # --- the log ------------------------------------------------------------------------------

    def record(self, scan: ScanRow, *, now: datetime) -> None:
        with self._db.write() as session:
            _insert_scan(session, scan, now)

    def record_unit(self, scan: ScanRow, *, verified: int, packed: bool,
                    now: datetime) -> None:
        """An accepted unit: the shipment line's verified count, "packed" when it was the last
        unit (`packed`), and the scan, together."""
        assert scan.shipment_pk is not None and scan.order_pk is not None
        with self._db.write() as session:
            line_pk: int = session.execute(select(LINES.c.id).where(
                LINES.c.order_pk == scan.order_pk,
                LINES.c.line_id == scan.line_id)).scalar_one()
            session.execute(update(SHIPMENT_LINES).where(
                SHIPMENT_LINES.c.shipment_pk == scan.shipment_pk,
                SHIPMENT_LINES.c.line_pk == line_pk).values(verified=verified))
            if packed:
                mark_state(session, scan.shipment_pk, ShipmentState.PACKED, now=now,
                           station=scan.station, packer=scan.packer)
            _insert_scan(session, scan, now)

    def history(self, order_pk: int) -> list[dict]:
        with self._db.read() as session:
            rows = session.execute(select(SCANS).where(SCANS.c.order_pk == order_pk)
                                   .order_by(SCANS.c.id))
            return [{"at": r.scanned_at, "station": r.station, "packer": r.packer,
                     "value": r.value, "result": r.result} for r in rows]


def _insert_scan(session: Session, scan: ScanRow, now: datetime) -> None:
    line_pk: int | None = None
    if scan.line_id is not None and scan.order_pk is not None:
        line_pk = session.execute(select(LINES.c.id).where(
            LINES.c.order_pk == scan.order_pk,
            LINES.c.line_id == scan.line_id)).scalar_one_or_none()
    session.execute(insert(SCANS).values(
        scanned_at=now, station=scan.station, packer=scan.packer, value=scan.value[:200],
        result=scan.result.value, order_pk=scan.order_pk, shipment_pk=scan.shipment_pk,
        line_pk=line_pk))
