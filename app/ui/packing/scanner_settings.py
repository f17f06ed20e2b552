"""Scanner and packing preferences of this station: prefix/suffix, burst timing, sounds, and
what happens when the last unit of a shipment is verified. Kept in QSettings (no secrets).
The verification policy is the station's database setting: the dialog only shows the choice
(`verification_choice`); the packing window saves it through the packing service."""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.ui.packing.scanner import (
    DEFAULT_MAX_GAP_MS,
    MAX_GAP_KEY,
    PREFIX_KEY,
    SUFFIX_KEY,
    settings_number,
)

# QSettings keys (sounds, what happens when the last unit is verified; the scanner's are in
# scanner.py)
SOUNDS_KEY = "scanner/sounds"
ON_PACKED_KEY = "packing/on_packed"
ON_PACKED_NOTHING, ON_PACKED_PRINT, ON_PACKED_SHIP = "nothing", "print_slip", "mark_shipped"


def scanner_settings_dialog(settings: QSettings, parent: QWidget,
                            **options: Any) -> ScannerSettingsDialog:
    """The scanner settings dialog on this view's keys (also a page of Preferences); `options`
    go to the dialog as they are."""
    tr = parent.tr
    return ScannerSettingsDialog(
        settings,
        {"prefix": PREFIX_KEY, "suffix": SUFFIX_KEY, "max_gap_ms": MAX_GAP_KEY,
         "sounds": SOUNDS_KEY, "on_packed": ON_PACKED_KEY},
        {"max_gap_ms": DEFAULT_MAX_GAP_MS, "on_packed": ON_PACKED_NOTHING},
        [(ON_PACKED_NOTHING, tr("Nothing: I decide")),
         (ON_PACKED_PRINT, tr("Print the packing slip")),
         (ON_PACKED_SHIP, tr("Mark the shipment shipped"))], parent, **options)


class ScannerSettingsDialog(QDialog):
    def __init__(self, settings: QSettings, keys: dict[str, str], defaults: dict[str, object],
                 on_packed_choices: list[tuple[str, str]], parent: QWidget | None = None,
                 *, verification: tuple[str, list[tuple[str, str]]] | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Scanner and packing"))
        self._settings = settings
        self._keys = keys
        self.prefix_edit = QLineEdit(str(settings.value(keys["prefix"], "") or ""))
        self.suffix_edit = QLineEdit(str(settings.value(keys["suffix"], "") or ""))
        for edit in (self.prefix_edit, self.suffix_edit):
            edit.setMaxLength(16)
        self.gap_spin = QSpinBox()
        self.gap_spin.setRange(10, 150)
        self.gap_spin.setSuffix(" ms")
        default_gap = defaults["max_gap_ms"]
        assert isinstance(default_gap, (int, float))
        self.gap_spin.setValue(int(settings_number(settings, keys["max_gap_ms"], default_gap)))
        self.sounds_check = QCheckBox(self.tr("Play a sound for each scan"))
        sounds = settings.value(keys["sounds"], True)
        self.sounds_check.setChecked(sounds if isinstance(sounds, bool)
                                     else str(sounds).lower() in ("1", "true", "yes"))
        self.on_packed_combo = QComboBox()
        for value, label in on_packed_choices:
            self.on_packed_combo.addItem(label, value)
        current = self.on_packed_combo.findData(settings.value(keys["on_packed"],
                                                               defaults["on_packed"]))
        self.on_packed_combo.setCurrentIndex(max(0, current))

        form = QFormLayout()
        form.addRow(self.tr("Prefix to strip"), self.prefix_edit)
        form.addRow(self.tr("Suffix to strip"), self.suffix_edit)
        form.addRow(self.tr("Longest pause within a scan"), self.gap_spin)
        hint = QLabel(self.tr("Scanners type a code within a few milliseconds per key; people "
                              "pause longer. Raise this only for a slow wireless scanner."))
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #5f6368;")
        form.addRow("", hint)
        form.addRow("", self.sounds_check)
        form.addRow(self.tr("When every unit is verified"), self.on_packed_combo)
        self.verification_combo: QComboBox | None = None
        if verification is not None:
            current_policy, choices = verification
            self.verification_combo = QComboBox()
            self.verification_combo.setObjectName("verificationCombo")
            for value, label in choices:
                self.verification_combo.addItem(label, value)
            self.verification_combo.setCurrentIndex(
                max(0, self.verification_combo.findData(current_policy)))
            form.addRow(self.tr("Shipping units not scanned"), self.verification_combo)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    @property
    def verification_choice(self) -> str | None:
        return self.verification_combo.currentData() if self.verification_combo else None

    def accept(self) -> None:
        s, k = self._settings, self._keys
        s.setValue(k["prefix"], self.prefix_edit.text())
        s.setValue(k["suffix"], self.suffix_edit.text())
        s.setValue(k["max_gap_ms"], self.gap_spin.value())
        s.setValue(k["sounds"], self.sounds_check.isChecked())
        s.setValue(k["on_packed"], self.on_packed_combo.currentData())
        super().accept()
