"""The audit log: who did what, at which station, when.

`AuditRepository` reads and writes it in transactions of its own. A change that must be audited
in the same transaction (so the entry commits with it, or not at all) is a method of its own
repository, which calls the private session-level helpers below.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert
from sqlmodel import Session, col, select

from app.clock import Clock, utc_now
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


class AuditRepository:
    def __init__(self, db: Database, *, clock: Clock = utc_now) -> None:
        self._db = db
        self._clock = clock

    def recent(self, limit: int = 100) -> list[AuditRecord]:
        with self._db.read() as session:
            rows = session.exec(select(AuditEntry).order_by(col(AuditEntry.id).desc())
                                .limit(limit)).all()
            return [_audit_record(r) for r in rows]

    def last_for(self, entity: str, entity_id: object,
                 actions: tuple[str, ...]) -> AuditRecord | None:
        """The newest of these actions on an entity."""
        with self._db.read() as session:
            return _last_for(session, entity, entity_id, actions)

    def record(self, action: str, *, station: str = "", packer: str = "", entity: str = "",
               entity_id: object = "", details: dict | None = None) -> None:
        """An entry on its own (nothing else changes with it)."""
        with self._db.write() as session:
            _record(session, self._clock(), action, station=station, packer=packer,
                    entity=entity, entity_id=entity_id, details=details)


# --- session-level helpers: the caller's unit of work, so the entry commits with the change ---

def _record(session: Session, at: datetime, action: str, *, station: str = "",
            packer: str = "", entity: str = "", entity_id: object = "",
            details: dict | None = None) -> None:
    session.add(AuditEntry(at=at, station=station, packer=packer, action=action, entity=entity,
                           entity_id=str(entity_id), details=details or {}))


def _record_many(session: Session, at: datetime, action: str, entity: str,
                 entity_ids: Iterable[object], *, station: str = "", packer: str = "",
                 details: dict | None = None) -> None:
    """One entry per entity, in one executemany: a batch on 100,000 orders is one statement,
    not one ORM flush row by row."""
    rows = [{"at": at, "station": station, "packer": packer, "action": action,
             "entity": entity, "entity_id": str(entity_id), "details": details or {}}
            for entity_id in entity_ids]
    if rows:
        session.execute(insert(AUDIT), rows)


def _last_for(session: Session, entity: str, entity_id: object,
              actions: tuple[str, ...]) -> AuditRecord | None:
    row = session.exec(select(AuditEntry).where(
        AuditEntry.entity == entity, AuditEntry.entity_id == str(entity_id),
        col(AuditEntry.action).in_(actions)).order_by(col(AuditEntry.id).desc()).limit(1)).first()
    return None if row is None else _audit_record(row)


def _audit_record(row: AuditEntry) -> AuditRecord:
    return AuditRecord(row.at, row.station, row.packer, row.action, row.entity, row.entity_id,
                       row.details or {})


# Until app/services/packing.py moves its SQL into a repository (issue 15, packing branch),
# it audits inside its own sessions through these two; nothing else may use them.
def record(session: Session, action: str, **fields) -> None:
    _record(session, utc_now(), action, **fields)


last_for = _last_for
