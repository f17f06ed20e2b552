"""Turn what a packer types or scans into one cached order (DESIGN.md, Identifiers).

ORDER = the store's order id (100123), with the connection's prefix (AC-100123), or with the
connection's name (main:100123). An id that matches orders in several connections is refused
with the candidates listed.
"""
from __future__ import annotations

import re
from typing import Protocol

from app.db.repositories.connections import ConnectionRecord, ConnectionRepository
from app.db.repositories.orders import OrderRepository
from app.errors import ConfigurationError

_DIGITS = re.compile(r"^\d+$")


class OrderLookup:
    def __init__(self, connections: ConnectionRepository, orders: OrderRepository) -> None:
        self._connections = connections
        self._orders = orders

    def _connection(self, name: str, records: list[ConnectionRecord]) -> ConnectionRecord:
        for record in records:
            if record.name.lower() == name.lower() or str(record.id) == name:
                return record
        raise ConfigurationError(f"There is no connection named {name!r}.")

    def resolve(self, identifier: str) -> int:
        """The order pk for ORDER; raises ConfigurationError when none or several match."""
        text = identifier.strip()
        records = self._connections.all()
        candidates: list[tuple[int, int]] = []
        if ":" in text:
            name, _, number = text.partition(":")
            record = self._connection(name.strip(), records)
            if _DIGITS.match(number.strip()):
                candidates = self._orders.find_pks(int(number), record.id)
        elif _DIGITS.match(text):
            candidates = self._orders.find_pks(int(text))
        else:
            for record in records:
                prefix = record.settings.order_prefix
                if prefix and text.upper().startswith(prefix.upper()) \
                        and _DIGITS.match(text[len(prefix):]):
                    candidates += self._orders.find_pks(int(text[len(prefix):]), record.id)
        if not candidates:
            raise ConfigurationError(f"No cached order matches {identifier!r}.",
                                     hint="Sync first, or check the number and prefix.")
        if len(candidates) > 1:
            names = {r.id: r.name for r in records}
            number = text.split(":")[-1]
            listed = ", ".join(f"{names.get(c, c)}:{number}" for _, c in candidates)
            raise ConfigurationError(f"{identifier!r} matches orders in several connections: "
                                     f"{listed}.", hint="Say which, as NAME:ORDER.")
        return candidates[0][0]


class HasLookup(Protocol):
    """What resolve_order needs of its caller's context (named here, so this module does not
    import app.context, which imports it)."""

    @property
    def lookup(self) -> OrderLookup: ...


def resolve_order(context: HasLookup, identifier: str) -> int:
    return context.lookup.resolve(identifier)
