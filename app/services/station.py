"""This station's name and who is packing at it (with the recent packers to switch back to).

Both live in the database's meta table, where every scan, shipment and print reads them.
Calls are database work: the UI runs them on its database pool. A rename or a packer switch
is published on the change feed (station=True); they return what the station bar shows.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from typing import NamedTuple

from app.db.repositories.station import PACKER_KEY, STATION_NAME_KEY, StationRepository
from app.domain.changes import Changes
from app.services.changes import ChangeFeed
from app.services.packing import Station

RECENT_PACKERS_KEY = "recent_packers"
MAX_RECENT = 8


class StationSettings(NamedTuple):  # a tuple: preferences' page reads (name, packer, ...)
    name: str
    packer: str
    recent: list[str]  # newest first, at most MAX_RECENT
    named: bool  # a person named the station (else the name is the computer's)


class StationService:
    def __init__(self, repo: StationRepository, station_id: str, default_name: Callable[[], str],
                 default_packer: Callable[[], str], *, feed: ChangeFeed | None = None) -> None:
        self._repo = repo
        self.station_id = station_id
        self._default_name = default_name
        self._default_packer = default_packer
        self._feed = feed or ChangeFeed()  # none given (a test): nobody listens

    def current(self) -> Station:
        return Station(station_id=self.station_id,
                       name=self._repo.get(STATION_NAME_KEY) or self._default_name(),
                       packer=self._repo.get(PACKER_KEY) or self._default_packer())

    def settings(self) -> StationSettings:
        station = self.current()
        return StationSettings(station.name, station.packer, self._recent(),
                               bool(self._repo.get(STATION_NAME_KEY)))

    def switch_packer(self, packer: str) -> tuple[str, list[str]]:
        """The packer now, and the recent packers with them first."""
        self._repo.set(PACKER_KEY, packer)
        recent = [packer] + [n for n in self._recent() if n.casefold() != packer.casefold()]
        self._repo.set(RECENT_PACKERS_KEY, json.dumps(recent[:MAX_RECENT]))
        self._feed.publish(Changes(station=True))
        return packer, recent[:MAX_RECENT]

    def rename(self, name: str) -> str:
        self._repo.set(STATION_NAME_KEY, name)
        self._feed.publish(Changes(station=True))
        return name

    def save(self, name: str, packer: str) -> None:
        """Preferences' station page: a new name and/or packer ("" = unchanged)."""
        if name:
            self.rename(name)
        if packer:
            self.switch_packer(packer)

    def _recent(self) -> list[str]:
        try:
            names = json.loads(self._repo.get(RECENT_PACKERS_KEY, "[]"))
        except ValueError:
            return []
        if not isinstance(names, list):
            return []
        return [n for n in names if isinstance(n, str) and n.strip()][:MAX_RECENT]
