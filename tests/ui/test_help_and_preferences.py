"""Discoverability and fit: the F1 shortcut list, About, Preferences, closing and focusing the
packing view, the order list's sort arrow, and windows sized for small screens (offscreen)."""
from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QColor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from app import __version__
from app.db.repositories.station import PACKER_KEY, STATION_NAME_KEY, StationRepository
from app.slips import PageSize
from app.ui.dialogs.slip_preview import StationPrintSettings
from app.ui.packing.window import PREFIX_KEY, SOUNDS_KEY
from app.ui.screen_fit import MARGIN, fitted
from app.ui.shortcuts import key_text
from app.ui.windows.main_window import MainWindow
from tests.ui.helpers import connect_and_sync, first_pk


def _window(qtbot, context, runner, settings) -> MainWindow:
    window = MainWindow(context, runner, settings=settings, auto_sync=False)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitActive(window)
    return window


def test_f1_lists_every_key_of_both_windows_from_their_actions(qtbot, ui_context, sync_runner,
                                                               qsettings):
    window = _window(qtbot, ui_context, sync_runner, qsettings)
    window.shortcuts_action.trigger()
    dialog = window.shortcuts_dialog
    assert dialog.isVisible() and window.shortcuts_action.shortcut().toString() == "F1"
    packing = window.packing_window()
    qtbot.addWidget(packing)
    listed = {(r.action, r.keys) for r in dialog.rows}
    assert dialog.table.rowCount() == len(dialog.rows)
    # Every action with a key, of both windows, is in the table (nothing hand-written).
    for action in [*window.actions(), *packing.actions()]:
        keys = key_text(action)
        if keys and not action.property("shortcutGroup"):
            assert any(k == keys for _a, k in listed), action.text()
    assert ("Confirm the selected unit by hand", "Ctrl+K") in listed
    assert ("Go to the tracking number", "Ctrl+L") in listed
    assert ("Move units to a new shipment", "Ctrl+Shift+N") in listed
    assert ("Go to shipment 1 … 9", "Alt+1 … Alt+9") in listed  # one row, not nine
    assert ("Close the packing view", "Esc or Ctrl+W") in listed
    assert ("Preferences", "Ctrl+,") in listed and ("Connections", "Ctrl+Shift+C") in listed
    assert sum(1 for r in dialog.rows if r.keys == "F1") == 1


def test_tooltips_name_the_keys_like_the_menus(qtbot, ui_context, sync_runner, qsettings):
    window = _window(qtbot, ui_context, sync_runner, qsettings)
    assert window.sync_action.toolTip().endswith("(F5)")
    assert "(F5)" in window.sync_button.toolTip()
    assert window.print_action.toolTip().endswith("(Ctrl+P)")
    packing = window.packing_window()
    qtbot.addWidget(packing)
    assert packing.confirm_action.toolTip().endswith("(Ctrl+K)")
    assert packing.merge_button.toolTip().endswith("(Ctrl+M)")
    assert packing.undo_button.toolTip().endswith("(Ctrl+Z)")
    menus = {a.text().replace("&", ""): a for a in window.menuBar().actions()}
    assert list(menus) == ["File", "Edit", "Orders", "View", "Help"]
    help_items = [a.text().replace("&", "") for a in menus["Help"].menu().actions()
                  if not a.isSeparator()]
    assert help_items == ["Keyboard shortcuts", "About PackDesk"]


def test_about_shows_version_folders_and_font_licences(qtbot, ui_context, sync_runner,
                                                       qsettings):
    window = _window(qtbot, ui_context, sync_runner, qsettings)
    window.about_action.trigger()
    dialog = window.about_dialog
    assert dialog.isVisible()
    assert dialog.folder_labels["data"].text() == str(ui_context.paths.data_dir)
    assert dialog.folder_labels["logs"].text() == str(ui_context.paths.log_dir)
    assert dialog.folder_labels["data"].textFormat() == Qt.TextFormat.PlainText
    licences = dialog.licences.toPlainText()
    for name in ("DejaVu", "Droid Sans Fallback", "Symbola", "Apache License"):
        assert name in licences
    assert any(__version__ in label.text() for label in dialog.findChildren(type(
        dialog.folder_labels["data"])))


def test_preferences_save_station_scanner_sounds_and_printing(qtbot, ui_context, sync_runner,
                                                               qsettings):
    window = _window(qtbot, ui_context, sync_runner, qsettings)
    window.preferences_action.trigger()
    dialog = window.preferences
    assert window.preferences_action.shortcut().toString() == "Ctrl+,"
    assert [p.title() for p in dialog.pages] == ["Station", "Scanner", "Sounds", "Printing",
                                                 "Verification"]
    station, scanner, sounds, printing, verification = dialog.pages
    assert verification.policy_combo.currentData() == "ask"  # the default, read from the data
    verification.policy_combo.setCurrentIndex(verification.policy_combo.findData("require"))
    station.name_edit.setText("  Bench   9 ")
    station.packer_edit.setText("Ana")
    scanner.form.prefix_edit.setText("]C1")
    sounds.enabled_check.setChecked(False)
    printing.paper_combo.setCurrentIndex(printing.paper_combo.findData(PageSize.A4.value))
    dialog.accept()
    assert not dialog.isVisible()
    repo = StationRepository(ui_context.storage.db)
    assert repo.get(STATION_NAME_KEY) == "Bench 9" and repo.get(PACKER_KEY) == "Ana"
    assert window.windowTitle() == f"PackDesk — Bench 9 ({ui_context.station_id})"
    assert qsettings.value(PREFIX_KEY) == "]C1"
    assert str(qsettings.value(SOUNDS_KEY)).lower() == "false"  # the Sounds page has the say
    prints = StationPrintSettings(qsettings, ui_context.station_id)
    assert prints.paper(PageSize.LETTER) is PageSize.A4
    assert ui_context.packing.verification_policy().value == "require"


