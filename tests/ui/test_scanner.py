"""The scanner listener on plain widgets (injected clock, synthetic keys) and the scan sounds."""
from __future__ import annotations

import wave
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit, QVBoxLayout, QWidget

from app.ui.packing import sounds as sounds_module
from app.ui.packing.scanner import SCAN_FIELD, ScanListener
from app.ui.packing.sounds import SOUNDS, ScanSounds, platform_player, sounds_dir, write_tones


class FakeClock:
    def __init__(self) -> None:
        self.ms = 5_000.0

    def __call__(self) -> float:
        return self.ms


def keys(widget, clock: FakeClock, value: str, gap_ms: float) -> None:
    for char in value:
        clock.ms += gap_ms
        QTest.keyClick(widget, char)


def enter(widget, clock: FakeClock, gap_ms: float = 4) -> None:
    clock.ms += gap_ms
    QTest.keyClick(widget, Qt.Key.Key_Return)


@pytest.fixture
def form(qtbot):
    host = QWidget()
    layout = QVBoxLayout(host)
    note, tracking = QLineEdit(), QLineEdit()
    tracking.setProperty(SCAN_FIELD, True)
    layout.addWidget(note)
    layout.addWidget(tracking)
    qtbot.addWidget(host)
    host.show()
    qtbot.waitActive(host)
    return host, note, tracking


@pytest.fixture
def listener(qtbot):
    clock = FakeClock()
    scanner = ScanListener(clock=clock, prefix="]C0", suffix="#")
    scanner.install(QApplication.instance())
    scans: list[tuple[str, object]] = []
    scanner.scanned.connect(lambda value, field: scans.append((value, field)))
    yield scanner, clock, scans
    scanner.uninstall()


def test_a_burst_is_a_scan_and_never_reaches_the_focused_field(qtbot, form, listener):
    _host, note, _tracking = form
    _scanner, clock, scans = listener
    note.setFocus()
    entered = []
    note.returnPressed.connect(lambda: entered.append(True))
    keys(note, clock, "]C0SKU-123#", gap_ms=3)
    enter(note, clock)
    assert scans == [("SKU-123", None)]  # prefix and suffix stripped
    assert note.text() == "" and entered == []


def test_typing_is_given_back_in_order(qtbot, form, listener):
    _host, note, _tracking = form
    _scanner, clock, scans = listener
    note.setFocus()
    keys(note, clock, "hello", gap_ms=120)  # a person: every key after a pause
    qtbot.waitUntil(lambda: note.text() == "hello", timeout=2000)
    entered = []
    note.returnPressed.connect(lambda: entered.append(True))
    enter(note, clock, gap_ms=150)
    assert scans == [] and entered == [True]


def test_fast_typing_then_a_pause_is_given_back(qtbot, form, listener):
    _host, note, _tracking = form
    scanner, clock, scans = listener
    note.setFocus()
    keys(note, clock, "ok", gap_ms=10)  # two quick keys, then nothing: the timer returns them
    assert note.text() == "" and scanner.holding == "ok"
    qtbot.waitUntil(lambda: note.text() == "ok", timeout=2000)
    keys(note, clock, "ab", gap_ms=10)
    QTest.keyClick(note, Qt.Key.Key_Backspace)  # a non-printable key: held keys go first
    assert note.text() == "oka" and scans == []


def test_enter_after_a_pause_is_not_a_scan(qtbot, form, listener):
    _host, note, _tracking = form
    _scanner, clock, scans = listener
    note.setFocus()
    keys(note, clock, "ABC123", gap_ms=3)
    enter(note, clock, gap_ms=500)
    assert scans == [] and note.text() == "ABC123"


def test_a_scan_into_the_tracking_field_names_the_field(qtbot, form, listener):
    _host, _note, tracking = form
    _scanner, clock, scans = listener
    tracking.setFocus()
    keys(tracking, clock, "1Z999AA10123456784", gap_ms=2)
    enter(tracking, clock)
    assert scans == [("1Z999AA10123456784", tracking)]
    assert tracking.text() == ""  # the packing view fills it with the cleaned value


def test_a_burst_does_not_fire_a_shortcut(qtbot, form, listener):
    host, note, _tracking = form
    _scanner, clock, scans = listener
    fired = []
    action = QAction(host)
    action.setShortcut(QKeySequence("X"))
    action.triggered.connect(lambda: fired.append(True))
    host.addAction(action)
    note.setFocus()
    keys(note, clock, "AXB", gap_ms=3)
    enter(note, clock)
    assert scans == [("AXB", None)] and fired == []


def test_not_listening_when_scans_are_not_wanted(qtbot, form, listener):
    _host, note, _tracking = form
    scanner, clock, scans = listener
    scanner.accepts = lambda: False
    note.setFocus()
    keys(note, clock, "SKU", gap_ms=3)
    enter(note, clock)
    assert scans == [] and note.text() == "SKU"


def wedge(widget, clock: FakeClock, value: str, gap_ms: float) -> None:
    """Keys as a wedge scanner sends them through X: Shift pressed (its own key event, no
    text) before every capital, AltGr before "@", digits from the keypad."""
    shift, altgr = Qt.KeyboardModifier.ShiftModifier, Qt.KeyboardModifier.GroupSwitchModifier
    for char in value:
        clock.ms += gap_ms
        if char.isupper():
            QTest.keyClick(widget, Qt.Key.Key_Shift, shift)
            QTest.keyClick(widget, char, shift)
        elif char == "@":
            QTest.keyClick(widget, Qt.Key.Key_AltGr, altgr)
            QTest.keyClick(widget, char, altgr)
        elif char.isdigit():
            QTest.keyClick(widget, char, Qt.KeyboardModifier.KeypadModifier)
        else:
            QTest.keyClick(widget, char)


