"""Edit ▸ Preferences (Ctrl+,): this station's settings, one page per subject.

    dialog = PreferencesDialog(parent=window)
    dialog.add_page(StationPage(context, runner))   # any PreferencesPage: title() and save()
    dialog.open()

Pages are independent widgets, so a new subject (e.g. a verification policy) is one more
`add_page` call. Save asks every page to save in order; a page that refuses (ValueError with a
message) is shown with its message and nothing is closed, so no typed value is lost.
Settings live in QSettings (names and numbers only, never secrets) or, for the station's name
and packer, in the database through the station bar's own jobs on the db pool.
"""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSettings, Qt, Signal, Slot
from PySide6.QtPrintSupport import QPrinterInfo
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.ui.screen_fit import resize_to_screen


class PreferencesPage(QWidget):
    """One page: a title for the list, and save() (raise ValueError to refuse)."""

    def title(self) -> str:
        raise NotImplementedError

    def save(self) -> None:
        raise NotImplementedError


def _hint(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet("color: #5f6368;")
    return label


class PreferencesDialog(QDialog):
    saved = Signal()  # every page saved

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("preferencesDialog")
        self.setWindowTitle(self.tr("Preferences"))
        self.pages: list[PreferencesPage] = []
        self.page_list = QListWidget()
        self.page_list.setObjectName("preferencePages")
        self.page_list.setMaximumWidth(170)
        self.stack = QStackedWidget()
        self.page_list.currentRowChanged.connect(self.stack.setCurrentIndex)
        self.error_label = QLabel()
        self.error_label.setObjectName("preferencesError")
        self.error_label.setTextFormat(Qt.TextFormat.PlainText)
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #b3261e;")
        self.error_label.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        body = QHBoxLayout()
        body.addWidget(self.page_list)
        body.addWidget(self.stack, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(body, 1)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)
        resize_to_screen(self, 680, 480)

    def add_page(self, page: PreferencesPage) -> PreferencesPage:
        self.pages.append(page)
        self.page_list.addItem(page.title())
        self.stack.addWidget(page)
        if self.page_list.currentRow() < 0:
            self.page_list.setCurrentRow(0)
        return page

    def page(self, title: str) -> PreferencesPage | None:
        return next((p for p in self.pages if p.title() == title), None)

    def show_page(self, title: str) -> None:
        page = self.page(title)
        if page is not None:
            self.page_list.setCurrentRow(self.pages.index(page))

    def accept(self) -> None:
        for page in self.pages:
            try:
                page.save()
            except ValueError as exc:  # the page keeps what was typed; say what is wrong
                self.show_page(page.title())
                self.error_label.setText(str(exc))
                self.error_label.show()
                return
        self.saved.emit()
        super().accept()


class StationPage(PreferencesPage):
    """The station's name (shown in titles, slips and the CLI) and the packer working at it."""

    def __init__(self, read: Callable[[Callable[[object], None]], object],
                 write: Callable[[str, str], object], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._write = write
        self._loaded: tuple[str, str] | None = None
        self.name_edit = QLineEdit()
        self.name_edit.setObjectName("stationNameEdit")
        self.name_edit.setPlaceholderText(self.tr("e.g. Bench 3"))
        self.name_edit.setMaxLength(60)
        self.packer_edit = QLineEdit()
        self.packer_edit.setObjectName("packerEdit")
        self.packer_edit.setMaxLength(60)
        form = QFormLayout(self)
        form.addRow(self.tr("Station name"), self.name_edit)
        form.addRow(self.tr("Packer"), self.packer_edit)
        form.addRow("", _hint(self.tr("The station name is shown in the window titles, on the "
                                      "packing bar and by the command line. Scans, prints and "
                                      "shipments record the station and the packer.")))
        for edit in (self.name_edit, self.packer_edit):
            edit.setEnabled(False)  # until the current values are read
        read(self._show)

    def title(self) -> str:
        return self.tr("Station")

    @Slot(object)
    def _show(self, value: object) -> None:
        name, packer = value[0], value[1]  # type: ignore[index]
        self._loaded = (name, packer)
        self.name_edit.setText(name)
        self.packer_edit.setText(packer)
        for edit in (self.name_edit, self.packer_edit):
            edit.setEnabled(True)

    def save(self) -> None:
        if self._loaded is None:
            return  # never shown its values: nothing to change
        name = " ".join(self.name_edit.text().split())
        packer = " ".join(self.packer_edit.text().split())
        if not name or not packer:
            raise ValueError(self.tr("The station name and the packer cannot be empty."))
        if (name, packer) != self._loaded:
            self._write(name if name != self._loaded[0] else "",
                        packer if packer != self._loaded[1] else "")


class VerificationPage(PreferencesPage):
    """What shipping with units nobody scanned does at this station (kept in the database,
    read and written on the db pool like the station's name)."""

    def __init__(self, choices: list[tuple[str, str]],
                 read: Callable[[Callable[[object], None]], object],
                 write: Callable[[str], object], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._write = write
        self._loaded: str | None = None
        self.policy_combo = QComboBox()
        self.policy_combo.setObjectName("verificationPolicyCombo")
        for value, label in choices:
            self.policy_combo.addItem(label, value)
        self.policy_combo.setEnabled(False)  # until the current policy is read
        form = QFormLayout(self)
        form.addRow(self.tr("Units not scanned"), self.policy_combo)
        form.addRow("", _hint(self.tr(
            "Ask: Ctrl+Enter lists the units nobody scanned and ships them only with a reason, "
            "recorded with the packer and the time. Require: a shipment ships only once every "
            "unit is scanned or confirmed.")))
        read(self._show)

    def title(self) -> str:
        return self.tr("Verification")

    @Slot(object)
    def _show(self, value: object) -> None:
        self._loaded = str(value)
        index = self.policy_combo.findData(self._loaded)
        self.policy_combo.setCurrentIndex(max(index, 0))
        self.policy_combo.setEnabled(True)

    def save(self) -> None:
        chosen = self.policy_combo.currentData()
        if self._loaded is not None and chosen and chosen != self._loaded:
            self._write(str(chosen))


class EmbeddedFormPage(PreferencesPage):
    """A settings dialog shown as a page (its own fields and save logic, no second copy):
    its buttons are hidden and Save runs its accept()."""

    def __init__(self, title: str, form: QDialog, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._title = title
        self.form = form
        form.setParent(self)
        form.setWindowFlags(Qt.WindowType.Widget)
        for box in form.findChildren(QDialogButtonBox):
            box.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(form)

    def title(self) -> str:
        return self._title

    def save(self) -> None:
        self.form.accept()


class SoundsPage(PreferencesPage):
    def __init__(self, settings: QSettings, key: str, sounds: list[tuple[str, str]],
                 play: Callable[[str], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._settings = settings
        self._key = key
        value = settings.value(key, True)
        self.enabled_check = QCheckBox(self.tr("Play a sound for each scan"))
        self.enabled_check.setObjectName("soundsCheck")
        self.enabled_check.setChecked(value if isinstance(value, bool)
                                      else str(value).lower() in ("1", "true", "yes"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.enabled_check)
        layout.addWidget(_hint(self.tr("A packer looks at the box, not the screen: each result "
                                       "has its own sound. Try them:")))
        row = QHBoxLayout()
        self.try_buttons: dict[str, QPushButton] = {}
        for name, label in sounds:
            button = QPushButton(label)
            button.clicked.connect(lambda _c=False, n=name: play(n))
            self.try_buttons[name] = button
            row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(1)

    def title(self) -> str:
        return self.tr("Sounds")

    def save(self) -> None:
        self._settings.setValue(self._key, self.enabled_check.isChecked())


class PrintingPage(PreferencesPage):
    """The paper slips and pick lists print on by default, and the printer to use."""

    def __init__(self, station_print, papers: dict, default_paper,
                 printers: list[str] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._station = station_print  # slip_preview.StationPrintSettings
        self.paper_combo = QComboBox()
        self.paper_combo.setObjectName("paperCombo")
        for size, name in papers.items():
            self.paper_combo.addItem(name, size.value)
        current = self._station.paper(default_paper)
        self.paper_combo.setCurrentIndex(max(0, self.paper_combo.findData(current.value)))
        self.printer_combo = QComboBox()
        self.printer_combo.setObjectName("printerCombo")
        self.printer_combo.addItem(self.tr("The system's default printer"), "")
        names = printers if printers is not None else QPrinterInfo.availablePrinterNames()
        chosen = self._station.printer_name()
        for name in dict.fromkeys([*names, *([chosen] if chosen else [])]):
            self.printer_combo.addItem(name, name)
        self.printer_combo.setCurrentIndex(max(0, self.printer_combo.findData(chosen)))
        form = QFormLayout(self)
        form.addRow(self.tr("Paper"), self.paper_combo)
        form.addRow(self.tr("Printer"), self.printer_combo)
        form.addRow("", _hint(self.tr("The print preview starts with these; a choice made "
                                      "there is remembered too.")))

    def title(self) -> str:
        return self.tr("Printing")

    def save(self) -> None:
        self._station.set_paper(self.paper_combo.currentData())
        self._station.set_printer_name(str(self.printer_combo.currentData() or ""))
