"""Store connections: list, add, edit, test and remove, with every per-connection setting.

Network work (test, add, token replacement, status refresh) runs on the network pool; the
dialog stays responsive and shows results in place. Validation messages come from
validate_settings and appear under the field they are about. The token field echoes as
password dots and the token goes only to the secrets facade (never QSettings or logs).
"""
from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import Qt, QUrl, Signal, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.context import AppContext
from app.db.repositories.connections import ConnectionRecord
from app.domain.connection_settings import (
    DEFAULT_BIN_FIELD,
    TRACKING_URL_PRESETS,
    ConnectionSettings,
    StatusInfo,
    validate_settings,
)
from app.domain.status_rules import (
    StatusView,
    default_view_for_status,
    format_status_list,
    parse_status_list,
)
from app.domain.store_info import StorefrontInfo
from app.errors import PackDeskError
from app.integrations.americommerce.address import StoreAddress, parse_store_address
from app.services.connections import StoreCheck
from app.ui.screen_fit import resize_to_screen
from app.ui.tasks import DB, NETWORK, TaskRunner

log = logging.getLogger(__name__)

ERROR_STYLE = "color: #b3261e;"
OK_STYLE = "color: #1f7a3a;"
EXTRA_CARRIER_ROWS = 2  # empty rows for carriers the presets do not know


def view_titles(tr) -> dict[StatusView, str]:
    return {StatusView.AWAITING_PAYMENT: tr("Awaiting payment"),
            StatusView.AWAITING_SHIPMENT: tr("Awaiting shipment"),
            StatusView.ON_HOLD: tr("On hold"), StatusView.SHIPPED: tr("Shipped"),
            StatusView.CANCELLED: tr("Cancelled")}


