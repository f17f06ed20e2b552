"""The scanner listener: keyboard-wedge scans caught whatever widget has focus.

A wedge scanner "types" a code a few milliseconds per key and presses Enter (or Tab). An
application-wide event filter feeds every printable key to the BurstDetector and holds the keys
back; when Enter or Tab ends a burst the value is a scan (`scanned`), and its keys never reach the
focused field. Keys that turn out to be a person typing (a pause longer than the burst gap, a
non-printable key, or Enter after slow keys) are given back, in order, to the widget they were
meant for. Modifier keys type nothing: a scanner presses Shift for every capital and AltGr for
some symbols, so they are part of a burst, never the end of one.

The one field scans may fill is a tracking-number field (a widget with the SCAN_FIELD property):
the burst is still held back, and `scanned` names that field so the packing view fills it with
the cleaned value (prefix and suffix stripped).

Key times are the window system's (the X server's time of each key), so a busy GUI thread does
not stretch a burst into "typing"; events without one (synthetic ones) use the clock, which tests
inject to drive bursts and typing without sleeping.
"""
from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import shiboken6
from PySide6.QtCore import QEvent, QObject, QSettings, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget

from app.domain.scanning import DEFAULT_MAX_GAP_MS, BurstDetector

SCAN_FIELD = "packdeskScanField"  # widget property: a field a scan may fill (tracking number)
# QSettings keys of the station's scanner (read by every listener: list and packing view)
PREFIX_KEY = "scanner/prefix"
SUFFIX_KEY = "scanner/suffix"
MAX_GAP_KEY = "scanner/max_gap_ms"
ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Tab)  # what ends a scan
# Keys that type nothing themselves (X reports AltGr as Key_AltGr with GroupSwitchModifier)
MODIFIER_KEYS = frozenset({
    Qt.Key.Key_Shift, Qt.Key.Key_AltGr, Qt.Key.Key_Control, Qt.Key.Key_Alt, Qt.Key.Key_Meta,
    Qt.Key.Key_Super_L, Qt.Key.Key_Super_R, Qt.Key.Key_CapsLock, Qt.Key.Key_NumLock,
    Qt.Key.Key_Mode_switch})
_KEY_PRESS, _SHORTCUT_OVERRIDE = QEvent.Type.KeyPress, QEvent.Type.ShortcutOverride
_TYPING_MODIFIERS = (Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.KeypadModifier
                     | Qt.KeyboardModifier.GroupSwitchModifier)
# Windows reports AltGr as Ctrl+Alt: with printable text it is typing, not a shortcut
_ALTGR_AS_CTRL_ALT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier


def monotonic_ms() -> float:
    return time.monotonic() * 1000.0


def settings_number(settings: QSettings, key: str, default: float) -> float:
    """The number stored under `key`, or `default`: a hand-edited settings file must not stop
    scanning, nor the settings dialog from opening."""
    try:
        number = float(str(settings.value(key, default)))
    except ValueError:
        return default
    return number if math.isfinite(number) else default


@dataclass
class _HeldKey:
    target: QWidget  # checked with shiboken6.isValid before use: it may have been deleted
    key: int
    modifiers: Qt.KeyboardModifier
    text: str


