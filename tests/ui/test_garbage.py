"""Issue 15.6: the GUI-thread garbage collector (app/ui/garbage.py) met directly: cycles made on
a worker are collected by the GUI thread's timer, never by the worker; the young generations
are collected when due and a full collection only rarely."""
from __future__ import annotations

import gc
import threading

import pytest
from PySide6.QtCore import QObject

from app.ui import garbage
from app.ui.garbage import GuiThreadGarbageCollector


class Cycle:
    def __init__(self) -> None:
        self.me = self


@pytest.fixture
def collector(monkeypatch):
    """A collector on a parent of its own; Python's collector is left as the suite had it."""
    enabled = gc.isenabled()
    monkeypatch.setattr(garbage, "CHECK_MS", 50)
    parent = QObject()
    collector = GuiThreadGarbageCollector(parent)
    yield collector
    collector.stop()
    gc.unfreeze()
    (gc.enable if enabled else gc.disable)()


def test_cycles_made_on_a_worker_are_collected_on_the_gui_thread(qtbot, collector):
    assert not gc.isenabled()
    collections: list[tuple[str, int]] = []

    def record(phase, info):
        if phase == "start":
            collections.append((threading.current_thread().name, info["generation"]))

    gc.callbacks.append(record)
    try:
        worker = threading.Thread(target=lambda: [Cycle() for _ in range(20_000)],
                                  name="pd-pdf_0")
        worker.start()
        worker.join()
        assert collections == []  # the worker allocated far past the threshold: no collection
        qtbot.waitUntil(lambda: bool(collections), timeout=3000)
    finally:
        gc.callbacks.remove(record)
    assert {thread for thread, _ in collections} == {threading.main_thread().name}
    assert not any(isinstance(o, Cycle) for o in gc.get_objects(generation=0))


@pytest.mark.parametrize("due, expected", [
    ("nothing", []), ("young", [0]), ("middle", [0, 1]), ("full", [0, 1, 2])])
def test_each_generation_is_collected_only_when_due(collector, monkeypatch, due, expected):
    young, middle, _ = gc.get_threshold()
    counts = {"nothing": (young, middle + 1, garbage.FULL_EVERY + 1),
              "young": (young + 1, middle, garbage.FULL_EVERY + 1),
              "middle": (young + 1, middle + 1, garbage.FULL_EVERY),
              "full": (young + 1, middle + 1, garbage.FULL_EVERY + 1)}[due]
    collected: list[int] = []
    monkeypatch.setattr(gc, "get_count", lambda: counts)
    monkeypatch.setattr(gc, "collect", lambda generation=2: collected.append(generation) or 0)
    collector.check()
    assert collected == expected


def test_stopping_gives_collection_back_to_python(collector):
    assert not gc.isenabled()
    collector.stop()
    assert gc.isenabled()
