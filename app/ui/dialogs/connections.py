"""Store connections: list, add, edit, test and remove, with every per-connection setting.

Database reads and writes run on the db pool, network work (test, add, token replacement,
sign-in, status refresh) on the network pool; the dialog stays responsive and shows results in
place. Each tab (app/ui/dialogs/connection_tabs) loads and applies its own fields. Validation
messages come from validate_settings and appear under the field they are about. The token
field echoes as password dots and the token goes only to the secrets facade (never QSettings
or logs).
"""
from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import Qt, QUrl, Signal, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.context import AppContext
from app.domain.connection_settings import ConnectionSettings, StatusInfo, validate_settings
from app.domain.status_rules import StatusView
from app.errors import PackDeskError
from app.services.connections import (
    ConnectionDetails,
    ConnectionRecord,
    StoreAddress,
    StoreCheck,
    address_problem,
    read_address,
)
from app.services.oauth_signin import OAuthApp, OAuthTokens
from app.ui.dialogs.connection_tabs import prompts
from app.ui.dialogs.connection_tabs.connection_list import ConnectionList
from app.ui.dialogs.connection_tabs.form import ERROR_STYLE, OK_STYLE
from app.ui.dialogs.connection_tabs.import_rules import ImportTab
from app.ui.dialogs.connection_tabs.shipping import ShippingTab
from app.ui.dialogs.connection_tabs.status_views import StatusViewsTab
from app.ui.dialogs.connection_tabs.store import StoreTab
from app.ui.screen_fit import resize_to_screen
from app.ui.tasks import DB, NETWORK, TaskRunner

log = logging.getLogger(__name__)


