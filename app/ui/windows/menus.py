"""The orders workspace's actions and menus, and what they open: preferences, the keyboard
shortcuts, About; the station name in the window titles."""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication

from app import APP_NAME
from app.ui.shortcuts import ShortcutRow, shortcut_rows, show_keys_in_tooltip
from app.ui.tasks import DB
from app.ui.windows.sync_status import CONNECTIONS_KEYS
from app.ui.windows.view_sidebar import side_views

if TYPE_CHECKING:
    from app.ui.windows.parts import WorkspaceParts as _Base
else:
    _Base = object


class Menus(_Base):
    """MainWindow's actions, menus and dialogs (a mixin: it shares the window's state)."""

    def _action(self, text: str,
                shortcut: QKeySequence | QKeySequence.StandardKey | str | None, slot,
                tip: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setToolTip(tip)
            action.setStatusTip(tip)
        if slot is not None:
            action.triggered.connect(slot)
        show_keys_in_tooltip(action)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        self.connections_action = self._action(self.tr("&Connections…"), CONNECTIONS_KEYS,
                                               self.open_connections,
                                               self.tr("Add, test and set up store connections"))
        self.quit_action = self._action(self.tr("&Quit"), QKeySequence.StandardKey.Quit,
                                        self.close)
        self.quit_action.setShortcuts([QKeySequence("Ctrl+Q")])
        self.find_action = self._action(self.tr("&Find orders"), QKeySequence("Ctrl+F"),
                                        self.focus_search)
        self.sync_action = self._action(self.tr("&Sync now"), QKeySequence("F5"),
                                        self.sync_now,
                                        self.tr("Fetch new and changed orders from the stores"))
        self.sync_button.setDefaultAction(self.sync_action)
        self.sync_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.print_action = self._action(self.tr("&Print packing slips…"),
                                         QKeySequence("Ctrl+P"), self.print_selected_slips,
                                         self.tr("Preview and print the slips of the selected "
                                                 "orders"))
        self.pick_list_action = self._action(self.tr("Print pic&k list…"),
                                             QKeySequence("Ctrl+Shift+K"),
                                             self.print_pick_list,
                                             self.tr("A pick list of the selected orders, "
                                                     "sorted by bin"))
        self.add_tag_action = self._action(self.tr("Add &tag…"), QKeySequence("Ctrl+T"),
                                           self.add_tag, self.tr("Tag the selected orders"))
        self.remove_tag_action = self._action(self.tr("&Remove tag…"),
                                              QKeySequence("Ctrl+Shift+T"), self.remove_tag,
                                              self.tr("Remove a tag from the selected orders"))
        self.hold_action = self._action(self.tr("&Hold / release…"), QKeySequence("Ctrl+H"),
                                        self.toggle_hold,
                                        self.tr("Hold the selected orders, or release them"))
        self.pack_action = self._action(self.tr("&Pack order"), QKeySequence("Ctrl+Return"),
                                        self.pack_selected,
                                        self.tr("Open the selected order in the packing view "
                                                "(or press Enter, or scan its slip)"))
        self.import_action = self._action(self.tr("&Import from a date…"), None,
                                          self.import_from_date,
                                          self.tr("Fetch older orders of a connection, created "
                                                  "from a date you choose"))
        self.outbox_action = self._action(self.tr("&Outbox…"), QKeySequence("Ctrl+Shift+O"),
                                          self.open_outbox,
                                          self.tr("Store updates waiting, failed or delivered"))
        self.admin_action = self._action(self.tr("Open in store &admin"),
                                         QKeySequence("Ctrl+Shift+A"), self.detail.open_admin)
        self.clear_search_action = self._action(self.tr("Clear search"), None, self.clear_search)
        self.next_view_action = self._action(self.tr("Next view"), QKeySequence("Ctrl+PgDown"),
                                             lambda: self._step_view(1))
        self.prev_view_action = self._action(self.tr("Previous view"),
                                             QKeySequence("Ctrl+PgUp"),
                                             lambda: self._step_view(-1))
        self.preferences_action = self._action(
            self.tr("&Preferences…"), QKeySequence("Ctrl+,"), self.open_preferences,
            self.tr("Station name and packer, scanner, sounds and printing"))
        self.preferences_action.setMenuRole(QAction.MenuRole.PreferencesRole)
        self.shortcuts_action = self._action(self.tr("&Keyboard shortcuts"),
                                             QKeySequence("F1"), self.show_shortcuts,
                                             self.tr("Every key of the orders list and the "
                                                     "packing view"))
        self.about_action = self._action(self.tr("&About PackDesk"), None, self.show_about)
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)
        self._build_menus()

    def _build_menus(self) -> None:
        menu = self.menuBar()
        file_menu = menu.addMenu(self.tr("&File"))
        file_menu.addAction(self.connections_action)
        file_menu.addAction(self.outbox_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        edit_menu = menu.addMenu(self.tr("&Edit"))
        edit_menu.addAction(self.preferences_action)
        orders_menu = menu.addMenu(self.tr("&Orders"))
        for action in (self.find_action, self.sync_action, self.import_action, None,
                       self.pack_action,
                       self.print_action, self.pick_list_action, None, self.add_tag_action,
                       self.remove_tag_action, self.hold_action, None, self.outbox_action,
                       self.admin_action):
            if action is None:
                orders_menu.addSeparator()
            else:
                orders_menu.addAction(action)
        orders_menu.setToolTipsVisible(True)
        view_menu = menu.addMenu(self.tr("&View"))
        self.view_actions: list[QAction] = []
        for number, (key, title) in enumerate(side_views(self.tr), start=1):
            action = self._action(title, QKeySequence(f"Ctrl+{number}"),
                                  lambda _=False, k=key: self.select_view("view", k))
            view_menu.addAction(action)
            self.view_actions.append(action)
        view_menu.addSeparator()
        view_menu.addAction(self.next_view_action)
        view_menu.addAction(self.prev_view_action)
        help_menu = menu.addMenu(self.tr("&Help"))
        help_menu.addAction(self.shortcuts_action)
        help_menu.addSeparator()
        help_menu.addAction(self.about_action)
        self.table.addActions([self.add_tag_action, self.remove_tag_action, self.hold_action,
                               self.print_action, self.admin_action])
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self._selection_changed()

    def reload_station(self) -> None:
        """The station's name, read on the db pool, in the window titles."""
        self._runner.submit(DB, self._context.station, on_result=self._station_loaded)

    @Slot(object)
    def _station_loaded(self, station: object) -> None:
        self.station_label = station.label  # type: ignore[attr-defined]
        self._show_station_title()

    def _show_station_title(self) -> None:
        self.setWindowTitle(f"{APP_NAME} — {self.station_label}")
        if self._packing is not None:
            self._packing.setWindowTitle(self.tr("%1 — packing — %2").replace("%1", APP_NAME)
                                         .replace("%2", self.station_label))

    def preferences_dialog(self):
        """Preferences with this station's pages (more pages: dialog.add_page(page))."""
        from app.domain.verification import POLICY_LABELS, VerificationPolicy
        from app.slips import PageSize
        from app.ui.dialogs.preferences import (
            EmbeddedFormPage,
            PreferencesDialog,
            PrintingPage,
            SoundsPage,
            StationPage,
            VerificationPage,
        )
        from app.ui.dialogs.slip_preview import PAPER_NAMES, StationPrintSettings
        from app.ui.packing import sounds as scan_sounds
        from app.ui.packing.window import SOUNDS_KEY, scanner_settings_dialog

        context, runner = self._context, self._runner
        dialog = PreferencesDialog(self)
        dialog.add_page(StationPage(
            lambda done: runner.submit(DB, context.station_service.settings, on_result=done),
            lambda name, packer: runner.submit(DB, context.station_service.save, name,
                                               packer, on_result=self._station_saved,
                                               on_error=self._show_error)))
        dialog.add_page(EmbeddedFormPage(self.tr("Scanner"),
                                         scanner_settings_dialog(self._settings, dialog)))
        scanner_form = dialog.pages[-1].form  # type: ignore[attr-defined]
        if hasattr(scanner_form, "sounds_check"):
            scanner_form.sounds_check.hide()  # the Sounds page has it (saved after this one)
        player = scan_sounds.ScanSounds()
        dialog.add_page(SoundsPage(self._settings, SOUNDS_KEY, [
            (scan_sounds.OK, self.tr("OK")), (scan_sounds.WRONG, self.tr("Wrong item")),
            (scan_sounds.OVER_SCAN, self.tr("One too many")),
            (scan_sounds.PACKED, self.tr("Packed"))], player.play))
        dialog.add_page(PrintingPage(StationPrintSettings(self._settings, context.station_id),
                                     PAPER_NAMES, PageSize.LETTER))
        dialog.add_page(VerificationPage(
            [(p.value, self.tr(POLICY_LABELS[p])) for p in VerificationPolicy],
            lambda done: runner.submit(DB, context.packing.verification_policy, on_result=done),
            lambda policy: runner.submit(DB, context.packing.set_verification_policy, policy,
                                         on_error=self._show_error)))
        dialog.saved.connect(self._preferences_saved)
        return dialog

    @Slot()
    def open_preferences(self) -> None:
        dialog = self.preferences_dialog()
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.preferences = dialog
        dialog.open()

    @Slot()
    def _preferences_saved(self) -> None:
        self._settings.sync()
        if self._packing is not None:
            self._packing.reload_settings()

    @Slot(object)
    def _station_saved(self, _value: object) -> None:
        self.reload_station()
        if self._packing is not None:
            self._packing.station_bar.reload()

    def shortcut_list(self) -> list[ShortcutRow]:
        """Every key of both windows, read from their actions (the F1 list)."""
        rows = shortcut_rows(self.tr("Orders"), self.actions())
        packing = self.packing_window()
        mine = set(self.actions())
        rows += shortcut_rows(self.tr("Packing"), [a for a in packing.actions()
                                                   if a not in mine])
        return rows

    @Slot()
    def show_shortcuts(self) -> None:
        from app.ui.dialogs.shortcuts import ShortcutsDialog

        parent = QApplication.activeWindow() or self
        rows = self.shortcut_list()
        if parent is self._packing:  # asked from the packing view: its keys first
            rows.sort(key=lambda r: r.area != self.tr("Packing"))
        dialog = ShortcutsDialog(rows, parent)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.shortcuts_dialog = dialog
        dialog.open()

    @Slot()
    def show_about(self) -> None:
        from app.slips.fonts import fonts_dir
        from app.ui.dialogs.about import AboutDialog

        paths = self._context.paths
        dialog = AboutDialog(data_dir=paths.data_dir, log_dir=paths.log_dir,
                             fonts_dir=fonts_dir(), station=self.station_label, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.about_dialog = dialog
        dialog.open()