class ScanListener(QObject):
    """Install once per application (`install()`); `scanned(value, field)` fires on the GUI
    thread for every complete scan. `field` is the focused scan field, or None."""

    scanned = Signal(str, object)  # value, the focused SCAN_FIELD widget or None
    keys_returned = Signal(str)  # held keys given back as typing (for tests and diagnostics)

    def __init__(self, *, prefix: str = "", suffix: str = "",
                 max_gap_ms: float = DEFAULT_MAX_GAP_MS, min_length: int = 3,
                 clock: Callable[[], float] | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.detector = BurstDetector(max_gap_ms=max_gap_ms, min_length=min_length,
                                      prefix=prefix, suffix=suffix)
        # An injected clock (tests) is the only time; else the window system's key times
        self._event_time = clock is None
        self._settings: QSettings | None = None
        self._clock = clock or monotonic_ms
        self._held: list[_HeldKey] = []
        self._last_ms: float | None = None
        self._replaying = False
        self._installed_on: QApplication | None = None
        self.enabled = True
        # Whether scans are wanted now (the packing view shown in the active window)
        self.accepts: Callable[[], bool] | None = None
        # A pause as long as the burst gap means the held keys were typing: give them back.
        self._flush_timer = QTimer(self)
        self._flush_timer.setSingleShot(True)
        self._flush_ms = int(max_gap_ms) + 15
        self._flush_timer.timeout.connect(self._pause_seen)
        self._armed_at = 0.0  # monotonic ms when the flush timer was last started
        self._due_ms = 0.0  # its interval then
        self._rechecks = 0

    # --- set-up -------------------------------------------------------------------------------

    @classmethod
    def from_settings(cls, settings: QSettings, **kwargs) -> ScanListener:
        """A listener that follows the station's scanner settings (prefix, suffix, burst gap):
        re-read at the first key of every burst, so a change made in one window applies to
        the listeners of all."""
        listener = cls(**kwargs)
        listener._settings = settings
        listener.configure_from(settings)
        return listener

    def configure_from(self, settings: QSettings) -> None:
        gap = settings_number(settings, MAX_GAP_KEY, DEFAULT_MAX_GAP_MS)
        self.configure(prefix=str(settings.value(PREFIX_KEY, "") or ""),
                       suffix=str(settings.value(SUFFIX_KEY, "") or ""), max_gap_ms=gap)

    def configure(self, *, prefix: str | None = None, suffix: str | None = None,
                  max_gap_ms: float | None = None) -> None:
        if prefix is not None:
            self.detector.prefix = prefix
        if suffix is not None:
            self.detector.suffix = suffix
        if max_gap_ms is not None:
            self.detector.max_gap_ms = max_gap_ms
            self._flush_ms = int(max_gap_ms) + 15

    def install(self, app: QApplication) -> None:
        if self._installed_on is None:
            app.installEventFilter(self)
            self._installed_on = app

    def uninstall(self) -> None:
        if self._installed_on is not None:
            self.give_back()
            self._installed_on.removeEventFilter(self)
            self._installed_on = None

    @property
    def holding(self) -> str:
        return "".join(k.text for k in self._held)

    # --- the filter ---------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        kind = event.type()  # every event of the app passes here: identity tests only
        if (kind is not _KEY_PRESS and kind is not _SHORTCUT_OVERRIDE) \
                or self._replaying or not self.enabled or not isinstance(watched, QWidget):
            return False
        if self.accepts is not None and not self.accepts():
            if self._held:
                self.give_back()
            return False
        if kind is _SHORTCUT_OVERRIDE:
            # While a burst is held, no key of it (Enter included) may fire a shortcut.
            if self._held and self._is_printable_or_enter(event):
                event.accept()
                return True
            return False
        return self._key_pressed(watched, event)  # type: ignore[arg-type]

    @staticmethod
    def _is_printable_or_enter(event: QKeyEvent) -> bool:
        if event.key() in ENTER_KEYS:
            return not (event.modifiers() & ~_TYPING_MODIFIERS)
        return ScanListener._printable(event)

    @staticmethod
    def _printable(event: QKeyEvent) -> bool:
        text = event.text()
        if len(text) != 1 or not text.isprintable():
            return False
        others = event.modifiers() & ~_TYPING_MODIFIERS
        return not others or others == _ALTGR_AS_CTRL_ALT

    def _now(self, event: QKeyEvent) -> float:
        stamp = event.timestamp() if self._event_time else 0
        return float(stamp) if stamp else self._clock()

    def _key_pressed(self, watched: QWidget, event: QKeyEvent) -> bool:
        now = self._now(event)
        if event.key() in MODIFIER_KEYS:
            # Shift before a capital, AltGr before a symbol: part of a burst, never the end
            if self._held and self._last_ms is not None \
                    and now - self._last_ms <= self.detector.max_gap_ms:
                self.detector.touch(now)
                self._last_ms = now
                self._arm()
            return False
        if event.key() in ENTER_KEYS and not (event.modifiers() & ~_TYPING_MODIFIERS):
            return self._enter(watched, now)
        # (not auto-repeat: X reports a release and press of one key at the same time, as in
        # "11" at 1 ms per key, as a repeat)
        if not self._printable(event):
            self.give_back()  # an arrow, Backspace, a shortcut: whatever was held was typing
            self.detector.reset()
            return False
        if self._held and self._last_ms is not None \
                and now - self._last_ms > self.detector.max_gap_ms:
            self.give_back()  # a pause: the keys before it were typing
        if not self._held and self._settings is not None:
            self.configure_from(self._settings)
        self.detector.key(event.text(), now)
        self._last_ms = now
        self._held.append(_HeldKey(watched, event.key(), event.modifiers(),
                                   event.text()))
        self._arm()
        return True

    def _enter(self, watched: QWidget, now: float) -> bool:
        self._flush_timer.stop()
        value = self.detector.enter(now)
        if value is None:
            self.give_back()
            return False  # a person pressed Enter: the field gets it
        target = self._held[-1].target if self._held else watched
        if not shiboken6.isValid(target):
            target = None
        self._held.clear()
        self._last_ms = None
        field = target if target is not None and target.property(SCAN_FIELD) else None
        self.scanned.emit(value, field)
        return True

    def _arm(self) -> None:
        self._rechecks = 0
        self._start_flush(self._flush_ms)

    def _start_flush(self, interval_ms: int) -> None:
        self._armed_at, self._due_ms = monotonic_ms(), interval_ms
        self._flush_timer.start(interval_ms)

    @Slot()
    def _pause_seen(self) -> None:
        """No key for a burst gap: typing, unless the GUI thread was busy meanwhile. Then the
        timer fires late and the rest of a burst may still be queued behind it (seen at 1 ms
        per key while the packing view opened): look again after those keys, until a timer
        fires on time (the queue is drained), for at most about a second."""
        late = monotonic_ms() - self._armed_at - self._due_ms
        if late > 15 and self._rechecks < 40:
            self._rechecks += 1
            self._start_flush(20)
            return
        self.give_back()

    @Slot()
    def give_back(self) -> None:
        """Replay held keys to the widgets they were meant for: they were typing."""
        self._flush_timer.stop()
        held, self._held = self._held, []
        if not held:
            return
        self.detector.reset()
        self._last_ms = None
        self._replaying = True
        try:
            for key in held:
                target = key.target
                if not shiboken6.isValid(target):
                    continue
                for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                    QApplication.sendEvent(target, QKeyEvent(kind, key.key, key.modifiers,
                                                             key.text))
        finally:
            self._replaying = False
        self.keys_returned.emit("".join(k.text for k in held))
