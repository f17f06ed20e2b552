"""One order's bad data never stops the others: the sync's per-order isolation itself must
not fail on the order it is isolating (issue 13, finding 2)."""
from __future__ import annotations

import json

from app.services.sync import _Unreadable


def test_an_order_with_an_infinite_id_is_skipped_not_raised():
    unreadable = _Unreadable()
    seen = []
    # What a store's `"id": 1e999` parses to; before, OverflowError escaped and failed the sync.
    raw = json.loads('{"id": 1e999, "updated_at": "2026-11-10T09:00:00Z", "items": []}')
    assert unreadable.read_one(raw, lambda *args: seen.append(args)) is None
    assert unreadable.unidentified == ["an order without an id"] and seen == []
    good = unreadable.read_one({"id": 7, "items": []})
    assert good is not None and good.order_id == 7 and unreadable.read == {7}
