"""What a sync run changed, gathered page by page for the change feed."""
from __future__ import annotations

from app.domain.changes import Changes
from app.services import sync_result
from app.services.sync_result import SyncResult


def test_pages_add_up_and_flags_are_marks():
    result = SyncResult(3, "main", 1, "incremental")
    assert not result.changes
    result.saved([1, 2], flagged_pks=[2])
    result.saved([2, 5])
    result.reference_refreshed()
    assert result.changes == Changes.of(orders=[1, 2, 5], marks=[2], connections=[3])


def test_past_the_limit_the_run_says_everything_and_stops_listing(monkeypatch):
    monkeypatch.setattr(sync_result, "CHANGES_LISTED_MAX", 3)
    result = SyncResult(3, "main", 1, "incremental")
    result.reference_refreshed()
    result.saved([1, 2, 3])
    assert result.changes == Changes.of(orders=[1, 2, 3], connections=[3])
    result.saved([4])
    assert result.changes == Changes.of(connections=[3], everything=True)
    result.saved([5, 6])  # nothing more to list
    assert result.changes == Changes.of(connections=[3], everything=True)
