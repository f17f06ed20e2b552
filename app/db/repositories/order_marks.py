"""Local tags and holds on orders (Order Desk's "folders"): marks the store never sees.

Each change is one unit of work with its audit entries, so a batch on 500 selected orders is
one transaction, and the audit log says who tagged or held what, at which station.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from itertools import batched
from typing import cast

from sqlalchemy import CursorResult, Result, delete, select, update

from app.clock import Clock, utc_now
from app.db.core import ORDERS, TAGS
from app.db.engine import Database
from app.db.repositories.audit import _record_many
from app.errors import ConfigurationError

MAX_TAG_LENGTH = 40
# Order pks per IN (...): under SQLite's oldest variable limit (999), so a select-all of
# 100,000 orders is 200 statements whatever the SQLite build, not one that fails.
CHUNK = 500


def clean_tag(tag: str) -> str:
    """A tag as stored: trimmed, no commas (lists show tags comma-separated)."""
    cleaned = " ".join((tag or "").replace(",", " ").split())
    if not cleaned:
        raise ConfigurationError("Type a tag.")
    if len(cleaned) > MAX_TAG_LENGTH:
        raise ConfigurationError(f"A tag has at most {MAX_TAG_LENGTH} characters.")
    return cleaned


class OrderMarksRepository:
    def __init__(self, db: Database, *, station: str = "", clock: Clock = utc_now) -> None:
        self._db = db
        self._station = station
        self._clock = clock

    # --- reads over a whole selection (one query per CHUNK orders) -----------------------------

    def tags_of(self, order_pks: Iterable[int]) -> list[str]:
        """Every tag that at least one of the orders carries, sorted."""
        found: set[str] = set()
        with self._db.read() as session:
            for chunk in _chunks(order_pks):
                found.update(session.execute(select(TAGS.c.tag).distinct()
                                             .where(TAGS.c.order_pk.in_(chunk))).scalars())
        return sorted(found)

    def held_among(self, order_pks: Iterable[int]) -> list[int]:
        """The orders that carry a hold reason (as the hold/release toggle has always read it)."""
        held: list[int] = []
        with self._db.read() as session:
            for chunk in _chunks(order_pks):
                held += session.execute(select(ORDERS.c.id).where(
                    ORDERS.c.id.in_(chunk), ORDERS.c.hold_reason != "")).scalars()
        return sorted(held)

    def known_tags(self) -> list[str]:
        with self._db.read() as session:
            return list(session.execute(select(TAGS.c.tag).distinct().order_by(TAGS.c.tag))
                        .scalars())

    # --- writes: one transaction each, audited -------------------------------------------------

    def add_tags(self, order_pks: Iterable[int], tag: str, *, packer: str = "") -> int:
        """Tag the orders; returns how many did not have the tag yet."""
        pks = sorted(set(order_pks))
        tag = clean_tag(tag)
        if not pks:
            return 0
        with self._db.write() as session:
            result = session.execute(self._db.dialect.insert_ignoring_duplicates(TAGS),
                                     [{"order_pk": pk, "tag": tag} for pk in pks])
            _record_many(session, self._clock(), "order.tag_added", "order", pks,
                         station=self._station, packer=packer, details={"tag": tag})
            return _rowcount(result)

    def remove_tags(self, order_pks: Iterable[int], tag: str, *, packer: str = "") -> int:
        """Returns how many orders had the tag."""
        pks = sorted(set(order_pks))
        if not pks:
            return 0
        removed = 0
        with self._db.write() as session:
            for chunk in _chunks(pks):
                removed += _rowcount(session.execute(delete(TAGS).where(
                    TAGS.c.order_pk.in_(chunk), TAGS.c.tag == tag)))
            _record_many(session, self._clock(), "order.tag_removed", "order", pks,
                         station=self._station, packer=packer, details={"tag": tag})
        return removed

    def hold(self, order_pks: Iterable[int], reason: str, until: datetime | None = None, *,
             packer: str = "") -> int:
        """Put orders on hold; with `until`, the hold no longer counts once that time passed.
        Returns how many orders were found."""
        pks = sorted(set(order_pks))
        reason = " ".join((reason or "").split())
        if not reason:
            raise ConfigurationError("Say why the order is on hold.")
        if until is not None and until.tzinfo is not None:
            until = until.astimezone(UTC)  # the audit entry in UTC too (a naive one is refused)
        return self._set_hold(pks, "order.held", reason, until, packer,
                              {"reason": reason, "until": until.isoformat() if until else None})

    def release(self, order_pks: Iterable[int], *, packer: str = "") -> int:
        """Returns how many orders were found."""
        return self._set_hold(sorted(set(order_pks)), "order.released", "", None, packer, None)

    def _set_hold(self, pks: list[int], action: str, reason: str, until: datetime | None,
                  packer: str, details: dict | None) -> int:
        if not pks:
            return 0
        found = 0
        with self._db.write() as session:
            for chunk in _chunks(pks):
                found += _rowcount(session.execute(update(ORDERS).where(
                    ORDERS.c.id.in_(chunk)).values(hold_reason=reason, hold_until=until)))
            _record_many(session, self._clock(), action, "order", pks, station=self._station,
                         packer=packer, details=details)
        return found


def _chunks(order_pks: Iterable[int]) -> Iterator[tuple[int, ...]]:
    return batched(sorted(set(order_pks)), CHUNK)


def _rowcount(result: Result) -> int:
    # DML returns a CursorResult (with rowcount); Session.execute is typed as plain Result.
    return max(0, cast(CursorResult, result).rowcount or 0)
