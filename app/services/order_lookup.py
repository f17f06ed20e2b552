"""Turn what a packer types or scans into one cached order (DESIGN.md, Identifiers).

ORDER = the store's order id (100123), with the connection's prefix (AC-100123), or with the
connection's name (main:100123). An id that matches orders in several connections is refused
with the candidates listed.
"""
from __future__ import annotations

import re

from app.context import AppContext
from app.errors import ConfigurationError

_DIGITS = re.compile(r"^\d+$")


def resolve_order(context: AppContext, identifier: str) -> int:
    """The order pk for ORDER; raises ConfigurationError when none or several match."""
    text = identifier.strip()
    connections = context.repos.connections.all()
    candidates: list[tuple[int, int]] = []
    if ":" in text:
        name, _, number = text.partition(":")
        record = context.connections.find(name.strip())
        if _DIGITS.match(number.strip()):
            candidates = context.repos.orders.find_pks(int(number), record.id)
    elif _DIGITS.match(text):
        candidates = context.repos.orders.find_pks(int(text))
    else:
        for record in connections:
            prefix = record.settings.order_prefix
            if prefix and text.upper().startswith(prefix.upper()) \
                    and _DIGITS.match(text[len(prefix):]):
                candidates += context.repos.orders.find_pks(int(text[len(prefix):]), record.id)
    if not candidates:
        raise ConfigurationError(f"No cached order matches {identifier!r}.",
                                 hint="Sync first, or check the number and prefix.")
    if len(candidates) > 1:
        names = {r.id: r for r in connections}
        listed = ", ".join(f"{names[c].name}:{text.split(':')[-1]}" for _, c in candidates
                           if c in names)
        raise ConfigurationError(f"{identifier!r} matches orders in several connections: "
                                 f"{listed}.", hint="Say which, as NAME:ORDER.")
    return candidates[0][0]
