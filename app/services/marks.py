"""Tags and holds on a selection of orders, as the packing floor puts them: "tag these rush",
"hold these until the stock comes in", "release them".

Every call works on the whole selection at once (one query per few hundred orders, never one
per order), so select-all on 100,000 orders stays a handful of statements; callers run it on
the database pool. Every write returns what it changed and publishes it on the change feed
(the orders it was asked for, as marks), so the window refreshes from that.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from app.db.repositories.order_marks import OrderMarksRepository
from app.domain.changes import Changes
from app.services.changes import ChangeFeed
from app.services.packing import Station


@dataclass(frozen=True)
class MarksChange:
    """The outcome of one tag or hold change."""
    order_pks: tuple[int, ...]  # the selection it was asked for, sorted, no duplicates
    changed: int  # orders newly tagged / untagged / held / released
    changes: Changes = field(default_factory=Changes)  # what was published on the feed


class MarksService:
    def __init__(self, repo: OrderMarksRepository, station: Callable[[], Station],
                 feed: ChangeFeed | None = None) -> None:
        self._repo = repo
        self._station = station  # the packer is read per change: the audit says who
        self._feed = feed or ChangeFeed()

    # --- what the selection carries ----------------------------------------------------------

    def tags_of(self, order_pks: Iterable[int]) -> list[str]:
        """The tags any of the orders carry (what "Remove tag" offers)."""
        return self._repo.tags_of(order_pks)

    def held_among(self, order_pks: Iterable[int]) -> list[int]:
        """The orders on hold (all held: the toggle releases; else it asks for a reason)."""
        return self._repo.held_among(order_pks)

    def known_tags(self) -> list[str]:
        """Every tag in use (what "Add tag" suggests)."""
        return self._repo.known_tags()

    # --- changes -------------------------------------------------------------------------------

    def add_tag(self, order_pks: Iterable[int], tag: str) -> MarksChange:
        pks = _selection(order_pks)
        return self._published(pks, self._repo.add_tags(pks, tag, packer=self._packer()))

    def remove_tag(self, order_pks: Iterable[int], tag: str) -> MarksChange:
        pks = _selection(order_pks)
        return self._published(pks, self._repo.remove_tags(pks, tag, packer=self._packer()))

    def hold(self, order_pks: Iterable[int], reason: str,
             until: datetime | None = None) -> MarksChange:
        pks = _selection(order_pks)
        return self._published(pks, self._repo.hold(pks, reason, until, packer=self._packer()))

    def release(self, order_pks: Iterable[int]) -> MarksChange:
        pks = _selection(order_pks)
        return self._published(pks, self._repo.release(pks, packer=self._packer()))

    def _published(self, pks: tuple[int, ...], changed: int) -> MarksChange:
        # The whole selection, even when `changed` counts none new: a hold's new reason or
        # date on orders already held changes how they show.
        changes = self._feed.publish(Changes.of(marks=pks))
        return MarksChange(pks, changed, changes)

    def _packer(self) -> str:
        return self._station().packer


def _selection(order_pks: Iterable[int]) -> tuple[int, ...]:
    return tuple(sorted(set(order_pks)))
