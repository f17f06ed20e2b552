"""The Store tab: name, domain, access token (password dots, keyring only), the test button
with its result in place, the OAuth sign-in button, and which storefronts to import."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QWidget,
)

from app.domain.connection_settings import ConnectionSettings
from app.domain.store_info import StorefrontInfo
from app.services.connections import ConnectionRecord, read_address
from app.ui.dialogs.connection_tabs.form import FormTab


class StoreTab(FormTab):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        form = QFormLayout(self)
        self._identity_rows(form)
        form.addRow("", self._test_row())
        self.oauth_button = QPushButton(self.tr("Connect as an OAuth &app instead…"))
        self.oauth_button.setObjectName("oauthButton")
        self.oauth_button.setToolTip(self.tr("For stores that grant access to an app (client id "
                                             "and secret) rather than with an access token"))
        form.addRow("", self.oauth_button)
        self._storefront_rows(form)
        for edit in (self.name_edit, self.address_edit, self.token_edit):
            edit.textChanged.connect(self.edited)
        self.storefronts_all.toggled.connect(self.edited)
        self.storefront_list.itemChanged.connect(self.edited)

    def _identity_rows(self, form: QFormLayout) -> None:
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

    def _test_row(self) -> QWidget:
        test_row = QWidget()
        test_layout = QHBoxLayout(test_row)
        test_layout.setContentsMargins(0, 0, 0, 0)
        self.test_button = QPushButton(self.tr("&Test connection"))
        self.test_button.setObjectName("testButton")
        test_layout.addWidget(self.test_button)
        self.test_result = QLabel()
        self.test_result.setObjectName("testResult")
        self.test_result.setTextFormat(Qt.TextFormat.PlainText)
        self.test_result.setWordWrap(True)
        test_layout.addWidget(self.test_result, 1)
        return test_row

    def _storefront_rows(self, form: QFormLayout) -> None:
        self.storefronts_all = QRadioButton(self.tr("All storefronts the token reaches"))
        self.storefronts_chosen = QRadioButton(self.tr("Only these storefronts:"))
        self.storefront_list = QListWidget()
        self.storefront_list.setObjectName("storefrontList")
        self.storefront_list.setMaximumHeight(120)
        fronts = self._either(self.storefronts_all, self.storefronts_chosen,
                              self.storefront_list)
        self._row(form, self.tr("Storefronts"), fronts, "storefront_ids",
                  self.tr("Test the connection to list the account's storefronts."))

    def load(self, record: ConnectionRecord | None, storefronts: list[StorefrontInfo]) -> None:
        settings = record.settings if record else ConnectionSettings(name="", address="")
        self.name_edit.setText(settings.name)
        self.address_edit.setText(self._display_address(settings.address))
        self.token_edit.clear()
        self.token_edit.setPlaceholderText(
            self.tr("Saved in the system keyring; type a new token to replace it")
            if record else self.tr("Paste the store's access token"))
        self.test_result.clear()
        self.fill_storefronts(storefronts, settings.storefront_ids)
        # A new connection may sign in as an app; a saved app connection may sign in again.
        oauth = record is not None and record.auth_kind == "oauth"
        self.oauth_button.setVisible(record is None or oauth)
        self.oauth_button.setText(self.tr("&Sign in to the store again…") if oauth
                                  else self.tr("Connect as an OAuth &app instead…"))

    def apply(self, settings: ConnectionSettings) -> ConnectionSettings:
        chosen = None
        if self.storefronts_chosen.isChecked():
            chosen = tuple(self.storefront_list.item(i).data(Qt.ItemDataRole.UserRole)
                           for i in range(self.storefront_list.count())
                           if self.storefront_list.item(i).checkState() == Qt.CheckState.Checked)
        return settings.with_changes(name=self.name_edit.text().strip(),
                                     address=self.address_edit.text().strip(),
                                     storefront_ids=chosen)

    def touched(self, key: str) -> bool:
        edit = {"address": self.address_edit, "token": self.token_edit,
                "name": self.name_edit}[key]
        return edit.isModified() or bool(edit.text())

    @staticmethod
    def _display_address(address: str) -> str:
        if not address:
            return ""
        parsed = read_address(address)
        return parsed.typed_form if parsed else address

    def fill_storefronts(self, fronts: list[StorefrontInfo],
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