class ConnectionsDialog(QDialog):
    connections_changed = Signal()
    store_checked = Signal(object)  # StoreCheck or the StoreError, after "Test"
    saved = Signal(int)  # connection id, once the saved connection is shown again
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
        self._ask_oauth_app = ask_oauth_app or (lambda: prompts.ask_oauth_app(self))
        self._confirm_idn = confirm_idn or (lambda address: prompts.confirm_idn(self, address))
        self.setWindowTitle(self.tr("Store connections"))
        self._context = context
        self._runner = runner
        self._record: ConnectionRecord | None = None  # None while adding a new one
        self._check: StoreCheck | None = None
        self._statuses: list[StatusInfo] = []
        self._busy = False
        self._build()
        self.errors: dict[str, QLabel] = {**self.store.errors, **self.import_rules.errors,
                                          **self.shipping.errors}
        for tab in (self.store, self.import_rules, self.shipping):
            tab.edited.connect(self.validate)
        self.start_new()  # shown at once; the saved connections arrive from the db pool
        self.reload_list()

    def _build(self) -> None:
        self.tabs = QTabWidget()
        self.store = StoreTab()
        self.store.test_button.clicked.connect(self.test_store)
        self.store.oauth_button.clicked.connect(self.connect_oauth)
        self.import_rules = ImportTab()
        self.shipping = ShippingTab()
        self.views = StatusViewsTab()
        self.views.refresh_statuses_button.clicked.connect(self.refresh_statuses)
        self.tabs.addTab(self.store, self.tr("Store"))
        self.tabs.addTab(self.import_rules, self.tr("Import"))
        self.tabs.addTab(self.shipping, self.tr("After shipping"))
        self.tabs.addTab(self.views, self.tr("Status views"))
        splitter = QSplitter()
        splitter.addWidget(self._list_pane())
        splitter.addWidget(self.tabs)
        splitter.setSizes([200, 620])
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addLayout(self._bottom_row())
        resize_to_screen(self, 900, 620)

    def _list_pane(self) -> QWidget:
        self.connection_list = ConnectionList()
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
        return left

    def _bottom_row(self) -> QHBoxLayout:
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
        bottom = QHBoxLayout()
        bottom.addWidget(self.message_label, 1)
        bottom.addWidget(self.button_box)
        return bottom

    # --- list -------------------------------------------------------------------------------

    def reload_list(self, select_id: int | None = None,
                    then: Callable[[], None] | None = None) -> None:
        """Read the connections on the db pool, then show `select_id` (else the one shown, else
        the first) and call `then` once its settings are in the form."""
        self._runner.submit(DB, self._context.connections.all,
                            on_result=lambda records: self._list_loaded(records, select_id, then),
                            on_error=self._save_error)

    def _list_loaded(self, records: list[ConnectionRecord], select_id: int | None,
                     then: Callable[[], None] | None) -> None:
        current = select_id if select_id is not None else \
            (self._record.id if self._record else None)
        typing = self._record is None and any(self.store.touched(key)
                                              for key in ("address", "token", "name"))
        self.connection_list.fill(records)
        shown = self.connection_list.select_quietly(current)
        if shown is None and not (current is None and typing):
            # The first connection is shown unless someone is typing a new one already.
            shown = self.connection_list.select_quietly(self.connection_list.first_id())
        if shown is not None:
            self._show(shown, then)
            return
        if self._record is not None:  # the one shown is gone
            self.start_new()
        if then:
            then()

    @Slot()
    def _connection_selected(self, item, _previous) -> None:
        if item is not None:
            self._show(item.data(Qt.ItemDataRole.UserRole))

    def _show(self, connection_id: int, then: Callable[[], None] | None = None) -> None:
        def loaded(details: ConnectionDetails) -> None:
            if self.connection_list.selected_id() == details.record.id:  # not another one since
                self._load(details)
            if then:
                then()
        self._runner.submit(DB, self._context.connections.details, connection_id,
                            on_result=loaded, on_error=self._save_error)

    @Slot()
    def start_new(self) -> None:
        self.connection_list.select_quietly(None)
        self._load(None)
        self.tabs.setCurrentIndex(0)
        self.store.name_edit.setFocus()

    def _load(self, details: ConnectionDetails | None) -> None:
        record = details.record if details else None
        self._record = record
        self._check = None
        settings = record.settings if record else ConnectionSettings(name="", address="")
        self._statuses = details.statuses if details else []
        self.store.load(record, details.storefronts if details else [])
        self.import_rules.load(settings)
        self.shipping.load(settings, self._statuses)
        self.views.load(record is not None, self._statuses)
        self.remove_button.setEnabled(record is not None)
        self.views.refresh_statuses_button.setEnabled(record is not None)
        self.save_button.setText(self.tr("&Save") if record else self.tr("&Add connection"))
        self.message_label.clear()
        self.validate()

    # --- reading the form -------------------------------------------------------------------

    def settings(self) -> ConnectionSettings:
        settings = self._record.settings if self._record else \
            ConnectionSettings(name="", address="")
        for tab in (self.store, self.import_rules, self.shipping):
            settings = tab.apply(settings)
        return settings

    @Slot()
    def validate(self, *_args) -> dict[str, str]:
        """Show every problem under its field; returns them (empty = can be saved)."""
        settings = self.settings()
        errors = validate_settings(settings, self._statuses)
        problem = address_problem(settings.address)
        if problem:
            errors["address"] = problem
        if self._record is None and not self.store.token_edit.text().strip():
            errors["token"] = self.tr("Paste the store's access token.")
        for key, label in self.errors.items():
            message = errors.get(key, "")
            # "Enter the address" before anything is typed is noise, not help.
            if key in ("address", "token", "name") and self._record is None and \
                    not self.store.touched(key):
                message = ""
            label.setText(message)
            label.setVisible(bool(message))
        return errors

    def _set_busy(self, busy: bool, message: str = "") -> None:
        self._busy = busy
        for widget in (self.save_button, self.store.test_button, self.add_button,
                       self.remove_button, self.views.refresh_statuses_button):
            widget.setEnabled(not busy)
        if not busy:
            self.remove_button.setEnabled(self._record is not None)
            self.views.refresh_statuses_button.setEnabled(self._record is not None)
        if message:
            self._message(message)

    def _message(self, text: str, ok: bool = True) -> None:
        self.message_label.setStyleSheet(OK_STYLE if ok else ERROR_STYLE)
        self.message_label.setText(text)

    # --- test ---------------------------------------------------------------------------------

    @Slot()
    def test_store(self) -> None:
        address = self.store.address_edit.text().strip()
        token = self.store.token_edit.text().strip()
        saved_id = self._record.id if self._record else None
        if not self._idn_confirmed(address):
            return
        self.store.test_result.setStyleSheet("")
        self.store.test_result.setText(self.tr("Testing…"))
        self.store.test_button.setEnabled(False)
        self._runner.submit(NETWORK, self._context.connections.check_saved_or_typed, saved_id,
                            address, token, accept_idn=True,
                            on_result=self._tested, on_error=self._test_failed)

    @Slot(object)
    def _tested(self, check: object) -> None:
        assert isinstance(check, StoreCheck)
        self._check = check
        self.store.test_button.setEnabled(not self._busy)
        limit = (self.tr(", %1 calls per 10 s").replace("%1", str(check.calls_per_10s))
                 if check.calls_per_10s else "")
        self.store.test_result.setStyleSheet(OK_STYLE)
        self.store.test_result.setText(self.tr("Connected to %1: %n storefront(s)", "",
                                               len(check.storefronts))
                                       .replace("%1", check.address.display) + limit)
        chosen = self.settings().storefront_ids
        self.store.fill_storefronts(check.storefronts, chosen)
        if not self.store.name_edit.text().strip() and check.storefronts:
            self.store.name_edit.setText(check.storefronts[0].name[:60])
        self.validate()
        self.store_checked.emit(check)

    @Slot(object)
    def _test_failed(self, exc: object) -> None:
        self.store.test_button.setEnabled(not self._busy)
        self.store.test_result.setStyleSheet(ERROR_STYLE)
        self.store.test_result.setText(
            str(exc) if isinstance(exc, PackDeskError)
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
        token = self.store.token_edit.text().strip()
        context = self._context
        if self._record is None:
            check = self._check if self._check and \
                self._check.address.origin == self._origin(settings.address) else None

            def add() -> int:
                record = context.connections.add(settings, token, check=check, accept_idn=True)
                self._load_statuses(record)
                return record.id
            self._set_busy(True, self.tr("Checking the store and saving…"))
            self._runner.submit(NETWORK, add, on_result=self._saved, on_error=self._save_error)
            return
        connection_id = self._record.id
        self._set_busy(True, self.tr("Saving…"))
        self._runner.submit(NETWORK if token else DB, self._save_edits, connection_id, settings,
                            token, self.views.apply(),
                            on_result=self._saved, on_error=self._save_error)

    def _save_edits(self, connection_id: int, settings: ConnectionSettings, token: str,
                    views: dict[int, StatusView | None]) -> int:
        self._context.connections.save_edits(connection_id, settings, token=token,
                                             views=views, accept_idn=True)
        return connection_id

    def _load_statuses(self, record: ConnectionRecord) -> None:
        """A new connection's statuses, on the pool that saved it."""
        try:
            self._context.sync.refresh_reference_data(record, force=True)
        except PackDeskError as exc:  # saved anyway; statuses can be reloaded later
            log.warning("Statuses of %s not loaded: %s", record.name, exc)

    @Slot()
    def connect_oauth(self) -> None:
        """The store's consent page in the browser, its answer on a loopback port, then the
        connection saved with the app's tokens (keyring only). A saved app connection signs
        in again the same way and keeps its settings."""
        connections = self._context.connections
        record = self._record
        if record is not None:
            if record.auth_kind != "oauth":
                self._message(self.tr("OAuth is for new connections."), ok=False)
                return

            def renew(app: OAuthApp, tokens: OAuthTokens) -> int:
                connections.reauthorize(record.id, app, tokens)
                return record.id
            self._sign_in(record.settings.address, renew)  # its address was confirmed before
            return
        errors = {k: v for k, v in self.validate().items() if k != "token"}
        if errors:
            self._message(self.tr("Name the connection and enter the store domain first."),
                          ok=False)
            return
        settings = self.settings()
        if not self._idn_confirmed(settings.address):
            return

        def add(app: OAuthApp, tokens: OAuthTokens) -> int:
            added = connections.add_oauth(settings, app, tokens, accept_idn=True)
            self._load_statuses(added)
            return added.id
        self._sign_in(settings.address, add)

    def _sign_in(self, address: str, save: Callable[[OAuthApp, OAuthTokens], int]) -> None:
        """Ask for the app, open its consent page, and `save` the tokens on the network pool."""
        app = self._ask_oauth_app()
        if app is None:
            return
        oauth_app = OAuthApp(*app)
        try:  # binds the loopback port the store's answer comes back to
            sign_in = self._context.connections.begin_oauth(address, oauth_app, accept_idn=True)
        except (PackDeskError, OSError) as exc:
            self._save_error(exc)
            return
        self._open_url(sign_in.url)
        self._set_busy(True, self.tr("Waiting for the store's sign-in page in the browser…"))
        self._runner.submit(NETWORK, lambda: save(oauth_app, sign_in.wait()),
                            on_result=self._saved, on_error=self._save_error)

    def _idn_confirmed(self, address: str) -> bool:
        """True unless the address is an international domain the person declines to trust;
        a saved connection's address, or one just tested, was confirmed already."""
        parsed = read_address(address)
        if parsed is None:
            return True  # shown under the field; nothing is sent
        saved = self._record is not None and \
            self._origin(self._record.settings.address) == parsed.origin
        tested = self._check is not None and self._check.address.origin == parsed.origin
        if not parsed.is_idn or saved or tested or self._confirm_idn(parsed):
            return True
        self._message(self.tr("Nothing was sent to %1.").replace("%1", parsed.display), ok=False)
        return False

    @staticmethod
    def _origin(address: str) -> str:
        parsed = read_address(address)
        return parsed.origin if parsed else ""

    @Slot(object)
    def _saved(self, connection_id: object) -> None:
        assert isinstance(connection_id, int)

        def shown() -> None:
            self._message(self.tr("Saved."))
            self.connections_changed.emit()
            self.saved.emit(connection_id)
        self._set_busy(False)
        self.reload_list(select_id=connection_id, then=shown)

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
        connection_id = self._record.id
        context = self._context

        def refresh() -> ConnectionDetails:
            context.sync.refresh_reference_data(context.connections.get(connection_id),
                                                force=True)
            return context.connections.details(connection_id)
        self._set_busy(True, self.tr("Loading statuses…"))
        self._runner.submit(NETWORK, refresh, on_result=self._statuses_loaded,
                            on_error=self._save_error)

    @Slot(object)
    def _statuses_loaded(self, details: object) -> None:
        assert isinstance(details, ConnectionDetails)
        self._set_busy(False, self.tr("Statuses loaded."))
        if self._record is not None and self._record.id == details.record.id:
            self._statuses = details.statuses
            settings = self.settings()
            self.shipping.fill_statuses(settings, self._statuses)
            self.views.load(True, self._statuses)
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
        self.start_new()
        self.reload_list(then=self.connections_changed.emit)