class ConnectionsDialog(QDialog):
    connections_changed = Signal()
    store_checked = Signal(object)  # StoreCheck or the StoreError, after "Test"
    saved = Signal(int)  # connection id
    save_failed = Signal(str)

    def __init__(self, context: AppContext, runner: TaskRunner,
                 parent: QWidget | None = None, *,
                 open_url: Callable[[str], object] | None = None,
                 ask_oauth_app: Callable[[], tuple[str, str] | None] | None = None,
                 confirm_idn: Callable[[StoreAddress], bool] | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("connectionsDialog")
        # Injected in tests: the browser that shows the store's consent page, the prompt
        # for the app's client id and secret, and the question before an international domain.
        self._open_url = open_url or (lambda url: QDesktopServices.openUrl(QUrl(url)))
        self._ask_oauth_app = ask_oauth_app or self._prompt_oauth_app
        self._confirm_idn = confirm_idn or self._prompt_idn
        self.setWindowTitle(self.tr("Store connections"))
        self._context = context
        self._runner = runner
        self._record: ConnectionRecord | None = None  # None while adding a new one
        self._check: StoreCheck | None = None
        self._statuses: list[StatusInfo] = []
        self._busy = False
        self._titles = view_titles(self.tr)
        self.errors: dict[str, QLabel] = {}

        self.connection_list = QListWidget()
        self.connection_list.setObjectName("connectionList")
        self.connection_list.currentItemChanged.connect(self._connection_selected)
        self.add_button = QPushButton(self.tr("&Add connection"))
        self.add_button.clicked.connect(self.start_new)
        self.remove_button = QPushButton(self.tr("&Remove…"))
        self.remove_button.clicked.connect(self.remove_current)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.connection_list, 1)
        buttons_row = QHBoxLayout()
        buttons_row.addWidget(self.add_button)
        buttons_row.addWidget(self.remove_button)
        left_layout.addLayout(buttons_row)

        self.tabs = QTabWidget()
        self.tabs.addTab(self._store_tab(), self.tr("Store"))
        self.tabs.addTab(self._import_tab(), self.tr("Import"))
        self.tabs.addTab(self._shipping_tab(), self.tr("After shipping"))
        self.tabs.addTab(self._views_tab(), self.tr("Status views"))

        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(self.tabs)
        splitter.setSizes([200, 620])
        splitter.setChildrenCollapsible(False)

        self.message_label = QLabel()
        self.message_label.setObjectName("saveMessage")
        self.message_label.setTextFormat(Qt.TextFormat.PlainText)
        self.message_label.setWordWrap(True)
        self.button_box = QDialogButtonBox()
        self.save_button = self.button_box.addButton(self.tr("&Save"),
                                                     QDialogButtonBox.ButtonRole.ApplyRole)
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        close = self.button_box.addButton(QDialogButtonBox.StandardButton.Close)
        close.clicked.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.message_label, 1)
        bottom.addWidget(self.button_box)
        layout.addLayout(bottom)
        resize_to_screen(self, 900, 620)

        for widget in (self.name_edit, self.address_edit, self.prefix_edit, self.tag_edit,
                       self.bin_edit, self.statuses_edit):
            widget.textChanged.connect(self.validate)
        for spin in (self.days_spin, self.poll_spin):
            spin.valueChanged.connect(self.validate)
        for combo in (self.claim_combo, self.shipped_combo, self.partial_combo):
            combo.currentIndexChanged.connect(self.validate)
        self.import_default.toggled.connect(self.validate)
        self.storefronts_all.toggled.connect(self.validate)
        self.storefront_list.itemChanged.connect(self.validate)
        self.reload_list()

    # --- tabs -------------------------------------------------------------------------------

    def _error(self, key: str) -> QLabel:
        label = QLabel()
        label.setObjectName(f"error_{key}")
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setWordWrap(True)
        label.setStyleSheet(ERROR_STYLE)
        label.hide()
        self.errors[key] = label
        return label

    def _row(self, form: QFormLayout, title: str, widget: QWidget, key: str,
             hint: str = "") -> None:
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(widget)
        if hint:
            note = QLabel(hint)
            note.setWordWrap(True)
            note.setStyleSheet("color: #5f6368;")
            column.addWidget(note)
        column.addWidget(self._error(key))
        form.addRow(title, box)

    @staticmethod
    def _either(page: QWidget, default: QRadioButton, chosen: QRadioButton,
                detail: QWidget) -> QWidget:
        """Two exclusive choices; the detail below is editable only with the second."""
        group = QButtonGroup(page)
        group.addButton(default)
        group.addButton(chosen)
        default.setChecked(True)
        detail.setEnabled(False)
        chosen.toggled.connect(detail.setEnabled)
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (default, chosen, detail):
            layout.addWidget(widget)
        return box

    def _store_tab(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.name_edit = QLineEdit()
        self.name_edit.setObjectName("nameEdit")
        self._row(form, self.tr("Name"), self.name_edit, "name")
        self.address_edit = QLineEdit()
        self.address_edit.setObjectName("addressEdit")
        self.address_edit.setPlaceholderText("mystore.americommerce.com")
        self._row(form, self.tr("Store domain"), self.address_edit, "address")
        self.token_edit = QLineEdit()
        self.token_edit.setObjectName("tokenEdit")
        self.token_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.token_edit.setToolTip(self.tr("Kept in the system keyring only"))
        self._row(form, self.tr("Access token"), self.token_edit, "token",
                  self.tr("Store admin → Tools → Apps & Addons → API Apps & Integrations."))
        test_row = QWidget()
        test_layout = QHBoxLayout(test_row)
        test_layout.setContentsMargins(0, 0, 0, 0)
        self.test_button = QPushButton(self.tr("&Test connection"))
        self.test_button.setObjectName("testButton")
        self.test_button.clicked.connect(self.test_store)
        test_layout.addWidget(self.test_button)
        self.test_result = QLabel()
        self.test_result.setObjectName("testResult")
        self.test_result.setTextFormat(Qt.TextFormat.PlainText)
        self.test_result.setWordWrap(True)
        test_layout.addWidget(self.test_result, 1)
        form.addRow("", test_row)
        self.oauth_button = QPushButton(self.tr("Connect as an OAuth &app instead…"))
        self.oauth_button.setObjectName("oauthButton")
        self.oauth_button.setToolTip(self.tr("For stores that grant access to an app (client id "
                                             "and secret) rather than with an access token"))
        self.oauth_button.clicked.connect(self.connect_oauth)
        form.addRow("", self.oauth_button)

        self.storefronts_all = QRadioButton(self.tr("All storefronts the token reaches"))
        self.storefronts_chosen = QRadioButton(self.tr("Only these storefronts:"))
        self.storefront_list = QListWidget()
        self.storefront_list.setObjectName("storefrontList")
        self.storefront_list.setMaximumHeight(120)
        fronts = self._either(page, self.storefronts_all, self.storefronts_chosen,
                              self.storefront_list)
        self._row(form, self.tr("Storefronts"), fronts, "storefront_ids",
                  self.tr("Test the connection to list the account's storefronts."))
        return page

    def _import_tab(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.import_default = QRadioButton(self.tr("Open orders that are not shipped and not "
                                                   "quotes (default)"))
        self.import_named = QRadioButton(self.tr("Orders in these statuses:"))
        self.statuses_edit = QLineEdit()
        self.statuses_edit.setObjectName("importStatusesEdit")
        self.statuses_edit.setPlaceholderText(self.tr("e.g. Pending, Approved Pending Shipping"))
        rule = self._either(page, self.import_default, self.import_named, self.statuses_edit)
        self._row(form, self.tr("Import rule"), rule, "import_statuses",
                  self.tr("Comma-separated, case-insensitive; drop commas inside a name."))
        self.days_spin = QSpinBox()
        self.days_spin.setRange(0, 9999)
        self.days_spin.setSuffix(self.tr(" days"))
        self._row(form, self.tr("Orders created within"), self.days_spin, "created_within_days")
        self.poll_spin = QSpinBox()
        self.poll_spin.setRange(0, 9999)
        self.poll_spin.setSuffix(self.tr(" min"))
        self._row(form, self.tr("Check for new orders every"), self.poll_spin,
                  "poll_interval_min")
        self.tag_edit = QLineEdit()
        self._row(form, self.tr("Tag for new orders"), self.tag_edit, "new_order_tag",
                  self.tr("Optional; newly imported orders get this local tag."))
        self.prefix_edit = QLineEdit()
        self._row(form, self.tr("Order number prefix"), self.prefix_edit, "order_prefix",
                  self.tr("Shown in lists, slips and search; never sent to the store."))
        self.bin_edit = QLineEdit()
        self._row(form, self.tr("Bin location field"), self.bin_edit, "bin_field_name",
                  self.tr("The product custom field that holds the bin."))
        return page

    def _status_combo(self, name: str) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(name)
        combo.addItem(self.tr("(none)"), None)
        return combo

    def _shipping_tab(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.claim_combo = self._status_combo("claimCombo")
        self._row(form, self.tr("Status after import (claim)"), self.claim_combo,
                  "claim_status_id", self.tr("Must not be a status that is imported."))
        self.shipped_combo = self._status_combo("shippedCombo")
        self._row(form, self.tr("Status after shipment"), self.shipped_combo,
                  "shipped_status_id")
        self.partial_combo = self._status_combo("partialCombo")
        self._row(form, self.tr("Status for partial shipments"), self.partial_combo,
                  "partial_status_id")
        self.first_check = QCheckBox(self.tr("Mark shipped on the first shipment"))
        self.notify_check = QCheckBox(self.tr("Notify the customer (store emails)"))
        self.tracking_check = QCheckBox(self.tr("Send tracking numbers to the store"))
        for check in (self.first_check, self.notify_check, self.tracking_check):
            form.addRow("", check)
        # Tracking links sent with each shipment: the presets, changed or added to per store.
        self.tracking_table = QTableWidget(len(TRACKING_URL_PRESETS) + EXTRA_CARRIER_ROWS, 2)
        self.tracking_table.setObjectName("trackingTemplates")
        self.tracking_table.setHorizontalHeaderLabels([self.tr("Carrier"),
                                                       self.tr("Tracking link")])
        self.tracking_table.horizontalHeader().setStretchLastSection(True)
        self.tracking_table.verticalHeader().hide()
        self.tracking_table.itemChanged.connect(self.validate)
        self._row(form, self.tr("Tracking links"), self.tracking_table, "tracking_url_templates",
                  self.tr("{tracking} stands for the tracking number."))
        return page

    def _fill_tracking(self, settings: ConnectionSettings) -> None:
        templates = {**TRACKING_URL_PRESETS, **dict(settings.tracking_url_templates)}
        rows = list(templates.items())
        rows += [("", "")] * max(0, EXTRA_CARRIER_ROWS - (len(rows) - len(TRACKING_URL_PRESETS)))
        self.tracking_table.blockSignals(True)
        self.tracking_table.setRowCount(len(rows))
        for row, (carrier, template) in enumerate(rows):
            self.tracking_table.setItem(row, 0, QTableWidgetItem(carrier))
            self.tracking_table.setItem(row, 1, QTableWidgetItem(template))
        self.tracking_table.blockSignals(False)

    def tracking_templates(self) -> dict[str, str]:
        """What differs from the presets (a preset left as it is is not stored)."""
        chosen: dict[str, str] = {}
        for row in range(self.tracking_table.rowCount()):
            carrier_item = self.tracking_table.item(row, 0)
            template_item = self.tracking_table.item(row, 1)
            carrier = carrier_item.text().strip() if carrier_item else ""
            template = template_item.text().strip() if template_item else ""
            if carrier and TRACKING_URL_PRESETS.get(carrier) != template:
                chosen[carrier] = template
        return chosen

    def _views_tab(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        intro = QLabel(self.tr("Which PackDesk view each store status lands in."))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.views_table = QTableWidget(0, 2)
        self.views_table.setObjectName("statusViewsTable")
        self.views_table.setHorizontalHeaderLabels([self.tr("Store status"),
                                                    self.tr("PackDesk view")])
        self.views_table.verticalHeader().hide()
        self.views_table.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.Stretch)
        self.views_table.horizontalHeader().setSectionResizeMode(
            1, QHeaderView.ResizeMode.ResizeToContents)
        self.views_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        layout.addWidget(self.views_table, 1)
        self.refresh_statuses_button = QPushButton(self.tr("Reload statuses from the store"))
        self.refresh_statuses_button.clicked.connect(self.refresh_statuses)
        self.statuses_hint = QLabel()
        self.statuses_hint.setWordWrap(True)
        self.statuses_hint.setStyleSheet("color: #5f6368;")
        layout.addWidget(self.statuses_hint)
        layout.addWidget(self.refresh_statuses_button, 0, Qt.AlignmentFlag.AlignLeft)
        return page

    # --- list -------------------------------------------------------------------------------

    def reload_list(self, select_id: int | None = None) -> None:
        records = self._context.repos.connections.all()
        current = select_id if select_id is not None else \
            (self._record.id if self._record else None)
        self.connection_list.blockSignals(True)
        self.connection_list.clear()
        for record in records:
            item = QListWidgetItem(record.name)
            item.setData(Qt.ItemDataRole.UserRole, record.id)
            item.setToolTip(record.settings.address)
            self.connection_list.addItem(item)
        self.connection_list.blockSignals(False)
        target = next((i for i in range(self.connection_list.count())
                       if self.connection_list.item(i).data(Qt.ItemDataRole.UserRole)
                       == current), 0 if records else None)
        if target is None:
            self.start_new()
        else:
            self.connection_list.setCurrentRow(target)
            self._connection_selected(self.connection_list.currentItem(), None)

    @Slot()
    def _connection_selected(self, item, _previous) -> None:
        if item is None:
            return
        self._load(self._context.repos.connections.get(item.data(Qt.ItemDataRole.UserRole)))

    @Slot()
    def start_new(self) -> None:
        self.connection_list.blockSignals(True)
        self.connection_list.clearSelection()
        self.connection_list.setCurrentRow(-1)
        self.connection_list.blockSignals(False)
        self._load(None)
        self.tabs.setCurrentIndex(0)
        self.name_edit.setFocus()

    def _load(self, record: ConnectionRecord | None) -> None:
        self._record = record
        self._check = None
        settings = record.settings if record else ConnectionSettings(name="", address="")
        self._statuses = self._context.repos.connections.statuses(record.id) if record else []
        self.name_edit.setText(settings.name)
        self.address_edit.setText(self._display_address(settings.address))
        self.token_edit.clear()
        self.token_edit.setPlaceholderText(
            self.tr("Saved in the system keyring; type a new token to replace it")
            if record else self.tr("Paste the store's access token"))
        self.test_result.clear()
        fronts = self._context.repos.connections.storefronts(record.id) if record else []
        self._fill_storefronts(fronts, settings.storefront_ids)
        named = settings.import_statuses is not None
        self.import_named.setChecked(named)
        self.import_default.setChecked(not named)
        self.statuses_edit.setText(format_status_list(settings.import_statuses or ()))
        self.days_spin.setValue(settings.created_within_days)
        self.poll_spin.setValue(settings.poll_interval_min)
        self.tag_edit.setText(settings.new_order_tag)
        self.prefix_edit.setText(settings.order_prefix)
        self.bin_edit.setText(settings.bin_field_name or DEFAULT_BIN_FIELD)
        self.first_check.setChecked(settings.mark_shipped_on_first)
        self.notify_check.setChecked(settings.notify_customer)
        self.tracking_check.setChecked(settings.sync_tracking)
        self._fill_tracking(settings)
        self._fill_statuses(settings)
        self.remove_button.setEnabled(record is not None)
        self.oauth_button.setVisible(record is None)
        self.refresh_statuses_button.setEnabled(record is not None)
        self.save_button.setText(self.tr("&Save") if record else self.tr("&Add connection"))
        self.message_label.clear()
        self.validate()

    @staticmethod
    def _display_address(address: str) -> str:
        if not address:
            return ""
        try:
            return parse_store_address(address).typed_form
        except PackDeskError:
            return address

    def _fill_storefronts(self, fronts: list[StorefrontInfo],
                          chosen: tuple[int, ...] | None) -> None:
        self.storefront_list.blockSignals(True)
        self.storefront_list.clear()
        for front in fronts:
            label = front.name + (f" ({front.domain_name})" if front.domain_name else "")
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, front.store_id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if chosen is None or front.store_id in chosen
                               else Qt.CheckState.Unchecked)
            self.storefront_list.addItem(item)
        self.storefront_list.blockSignals(False)
        self.storefronts_chosen.setChecked(chosen is not None)
        self.storefronts_all.setChecked(chosen is None)

    def _fill_statuses(self, settings: ConnectionSettings) -> None:
        for combo, value in ((self.claim_combo, settings.claim_status_id),
                             (self.shipped_combo, settings.shipped_status_id),
                             (self.partial_combo, settings.partial_status_id)):
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(self.tr("(none)"), None)
            for status in self._statuses:
                combo.addItem(status.name, status.id)
            index = combo.findData(value)
            if index < 0 and value is not None:  # a status the store no longer lists
                combo.addItem(self.tr("status #%1").replace("%1", str(value)), value)
                index = combo.count() - 1
            combo.setCurrentIndex(max(0, index))
            combo.setEnabled(bool(self._statuses) or value is not None)
            combo.blockSignals(False)
        self.views_table.setRowCount(len(self._statuses))
        for row, status in enumerate(self._statuses):
            name = QTableWidgetItem(status.name)
            name.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.views_table.setItem(row, 0, name)
            combo = QComboBox()
            default = default_view_for_status(status)
            combo.addItem(self.tr("Default: %1").replace("%1", self._titles[default]), None)
            for view, title in self._titles.items():
                combo.addItem(title, view.value)
            index = combo.findData(status.view_override.value if status.view_override
                                   else None)
            combo.setCurrentIndex(max(0, index))
            self.views_table.setCellWidget(row, 1, combo)
        self.statuses_hint.setText(
            self.tr("Statuses appear here once the connection is saved.") if self._record is None
            else "" if self._statuses else
            self.tr("No statuses yet: reload them from the store."))

    # --- reading the form -------------------------------------------------------------------

    def settings(self) -> ConnectionSettings:
        base = self._record.settings if self._record else ConnectionSettings(name="", address="")
        chosen = None
        if self.storefronts_chosen.isChecked():
            chosen = tuple(self.storefront_list.item(i).data(Qt.ItemDataRole.UserRole)
                           for i in range(self.storefront_list.count())
                           if self.storefront_list.item(i).checkState() == Qt.CheckState.Checked)
        return base.with_changes(
            name=self.name_edit.text().strip(), address=self.address_edit.text().strip(),
            import_statuses=tuple(parse_status_list(self.statuses_edit.text()))
            if self.import_named.isChecked() else None,
            created_within_days=self.days_spin.value(),
            poll_interval_min=self.poll_spin.value(),
            claim_status_id=self.claim_combo.currentData(),
            shipped_status_id=self.shipped_combo.currentData(),
            partial_status_id=self.partial_combo.currentData(),
            mark_shipped_on_first=self.first_check.isChecked(),
            notify_customer=self.notify_check.isChecked(),
            sync_tracking=self.tracking_check.isChecked(),
            order_prefix=self.prefix_edit.text().strip(),
            new_order_tag=self.tag_edit.text().strip(),
            bin_field_name=self.bin_edit.text().strip(),
            tracking_url_templates=self.tracking_templates(),
            storefront_ids=chosen)

    def status_views(self) -> dict[int, StatusView | None]:
        views: dict[int, StatusView | None] = {}
        for row, status in enumerate(self._statuses):
            combo = self.views_table.cellWidget(row, 1)
            value = combo.currentData() if isinstance(combo, QComboBox) else None
            views[status.id] = StatusView(value) if value else None
        return views

    @Slot()
    def validate(self, *_args) -> dict[str, str]:
        """Show every problem under its field; returns them (empty = can be saved)."""
        settings = self.settings()
        errors = validate_settings(settings, self._statuses)
        try:
            parse_store_address(settings.address)
        except PackDeskError as exc:
            errors["address"] = str(exc)
        if self._record is None and not self.token_edit.text().strip():
            errors["token"] = self.tr("Paste the store's access token.")
        for key, label in self.errors.items():
            message = errors.get(key, "")
            # "Enter the address" before anything is typed is noise, not help.
            if key in ("address", "token", "name") and self._record is None and \
                    not self._touched(key):
                message = ""
            label.setText(message)
            label.setVisible(bool(message))
        return errors

    def _touched(self, key: str) -> bool:
        edit = {"address": self.address_edit, "token": self.token_edit,
                "name": self.name_edit}[key]
        return edit.isModified() or bool(edit.text())

    def _set_busy(self, busy: bool, message: str = "") -> None:
        self._busy = busy
        for widget in (self.save_button, self.test_button, self.add_button,
                       self.remove_button, self.refresh_statuses_button):
            widget.setEnabled(not busy)
        if not busy:
            self.remove_button.setEnabled(self._record is not None)
            self.refresh_statuses_button.setEnabled(self._record is not None)
        if message:
            self._message(message)

    def _message(self, text: str, ok: bool = True) -> None:
        self.message_label.setStyleSheet(OK_STYLE if ok else ERROR_STYLE)
        self.message_label.setText(text)

    # --- test ---------------------------------------------------------------------------------

    @Slot()
    def test_store(self) -> None:
        address = self.address_edit.text().strip()
        token = self.token_edit.text().strip()
        record = self._record
        if not self._idn_confirmed(address):
            return
        self.test_result.setStyleSheet("")
        self.test_result.setText(self.tr("Testing…"))
        self.test_button.setEnabled(False)
        context = self._context

        def check() -> StoreCheck:
            used = token or (context.secrets.get(record.id, "token") if record else "")
            return context.connections.check_store(address, used, accept_idn=True)
        self._runner.submit(NETWORK, check, on_result=self._tested, on_error=self._test_failed)

    @Slot(object)
    def _tested(self, check: object) -> None:
        assert isinstance(check, StoreCheck)
        self._check = check
        self.test_button.setEnabled(not self._busy)
        limit = (self.tr(", %1 calls per 10 s").replace("%1", str(check.calls_per_10s))
                 if check.calls_per_10s else "")
        self.test_result.setStyleSheet(OK_STYLE)
        self.test_result.setText(self.tr("Connected to %1: %n storefront(s)", "",
                                         len(check.storefronts))
                                 .replace("%1", check.address.display) + limit)
        chosen = self.settings().storefront_ids
        self._fill_storefronts(check.storefronts, chosen)
        if not self.name_edit.text().strip() and check.storefronts:
            self.name_edit.setText(check.storefronts[0].name[:60])
        self.validate()
        self.store_checked.emit(check)

    @Slot(object)
    def _test_failed(self, exc: object) -> None:
        self.test_button.setEnabled(not self._busy)
        self.test_result.setStyleSheet(ERROR_STYLE)
        self.test_result.setText(str(exc) if isinstance(exc, PackDeskError)
                                 else self.tr("The test failed: %1").replace("%1", str(exc)))
        self.store_checked.emit(exc)

    # --- save ---------------------------------------------------------------------------------

    @Slot()
    def save(self) -> None:
        errors = self.validate()
        if errors:
            for key in errors:
                self.errors.get(key, QLabel()).setVisible(key in self.errors)
                if key in self.errors:
                    self.errors[key].setText(errors[key])
            self._message(self.tr("Fix the marked fields first."), ok=False)
            self.save_failed.emit(" ".join(errors.values()))
            return
        settings = self.settings()
        if not self._idn_confirmed(settings.address):
            return
        token = self.token_edit.text().strip()
        context = self._context
        if self._record is None:
            check = self._check if self._check and \
                self._check.address.origin == self._origin(settings.address) else None

            def add() -> int:
                record = context.connections.add(settings, token, check=check, accept_idn=True)
                try:
                    context.sync.refresh_reference_data(record, force=True)
                except PackDeskError as exc:  # saved anyway; statuses can be reloaded later
                    log.warning("Statuses of %s not loaded: %s", record.name, exc)
                return record.id
            self._set_busy(True, self.tr("Checking the store and saving…"))
            self._runner.submit(NETWORK, add, on_result=self._saved, on_error=self._save_error)
            return
        connection_id = self._record.id
        views = self.status_views()

        def update() -> int:
            if token:
                context.connections.replace_token(connection_id, token)
            context.connections.update(connection_id, settings, accept_idn=True)
            context.repos.connections.set_status_views(connection_id, views)
            return connection_id
        self._set_busy(True, self.tr("Saving…"))
        self._runner.submit(NETWORK if token else DB, update, on_result=self._saved,
                            on_error=self._save_error)

    def _prompt_oauth_app(self) -> tuple[str, str] | None:
        client_id, ok = QInputDialog.getText(self, self.tr("OAuth app"),
                                             self.tr("The app's client id (App ID):"))
        if not ok or not client_id.strip():
            return None
        secret, ok = QInputDialog.getText(self, self.tr("OAuth app"),
                                          self.tr("The app's client secret:"),
                                          QLineEdit.EchoMode.Password)
        if not ok or not secret.strip():
            return None
        return client_id.strip(), secret.strip()

    @Slot()
    def connect_oauth(self) -> None:
        """The store's consent page in the browser, its answer on a loopback port, then the
        connection saved with the app's tokens (keyring only)."""
        errors = {k: v for k, v in self.validate().items() if k != "token"}
        if errors or self._record is not None:
            self._message(self.tr("Name the connection and enter the store domain first.")
                          if errors else self.tr("OAuth is for new connections."), ok=False)
            return
        if not self._idn_confirmed(self.settings().address):
            return
        app = self._ask_oauth_app()
        if app is None:
            return
        from app.integrations.americommerce.client import make_http_client
        from app.services.oauth_signin import OAuthApp, OAuthSignIn

        settings = self.settings()
        context = self._context
        address = parse_store_address(settings.address)
        http = make_http_client(address)
        oauth_app = OAuthApp(*app)
        sign_in = OAuthSignIn(http, address, oauth_app)
        self._open_url(sign_in.url)

        def finish() -> int:
            try:
                tokens = sign_in.wait()
            finally:
                http.close()
            record = context.connections.add_oauth(settings, oauth_app, tokens, accept_idn=True)
            try:
                context.sync.refresh_reference_data(record, force=True)
            except PackDeskError as exc:  # saved anyway; statuses can be reloaded later
                log.warning("Statuses of %s not loaded: %s", record.name, exc)
            return record.id
        self._set_busy(True, self.tr("Waiting for the store's sign-in page in the browser…"))
        self._runner.submit(NETWORK, finish, on_result=self._saved, on_error=self._save_error)

    def _idn_confirmed(self, address: str) -> bool:
        """True unless the address is an international domain the person declines to trust;
        a saved connection's address, or one just tested, was confirmed already."""
        try:
            parsed = parse_store_address(address)
        except PackDeskError:
            return True  # shown under the field; nothing is sent
        saved = self._record is not None and \
            self._origin(self._record.settings.address) == parsed.origin
        tested = self._check is not None and self._check.address.origin == parsed.origin
        if not parsed.is_idn or saved or tested or self._confirm_idn(parsed):
            return True
        self._message(self.tr("Nothing was sent to %1.").replace("%1", parsed.display), ok=False)
        return False

    def _prompt_idn(self, address: StoreAddress) -> bool:
        answer = QMessageBox.warning(
            self, self.tr("International domain name"),
            self.tr("The store address %1 is written as %2 on the internet.\n\nLetters from "
                    "other alphabets can imitate a familiar domain. Send the access token to "
                    "it only if this is your store's address.")
            .replace("%1", address.typed_form).replace("%2", address.host),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel)
        return answer == QMessageBox.StandardButton.Yes

    @staticmethod
    def _origin(address: str) -> str:
        try:
            return parse_store_address(address).origin
        except PackDeskError:
            return ""

    @Slot(object)
    def _saved(self, connection_id: object) -> None:
        assert isinstance(connection_id, int)
        self._set_busy(False)
        self.reload_list(select_id=connection_id)
        self._message(self.tr("Saved."))
        self.connections_changed.emit()
        self.saved.emit(connection_id)

    @Slot(object)
    def _save_error(self, exc: object) -> None:
        self._set_busy(False)
        text = str(exc) if isinstance(exc, PackDeskError) else \
            self.tr("Not saved: %1").replace("%1", str(exc))
        self._message(text, ok=False)
        self.save_failed.emit(text)

    # --- statuses and removal -----------------------------------------------------------------

    @Slot()
    def refresh_statuses(self) -> None:
        if self._record is None:
            return
        record = self._record
        context = self._context

        def refresh() -> int:
            context.sync.refresh_reference_data(context.repos.connections.get(record.id),
                                                force=True)
            return record.id
        self._set_busy(True, self.tr("Loading statuses…"))
        self._runner.submit(NETWORK, refresh, on_result=self._statuses_loaded,
                            on_error=self._save_error)

    @Slot(object)
    def _statuses_loaded(self, connection_id: object) -> None:
        self._set_busy(False, self.tr("Statuses loaded."))
        if self._record is not None and self._record.id == connection_id:
            self._statuses = self._context.repos.connections.statuses(connection_id)
            self._fill_statuses(self.settings())
            self.validate()

    @Slot()
    def remove_current(self) -> None:
        if self._record is None:
            return
        record = self._record
        answer = QMessageBox.question(
            self, self.tr("Remove connection"),
            self.tr("Remove the connection %1? Its cached orders and local work on them are "
                    "deleted from this station; the store keeps its orders.")
            .replace("%1", record.name),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel)
        if answer != QMessageBox.StandardButton.Yes:
            return
        self._set_busy(True, self.tr("Removing…"))
        self._runner.submit(DB, self._context.connections.remove, record.id,
                            on_result=self._removed, on_error=self._save_error)

    @Slot(object)
    def _removed(self, _value: object) -> None:
        self._set_busy(False, self.tr("Removed."))
        self._record = None
        self.reload_list()
        self.connections_changed.emit()
