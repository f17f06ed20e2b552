"""Station-wide facts kept in the database (the station id used in shipment names)."""
from __future__ import annotations

import secrets

from app.db.engine import Database
from app.db.tables import Meta

STATION_ID_KEY = "station_id"
STATION_NAME_KEY = "station_name"
PACKER_KEY = "packer"


class StationRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    def station_id(self) -> str:
        """A short id made once per database: shipment names PD-{station}-{n} stay unique
        across stations pushing to one store, and stable across restarts."""
        known = self.get(STATION_ID_KEY)
        if known:  # every start after the first: a read, not a write transaction
            return known
        with self._db.write() as session:
            row = session.get(Meta, STATION_ID_KEY)
            if row is None:
                row = Meta(key=STATION_ID_KEY, value=secrets.token_hex(3).upper())
                session.add(row)
            return row.value

    def get(self, key: str, default: str = "") -> str:
        with self._db.read() as session:
            row = session.get(Meta, key)
            return row.value if row else default

    def set(self, key: str, value: str) -> None:
        with self._db.write() as session:
            row = session.get(Meta, key) or Meta(key=key, value=value)
            row.value = value
            session.add(row)
