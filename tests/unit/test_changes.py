"""The change feed: what a write changed reaches every listener, once, and nothing else."""
from __future__ import annotations

import logging

from app.domain.changes import NOTHING, Changes
from app.services.changes import ChangeFeed


def test_changes_combine_and_name_the_orders_a_list_must_repaint():
    a = Changes.of(orders=[1], marks=[2])
    b = Changes.of(shipments=[3], outbox=[9], connections=[4])
    both = a | b
    assert both.touches_orders() == {1, 2, 3}
    assert both.outbox == {9} and both.connections == {4}
    assert not NOTHING and both and Changes.of(station=True) and Changes.of(everything=True)
    assert Changes.of(catalog=True) and (a | Changes.of(catalog=True)).catalog


def test_listeners_hear_each_write_and_stop_after_unsubscribing():
    feed = ChangeFeed()
    heard: list[Changes] = []
    unsubscribe = feed.subscribe(heard.append)
    changes = Changes.of(orders=[5])
    assert feed.publish(changes) is changes
    feed.publish(NOTHING)  # nothing changed: nobody is woken
    unsubscribe()
    feed.publish(Changes.of(orders=[6]))
    assert heard == [changes]


def test_a_failing_listener_is_logged_and_the_others_still_hear(caplog):
    feed = ChangeFeed()
    heard: list[Changes] = []

    def broken(_changes: Changes) -> None:
        raise ValueError("listener bug")
    feed.subscribe(broken)
    feed.subscribe(heard.append)
    with caplog.at_level(logging.ERROR):
        feed.publish(Changes.of(marks=[1]))
    assert heard == [Changes.of(marks=[1])]
    assert "A change listener failed" in caplog.text
