"""One order's bad data never stops the others: the sync's per-order isolation itself must
not fail on the order it is isolating (issue 13, finding 2)."""
from __future__ import annotations

import json

from app.services.sync_unreadable import Unreadable


def test_an_order_with_an_infinite_id_is_skipped_not_raised():
    unreadable = Unreadable()
    seen = []
    # What a store's `"id": 1e999` parses to; before, OverflowError escaped and failed the sync.
    raw = json.loads('{"id": 1e999, "updated_at": "2026-11-10T09:00:00Z", "items": []}')
    assert unreadable.read_one(raw, lambda *args: seen.append(args)) is None
    assert unreadable.unidentified == ["an order without an id"] and seen == []
    good = unreadable.read_one({"id": 7, "items": []})
    assert good is not None and good.order_id == 7 and unreadable.read == {7}


def test_an_order_with_a_time_beyond_the_calendar_is_read_without_it():
    unreadable = Unreadable()
    for stamp in ("0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"):
        # Before, OverflowError from moving these to UTC escaped and failed the sync.
        snapshot = unreadable.read_one({"id": 8, "updated_at": stamp, "ordered_at": stamp,
                                        "items": []})
        assert snapshot is not None and snapshot.updated_at is None
        assert snapshot.ordered_at is None
