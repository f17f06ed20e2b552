"""What a write changed: the one message from the services to whoever shows the data.

Every service write returns a Changes (and publishes it on the ChangeFeed); windows refresh
from that one notification instead of re-querying ad hoc after each of their own writes
(after Anki's OpChanges).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field


def _ids(values: Iterable[int] | None) -> frozenset[int]:
    return frozenset(values or ())


@dataclass(frozen=True, slots=True)
class Changes:
    orders: frozenset[int] = field(default_factory=frozenset)  # order pks: store data, status
    marks: frozenset[int] = field(default_factory=frozenset)  # order pks: tags, holds, flags
    shipments: frozenset[int] = field(default_factory=frozenset)  # order pks: their shipments
    outbox: frozenset[int] = field(default_factory=frozenset)  # outbox entry ids
    connections: frozenset[int] = field(default_factory=frozenset)  # connection ids
    station: bool = False  # station name, packer, preferences kept in the database
    everything: bool = False  # too many to list (a big sync, an import): reload what is shown
    catalog: bool = False  # catalog sources, their rows, or listing links

    @classmethod
    def of(cls, *, orders: Iterable[int] | None = None, marks: Iterable[int] | None = None,
           shipments: Iterable[int] | None = None, outbox: Iterable[int] | None = None,
           connections: Iterable[int] | None = None, station: bool = False,
           everything: bool = False, catalog: bool = False) -> Changes:
        return cls(_ids(orders), _ids(marks), _ids(shipments), _ids(outbox), _ids(connections),
                   station, everything, catalog)

    def __bool__(self) -> bool:
        return bool(self.everything or self.station or self.orders or self.marks
                    or self.shipments or self.outbox or self.connections or self.catalog)

    def __or__(self, other: Changes) -> Changes:
        return Changes(self.orders | other.orders, self.marks | other.marks,
                       self.shipments | other.shipments, self.outbox | other.outbox,
                       self.connections | other.connections, self.station or other.station,
                       self.everything or other.everything, self.catalog or other.catalog)

    def touches_orders(self) -> frozenset[int]:
        """Every order whose row in a list may look different now."""
        return self.orders | self.marks | self.shipments


NOTHING = Changes()
