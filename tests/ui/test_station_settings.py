"""QSettings per data folder: window geometry and scanner settings are not shared between two
stations' folders or with the demo; the default folder keeps what all folders shared before."""
from __future__ import annotations

from PySide6.QtCore import QSettings

from app import APP_NAME
from app.ui.dialogs.hold import HoldDialog
from app.ui.settings import station_settings


def test_each_data_folder_and_the_demo_have_their_own_settings(tmp_path):
    first = station_settings(tmp_path / "bench-1")
    second = station_settings(tmp_path / "bench-2")
    demo = station_settings(tmp_path / "packdesk-demo-x1", demo=True)
    assert len({first.fileName(), second.fileName(), demo.fileName()}) == 3
    first.setValue("main/geometry", b"first")
    first.sync()
    assert second.value("main/geometry") is None and demo.value("main/geometry") is None
    again = station_settings(tmp_path / "bench-1" / ".." / "bench-1")  # same folder
    assert again.fileName() == first.fileName() and again.value("main/geometry") == b"first"
    # Every demo run has a new temporary folder but one settings file.
    assert station_settings(tmp_path / "packdesk-demo-x2", demo=True).fileName() == \
        demo.fileName()


def test_the_default_folder_adopts_the_settings_shared_before(tmp_path):
    shared = QSettings(APP_NAME, APP_NAME)
    shared.setValue("scanner/prefix", "]C1")
    shared.sync()
    default = station_settings(tmp_path / "default", default_folder=True)
    assert default.value("scanner/prefix") == "]C1"
    assert station_settings(tmp_path / "other").value("scanner/prefix") is None


def test_hold_reason_field_has_room_for_a_sentence(qtbot):
    dialog = HoldDialog(2)
    qtbot.addWidget(dialog)
    dialog.show()
    edit = dialog.reason_edit
    assert edit.width() >= edit.fontMetrics().horizontalAdvance(
        "customer asked to ship with order 100231")