@pytest.mark.parametrize("gap_ms", [1, 5, 15, 30])
def test_capitals_with_their_shift_presses_are_one_scan(qtbot, form, listener, gap_ms):
    _host, note, _tracking = form
    _scanner, clock, scans = listener
    note.setFocus()
    wedge(note, clock, "KNF-1047", gap_ms)
    enter(note, clock)
    assert scans == [("KNF-1047", None)] and note.text() == ""


def test_altgr_symbols_keypad_digits_and_a_tab_terminator(qtbot, form, listener):
    _host, note, _tracking = form
    _scanner, clock, scans = listener
    note.setFocus()
    wedge(note, clock, "Ab@7-90", 5)
    clock.ms += 5
    QTest.keyClick(note, Qt.Key.Key_Tab)
    assert scans == [("Ab@7-90", None)]
    assert note.hasFocus() and note.text() == ""  # the Tab ended the scan, moved no focus


def test_a_person_typing_capitals_still_types(qtbot, form, listener):
    _host, note, _tracking = form
    _scanner, clock, scans = listener
    note.setFocus()
    wedge(note, clock, "Fragile", gap_ms=140)
    qtbot.waitUntil(lambda: note.text() == "Fragile", timeout=2000)
    assert scans == []


def test_a_late_pause_timer_does_not_cut_a_burst_still_queued(qtbot, form, listener):
    import time

    _host, note, _tracking = form
    scanner, clock, scans = listener
    note.setFocus()
    wedge(note, clock, "KNF", 1)
    time.sleep((scanner._flush_ms + 40) / 1000)  # the GUI thread busy: the timer fires late
    scanner._pause_seen()
    assert scanner.holding == "KNF"  # looked again first: the rest may be queued
    wedge(note, clock, "-1047", 1)
    enter(note, clock, 1)
    assert scans == [("KNF-1047", None)] and note.text() == ""


def test_a_double_digit_reported_as_auto_repeat_stays_in_the_burst(qtbot, form, listener):
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QKeyEvent

    _host, note, _tracking = form
    _scanner, clock, scans = listener
    note.setFocus()
    wedge(note, clock, "BK-1", 1)
    clock.ms += 1  # X: the second "1" pressed in the same millisecond the first was released
    QApplication.sendEvent(note, QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_1,
                                           Qt.KeyboardModifier.NoModifier, "1", True))
    wedge(note, clock, "36", 1)
    enter(note, clock, 1)
    assert scans == [("BK-1136", None)] and note.text() == ""


def test_every_listener_follows_the_stations_scanner_settings(qtbot, form, tmp_path):
    from PySide6.QtCore import QSettings

    from app.ui.packing.scanner import PREFIX_KEY

    _host, note, _tracking = form
    settings = QSettings(str(tmp_path / "scanner.ini"), QSettings.Format.IniFormat)
    clock = FakeClock()
    scanner = ScanListener.from_settings(settings, clock=clock)
    scanner.install(QApplication.instance())
    scans = []
    scanner.scanned.connect(lambda value, field: scans.append(value))
    try:
        note.setFocus()
        settings.setValue(PREFIX_KEY, "]E0")  # changed in another window's settings dialog
        keys(note, clock, "]E0012345678905", gap_ms=2)
        enter(note, clock)
        assert scans == ["012345678905"]
    finally:
        scanner.uninstall()


# --- sounds -------------------------------------------------------------------------------------

def test_the_shipped_tones_are_small_distinct_wav_files(tmp_path):
    shipped = {name: (sounds_dir() / f"{name}.wav") for name in SOUNDS}
    for name, path in shipped.items():
        assert path.exists(), name
        assert path.stat().st_size < 30_000
        with wave.open(str(path)) as audio:
            assert audio.getnchannels() == 1 and audio.getnframes() > 0
    assert len({p.read_bytes() for p in shipped.values()}) == len(SOUNDS)
    regenerated = write_tones(tmp_path)  # the generator reproduces what is shipped
    assert {p.name: p.read_bytes() for p in regenerated} == {
        p.name: p.read_bytes() for p in shipped.values()}


def test_sounds_use_the_injected_player_and_fall_back_to_a_beep(tmp_path):
    played: list[Path] = []
    ScanSounds(player=played.append).play("ok")
    assert [p.name for p in played] == ["ok.wav"]
    beeps = []
    ScanSounds(player=played.append, folder=tmp_path, beep=lambda: beeps.append(1)).play("ok")
    assert beeps == [1]  # no file there

    def broken(_path: Path) -> None:
        raise OSError("no audio device")
    ScanSounds(player=broken, beep=lambda: beeps.append(2)).play("wrong")
    assert beeps == [1, 2]
    silent = ScanSounds(player=played.append, enabled=False)
    silent.play("packed")
    assert len(played) == 1


def test_the_platform_player_is_found_with_which(monkeypatch):
    monkeypatch.setattr(sounds_module.sys, "platform", "linux")
    monkeypatch.setattr(sounds_module.shutil, "which",
                        lambda name: "/usr/bin/aplay" if name == "aplay" else None)
    started = []
    monkeypatch.setattr(sounds_module.subprocess, "Popen",
                        lambda command, **kw: started.append((command, kw)))
    player = platform_player()
    assert player is not None
    player(Path("/x/ok.wav"))
    command, options = started[0]
    assert command == ["/usr/bin/aplay", "-q", "/x/ok.wav"]
    assert options["start_new_session"] and options["stdout"] is not None
    monkeypatch.setattr(sounds_module.shutil, "which", lambda name: None)
    assert platform_player() is None