def test_preferences_refuse_an_empty_station_name_and_keep_what_was_typed(
        qtbot, ui_context, sync_runner, qsettings):
    window = _window(qtbot, ui_context, sync_runner, qsettings)
    dialog = window.preferences_dialog()
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.show_page("Printing")
    station = dialog.page("Station")
    station.name_edit.setText("   ")
    station.packer_edit.setText("Ana")
    dialog.accept()
    assert dialog.isVisible() and dialog.stack.currentWidget() is station
    assert "cannot be empty" in dialog.error_label.text()
    assert station.packer_edit.text() == "Ana"
    assert StationRepository(ui_context.storage.db).get(PACKER_KEY) == ""  # nothing half-saved


def test_preferences_change_the_open_packing_view_at_once(qtbot, ui_context, sync_runner,
                                                          qsettings):
    window = _window(qtbot, ui_context, sync_runner, qsettings)
    packing = window.packing_window()
    qtbot.addWidget(packing)
    assert packing.sounds.enabled
    dialog = window.preferences_dialog()
    qtbot.addWidget(dialog)
    dialog.page("Sounds").enabled_check.setChecked(False)
    dialog.accept()
    assert not packing.sounds.enabled


def test_escape_and_ctrl_w_close_the_packing_view_and_it_takes_focus_on_open(
        qtbot, ui_context, sync_runner, qsettings, sandbox):
    connect_and_sync(ui_context, sandbox)
    window = _window(qtbot, ui_context, sync_runner, qsettings)
    pk = first_pk(ui_context, "1=1")
    for key, modifier in ((Qt.Key.Key_Escape, Qt.KeyboardModifier.NoModifier),
                          (Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier)):
        window.open_packing(pk)
        packing = window.packing_window()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is packing)
        # The first key after opening goes to the packing view, not the orders window.
        focus = QApplication.focusWidget()
        assert focus is not None and (focus is packing or packing.isAncestorOf(focus))
        QTest.keyClick(focus, key, modifier)
        qtbot.waitUntil(lambda: not packing.isVisible())


def _arrow_points_down(header, section: int) -> bool:
    """Read the drawn sort arrow: a down arrow is widest at its top."""
    image = header.grab().toImage()
    right = header.sectionViewportPosition(section) + header.sectionSize(section)
    widths: dict[int, int] = {}
    for y in range(image.height()):
        for x in range(max(0, right - 30), right):
            if QColor(image.pixel(x, y)).lightness() < 120:
                widths[y] = widths.get(y, 0) + 1
    assert len(widths) >= 2, "no sort arrow drawn"
    rows = sorted(widths)
    return widths[rows[0]] > widths[rows[-1]]


def test_sort_arrow_points_down_for_newest_first(qtbot, ui_context, sync_runner, qsettings):
    window = _window(qtbot, ui_context, sync_runner, qsettings)
    header = window.table.horizontalHeader()
    column = window.model.sort_column()
    assert header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
    assert window.model.order_filter.descending
    assert _arrow_points_down(header, column)
    header.setSortIndicator(column, Qt.SortOrder.AscendingOrder)
    assert not window.model.order_filter.descending
    assert not _arrow_points_down(header, column)


def test_sizes_are_clamped_to_the_screen():
    small = QRect(0, 0, 1024, 700)
    assert fitted(QSize(820, 960), small) == QSize(820, 700 - 2 * MARGIN)
    assert fitted(QSize(1440, 860), small) == QSize(1024 - MARGIN, 700 - 2 * MARGIN)
    assert fitted(QSize(640, 480), small) == QSize(640, 480)


def test_windows_and_dialogs_fit_the_screen(qtbot, ui_context, sync_runner, qsettings):
    from app.services.slips import SlipTarget, slip_job
    from app.ui.dialogs.slip_preview import SlipPreviewDialog

    window = _window(qtbot, ui_context, sync_runner, qsettings)
    area = QApplication.primaryScreen().availableGeometry()
    preview = SlipPreviewDialog(ui_context.slips, slip_job([SlipTarget(1)]), sync_runner,
                                qsettings, parent=window)
    qtbot.addWidget(preview)
    packing = window.packing_window()
    qtbot.addWidget(packing)
    for widget in (window, preview, packing):
        assert widget.height() <= area.height() and widget.width() <= area.width(), widget
