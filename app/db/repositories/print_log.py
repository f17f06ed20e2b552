"""The print log: every print of a slip or pick list (printer, PDF file or preview), and how
many times the same document was printed before (what makes a slip say "REPRINT")."""
from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, insert, select

from app.db.core import PRINTS
from app.db.engine import Database


@dataclass(frozen=True)
class PrintEntry:
    """One document of a print to log: a slip's shipment, or a pick list's batch."""

    document_key: str  # "slip:shipment:15", "slip:order:42:unsaved", "pick_list:<hash>"
    order_pk: int | None
    shipment_pk: int | None
    order_number: str
    shipment_name: str
    label: str  # "Shipment 1 of 2", or a pick list's title
    details: dict | None = None  # a pick list's orders and shipments


@dataclass(frozen=True)
class PrintRecord:
    """One row of the print log."""

    id: int
    printed_at: datetime
    station: str
    packer: str
    kind: str  # slip | pick_list
    output: str  # printer | pdf | preview
    destination: str
    document_key: str
    order_pk: int | None
    shipment_pk: int | None
    order_number: str
    shipment_name: str
    label: str
    copies: int
    reprint: int  # earlier prints of the same document that count (see `add`)
    details: dict | None


class PrintLogRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    def add(self, entries: Iterable[PrintEntry], *, kind: str, output: str, destination: str,
            copies: int, station: str, packer: str, printed_at: datetime,
            counted: Collection[str]) -> list[int]:
        """Log one print of these documents; returns each row's reprint count: the earlier
        prints of the same document to one of the `counted` outputs."""
        counts: list[int] = []
        with self._db.write() as session:
            for entry in entries:
                before: int = session.execute(select(func.count()).select_from(PRINTS).where(
                    PRINTS.c.document_key == entry.document_key,
                    PRINTS.c.output.in_(list(counted)))).scalar_one()
                session.execute(insert(PRINTS).values(
                    printed_at=printed_at, station=station, packer=packer, kind=kind,
                    output=output, destination=destination, copies=copies, reprint=int(before),
                    document_key=entry.document_key, order_pk=entry.order_pk,
                    shipment_pk=entry.shipment_pk, order_number=entry.order_number,
                    shipment_name=entry.shipment_name, label=entry.label,
                    details=entry.details))
                counts.append(int(before))
        return counts

    def prints(self, *, order_pk: int | None = None, limit: int = 100) -> list[PrintRecord]:
        """The print log, newest first (optionally for one order)."""
        statement = select(PRINTS).order_by(PRINTS.c.id.desc()).limit(limit)
        if order_pk is not None:
            statement = statement.where(PRINTS.c.order_pk == order_pk)
        with self._db.read() as session:
            return [PrintRecord(**r._mapping) for r in session.execute(statement)]

    def printed_before(self, keys: set[str], counted: Collection[str]) -> set[str]:
        """The documents among `keys` printed before to one of the `counted` outputs."""
        if not keys:
            return set()
        with self._db.read() as session:
            return set(session.execute(select(PRINTS.c.document_key).distinct().where(
                PRINTS.c.document_key.in_(list(keys)),
                PRINTS.c.output.in_(list(counted)))).scalars())
