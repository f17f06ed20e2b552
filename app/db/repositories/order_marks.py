"""Local tags and holds on orders (Order Desk's "folders"): marks the store never sees.

Each change is one unit of work with its audit entries, so a batch on 500 selected orders is
one transaction, and the audit log says who tagged or held what, at which station.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from sqlalchemy import delete, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.db.core import ORDERS, TAGS
from app.db.engine import Database
from app.db.repositories import audit
from app.errors import ConfigurationError

MAX_TAG_LENGTH = 40


def clean_tag(tag: str) -> str:
    """A tag as stored: trimmed, no commas (lists show tags comma-separated)."""
    cleaned = " ".join((tag or "").replace(",", " ").split())
    if not cleaned:
        raise ConfigurationError("Type a tag.")
    if len(cleaned) > MAX_TAG_LENGTH:
        raise ConfigurationError(f"A tag has at most {MAX_TAG_LENGTH} characters.")
    return cleaned


class OrderMarksRepository:
    def __init__(self, db: Database, *, station: str = "") -> None:
        self._db = db
        self._station = station

    def add_tags(self, order_pks: Iterable[int], tag: str, *, packer: str = "") -> int:
        """Tag the orders; returns how many did not have the tag yet."""
        pks = sorted(set(order_pks))
        tag = clean_tag(tag)
        if not pks:
            return 0
        with self._db.write() as session:
            result = session.execute(sqlite_insert(TAGS).on_conflict_do_nothing(),
                                     [{"order_pk": pk, "tag": tag} for pk in pks])
            for pk in pks:
                audit.record(session, "order.tag_added", station=self._station, packer=packer,
                             entity="order", entity_id=pk, details={"tag": tag})
            return max(0, result.rowcount or 0)

    def remove_tags(self, order_pks: Iterable[int], tag: str, *, packer: str = "") -> int:
        pks = sorted(set(order_pks))
        if not pks:
            return 0
        with self._db.write() as session:
            result = session.execute(delete(TAGS).where(TAGS.c.order_pk.in_(pks),
                                                        TAGS.c.tag == tag))
            for pk in pks:
                audit.record(session, "order.tag_removed", station=self._station,
                             packer=packer, entity="order", entity_id=pk, details={"tag": tag})
            return max(0, result.rowcount or 0)

    def hold(self, order_pks: Iterable[int], reason: str, until: datetime | None = None, *,
             packer: str = "") -> None:
        """Put orders on hold; with `until`, the hold no longer counts once that time passed."""
        pks = sorted(set(order_pks))
        reason = " ".join((reason or "").split())
        if not reason:
            raise ConfigurationError("Say why the order is on hold.")
        if until is not None:
            until = until.astimezone(UTC) if until.tzinfo else \
                until.replace(tzinfo=UTC)
        if not pks:
            return
        with self._db.write() as session:
            session.execute(update(ORDERS).where(ORDERS.c.id.in_(pks)).values(
                hold_reason=reason, hold_until=until))
            for pk in pks:
                audit.record(session, "order.held", station=self._station, packer=packer,
                             entity="order", entity_id=pk,
                             details={"reason": reason,
                                      "until": until.isoformat() if until else None})

    def release(self, order_pks: Iterable[int], *, packer: str = "") -> None:
        pks = sorted(set(order_pks))
        if not pks:
            return
        with self._db.write() as session:
            session.execute(update(ORDERS).where(ORDERS.c.id.in_(pks)).values(
                hold_reason="", hold_until=None))
            for pk in pks:
                audit.record(session, "order.released", station=self._station, packer=packer,
                             entity="order", entity_id=pk)
