"""The station bar, always at the top of the packing view: this station's name and the packer.

The station name is set once; the packer switches in one step (a click on a recent packer, or
Ctrl+Shift+P, type or pick, Enter). Both are stored in the database (StationService, run on
the db pool), where the services read them for every scan, shipment and print.
"""
from __future__ import annotations

from typing import cast

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QToolButton,
    QWidget,
)

from app.context import AppContext
from app.services.packing import station_label
from app.services.station import StationSettings
from app.ui.tasks import DB, TaskRunner

QUICK_CHIPS = 3


class StationBar(QFrame):
    packer_switched = Signal(str)
    station_renamed = Signal(str)

    def __init__(self, context: AppContext, runner: TaskRunner,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._runner = runner
        self.station_name = ""
        self.packer = ""
        self.recent: list[str] = []
        self.setObjectName("stationBar")
        self.setStyleSheet(
            "QFrame#stationBar { background: #263238; border-bottom: 1px solid #11181c; }"
            "QFrame#stationBar QLabel { color: #cfd8dc; }"
            "QFrame#stationBar QLabel#stationName { color: white; font-weight: 600; }"
            "QFrame#stationBar QToolButton { color: #eceff1; border: 1px solid #455a64;"
            " border-radius: 10px; padding: 2px 10px; }"
            "QFrame#stationBar QToolButton:hover { background: #37474f; }"
            "QFrame#stationBar QToolButton#setStationButton[unset=\"true\"]"
            " { background: #f9a825; color: #263238; border-color: #f9a825; }"
            "QFrame#stationBar QComboBox { min-width: 150px; }")

        self.station_label = QLabel()
        self.station_label.setObjectName("stationName")
        self.station_label.setTextFormat(Qt.TextFormat.PlainText)
        self.rename_button = QToolButton()
        self.rename_button.setObjectName("setStationButton")
        self.rename_button.setText(self.tr("Rename…"))
        self.rename_button.setToolTip(self.tr("Name this station once, e.g. \"Bench 3\""))
        self.rename_button.clicked.connect(self.ask_station_name)

        self.packer_combo = QComboBox()
        self.packer_combo.setObjectName("packerCombo")
        self.packer_combo.setEditable(True)
        self.packer_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.packer_combo.setToolTip(self.tr("Who is packing (Ctrl+Shift+P to switch)"))
        self.packer_combo.lineEdit().setPlaceholderText(self.tr("Packer name"))
        self.packer_combo.activated.connect(self._packer_picked)
        self.packer_combo.lineEdit().returnPressed.connect(self._packer_typed)
        self.chips: list[QToolButton] = []
        self._chip_box = QHBoxLayout()
        self._chip_box.setSpacing(4)

        self.scanner_label = QLabel()
        self.scanner_label.setObjectName("scannerState")
        self.scanner_label.setTextFormat(Qt.TextFormat.PlainText)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 6, 12, 6)
        layout.setSpacing(8)
        layout.addWidget(QLabel(self.tr("Station")))
        layout.addWidget(self.station_label)
        layout.addWidget(self.rename_button)
        layout.addSpacing(18)
        layout.addWidget(QLabel(self.tr("Packer")))
        layout.addWidget(self.packer_combo)
        layout.addLayout(self._chip_box)
        layout.addStretch(1)
        layout.addWidget(self.scanner_label)

    def reload(self) -> None:
        self._runner.submit(DB, self._context.station_service.settings, on_result=self._loaded)

    @Slot(object)
    def _loaded(self, value: object) -> None:
        name, packer, recent, named = cast(StationSettings, value)
        self.station_name = name
        self.station_label.setText(station_label(name, self._context.station_id))
        self.rename_button.setText(self.tr("Rename…") if named else self.tr("Set station name…"))
        self.rename_button.setProperty("unset", not named)
        self.rename_button.style().unpolish(self.rename_button)
        self.rename_button.style().polish(self.rename_button)
        self._show_packer(packer, recent or [packer])

    def _show_packer(self, packer: str, recent: list[str]) -> None:
        self.packer = packer
        self.recent = list(recent)
        self.packer_combo.blockSignals(True)
        self.packer_combo.clear()
        self.packer_combo.addItems(self.recent if packer in self.recent
                                   else [packer, *self.recent])
        self.packer_combo.setCurrentText(packer)
        self.packer_combo.blockSignals(False)
        for chip in self.chips:
            self._chip_box.removeWidget(chip)
            chip.deleteLater()
        self.chips = []
        for other in [n for n in self.recent if n != packer][:QUICK_CHIPS]:
            chip = QToolButton()
            chip.setObjectName("packerChip")
            chip.setText(other)  # QToolButton text is never rich text
            chip.setToolTip(self.tr("Switch to %s") % other)
            chip.clicked.connect(lambda _checked=False, n=other: self.switch_packer(n))
            self._chip_box.addWidget(chip)
            self.chips.append(chip)

    # --- switching ----------------------------------------------------------------------------

    def focus_packer(self) -> None:
        """Ctrl+Shift+P: the packer field, ready to type or pick."""
        self.packer_combo.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.packer_combo.lineEdit().selectAll()

    @Slot(int)
    def _packer_picked(self, index: int) -> None:
        self.switch_packer(self.packer_combo.itemText(index))

    @Slot()
    def _packer_typed(self) -> None:
        self.switch_packer(self.packer_combo.currentText())

    def switch_packer(self, name: str) -> None:
        name = " ".join(name.split())
        if not name or name == self.packer:
            self.packer_combo.setCurrentText(self.packer)
            return
        self._runner.submit(DB, self._context.station_service.switch_packer, name,
                            on_result=self._packer_saved)

    @Slot(object)
    def _packer_saved(self, value: object) -> None:
        packer, recent = cast(tuple[str, list[str]], value)
        self._show_packer(packer, recent)
        self.packer_switched.emit(packer)

    def ask_station_name(self) -> None:
        name, ok = QInputDialog.getText(self, self.tr("Station name"),
                                        self.tr("What is this station called (e.g. Bench 3)?"),
                                        QLineEdit.EchoMode.Normal, self.station_name)
        if ok:
            self.rename_station(name)

    def rename_station(self, name: str) -> None:
        name = " ".join(name.split())
        if name:
            self._runner.submit(DB, self._context.station_service.rename, name,
                                on_result=self._station_saved)

    @Slot(object)
    def _station_saved(self, value: object) -> None:
        self.reload()
        self.station_renamed.emit(str(value))

    def set_scanner_state(self, text: str) -> None:
        self.scanner_label.setText(text)
