"""The scanner settings dialog reads what QSettings holds, whatever a hand edit left there."""
import pytest
from PySide6.QtWidgets import QWidget

from app.domain.scanning import DEFAULT_MAX_GAP_MS
from app.ui.packing.scanner import MAX_GAP_KEY
from app.ui.packing.window import scanner_settings_dialog


@pytest.mark.parametrize("stored", ["fast", "nan", "inf"])
def test_a_hand_edited_burst_gap_opens_with_the_default(qtbot, qsettings, stored):
    # found by mypy (float() of a QSettings value): "fast" in the .ini stopped the dialog
    # (and the Preferences page that holds it) from opening at all
    qsettings.setValue(MAX_GAP_KEY, stored)
    parent = QWidget()
    qtbot.addWidget(parent)
    dialog = scanner_settings_dialog(qsettings, parent)
    assert dialog.gap_spin.value() == int(DEFAULT_MAX_GAP_MS)
