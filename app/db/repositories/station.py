"""Station-wide facts kept in the database (the station id used in shipment names)."""
from __future__ import annotations

import secrets
from collections.abc import Callable

from app.db.engine import Database
from app.db.tables import Meta

STATION_ID_KEY = "station_id"
STATION_NAME_KEY = "station_name"
PACKER_KEY = "packer"
DATABASE_ID_KEY = "database_id"
KEYRING_ADOPTED_KEY = "keyring_entries_namespaced"  # earlier versions' entries were moved


class StationRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    def station_id(self) -> str:
        """A short id made once per database: shipment names PD-{station}-{n} stay unique
        across stations pushing to one store, and stable across restarts."""
        return self._made_once(STATION_ID_KEY, lambda: secrets.token_hex(3).upper())

    def database_id(self) -> str:
        """A random id made once per database, naming its keyring entries: two data folders on
        one machine never share a token. Not the station id (which is shown in shipment names
        and may be kept when a station is rebuilt)."""
        return self._made_once(DATABASE_ID_KEY, lambda: secrets.token_hex(8))

    def _made_once(self, key: str, make: Callable[[], str]) -> str:
        known = self.get(key)
        if known:  # every start after the first: a read, not a write transaction
            return known
        with self._db.write() as session:
            row = session.get(Meta, key)
            if row is None:
                row = Meta(key=key, value=make())
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
