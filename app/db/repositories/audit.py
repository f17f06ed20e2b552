"""The audit log: who did what, at which station, when."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import insert
from sqlmodel import Session, col, select

from app.db.core import AUDIT
from app.db.engine import Database
from app.db.tables import AuditEntry


@dataclass(frozen=True)
class AuditRecord:
    at: datetime
    station: str
    packer: str
    action: str
    entity: str
    entity_id: str
    details: dict


def record(session: Session, action: str, *, station: str = "", packer: str = "",
           entity: str = "", entity_id: object = "", details: dict | None = None) -> None:
    """Add an audit entry inside the caller's unit of work (so it commits with the change)."""
    session.add(AuditEntry(at=datetime.now(UTC), station=station, packer=packer,
                           action=action, entity=entity, entity_id=str(entity_id),
                           details=details or {}))


def record_many(session: Session, action: str, entity: str, entity_ids: Iterable[object], *,
                station: str = "", packer: str = "", details: dict | None = None) -> None:
    """One entry per entity, in one executemany: a batch on 100,000 orders is one statement,
    not one ORM flush row by row."""
    now = datetime.now(UTC)
    rows = [{"at": now, "station": station, "packer": packer, "action": action,
             "entity": entity, "entity_id": str(entity_id), "details": details or {}}
            for entity_id in entity_ids]
    if rows:
        session.execute(insert(AUDIT), rows)


class AuditRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    def recent(self, limit: int = 100) -> list[AuditRecord]:
        with self._db.read() as session:
            rows = session.exec(select(AuditEntry).order_by(col(AuditEntry.id).desc())
                                .limit(limit)).all()
            return [AuditRecord(r.at, r.station, r.packer, r.action, r.entity, r.entity_id,
                                r.details or {}) for r in rows]


def last_for(session: Session, entity: str, entity_id: object,
             actions: tuple[str, ...]) -> AuditRecord | None:
    """The newest of these actions on an entity (inside the caller's unit of work)."""
    row = session.exec(select(AuditEntry).where(
        AuditEntry.entity == entity, AuditEntry.entity_id == str(entity_id),
        col(AuditEntry.action).in_(actions)).order_by(col(AuditEntry.id).desc()).limit(1)).first()
    if row is None:
        return None
    return AuditRecord(row.at, row.station, row.packer, row.action, row.entity, row.entity_id,
                       row.details or {})
