"""Finding a local shipment from what was typed or scanned: its shipment_name or one of its
tracking numbers."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from app.db.core import SHIPMENTS
from app.db.engine import Database


@dataclass(frozen=True)
class FoundShipment:
    order_pk: int
    number: int  # 1..N within the order, as on the slip
    state: str  # a ShipmentState value


class ShipmentSearch:
    def __init__(self, db: Database) -> None:
        self._db = db

    def find(self, name: str | None, tracking: str) -> FoundShipment | None:
        """The shipment named `name` (compared case-insensitively), else the one carrying the
        tracking number `tracking` (upper case, no spaces); None when neither matches."""
        with self._db.read() as session:
            row = session.execute(select(SHIPMENTS.c.order_pk, SHIPMENTS.c.number,
                                         SHIPMENTS.c.state).where(
                func.upper(SHIPMENTS.c.shipment_name) == name)).first() if name else None
            if row is None:
                # the column holds them comma-separated, normalized
                for candidate in session.execute(select(
                        SHIPMENTS.c.order_pk, SHIPMENTS.c.number, SHIPMENTS.c.state,
                        SHIPMENTS.c.tracking_numbers).where(
                        SHIPMENTS.c.tracking_numbers.contains(tracking))):
                    if tracking in candidate.tracking_numbers.split(","):
                        row = candidate
                        break
        if row is None:
            return None
        return FoundShipment(row.order_pk, row.number, row.state)
