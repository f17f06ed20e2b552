"""The connections dialog: inline validation, test results in place, add/edit/remove."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLineEdit, QMessageBox

from app.domain.status_rules import StatusView
from app.ui.dialogs.connections import ConnectionsDialog
from tests.ui.helpers import connect_and_sync


def _dialog(qtbot, context, runner) -> ConnectionsDialog:
    dialog = ConnectionsDialog(context, runner)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_validation_messages_appear_under_their_fields(qtbot, ui_context, sync_runner):
    dialog = _dialog(qtbot, ui_context, sync_runner)
    assert dialog.store.token_edit.echoMode() == QLineEdit.EchoMode.Password
    dialog.import_rules.prefix_edit.setText("bad prefix!")
    dialog.import_rules.tag_edit.setText("a,b")
    dialog.import_rules.poll_spin.setValue(0)
    dialog.store.address_edit.setText("https://user:pw@shop.example.com")
    assert not dialog.errors["order_prefix"].isHidden()
    assert "prefix" in dialog.errors["order_prefix"].text()
    assert dialog.errors["new_order_tag"].text() == "A tag has no commas and at most 40 characters."
    assert dialog.errors["poll_interval_min"].text().startswith("Check for new orders every")
    assert not dialog.errors["address"].isHidden()
    dialog.import_rules.prefix_edit.setText("AC-")
    assert dialog.errors["order_prefix"].isHidden()
    with qtbot.waitSignal(dialog.save_failed):
        dialog.save()
    assert ui_context.storage.repos.connections.all() == []


def test_a_failed_test_shows_the_store_error_in_place(qtbot, ui_context, runner, sandbox):
    dialog = _dialog(qtbot, ui_context, runner)
    dialog.store.address_edit.setText(sandbox.domain)
    dialog.store.token_edit.setText("wrong-token")
    with qtbot.waitSignal(dialog.store_checked, timeout=10_000) as checked:
        qtbot.mouseClick(dialog.store.test_button, Qt.MouseButton.LeftButton)
    error = checked.args[0]
    assert dialog.store.test_result.text() == str(error)
    assert "wrong-token" not in dialog.store.test_result.text()
    assert dialog.store.test_result.textFormat() == Qt.TextFormat.PlainText


def test_add_then_edit_every_setting_and_status_views(qtbot, ui_context, runner, sandbox):
    dialog = _dialog(qtbot, ui_context, runner)
    dialog.store.address_edit.setText(sandbox.domain)
    dialog.store.token_edit.setText(sandbox.token)
    with qtbot.waitSignal(dialog.store_checked, timeout=10_000):
        dialog.test_store()
    assert dialog.store.storefront_list.count() >= 2  # the sandbox account has several storefronts
    dialog.store.storefronts_chosen.setChecked(True)
    dialog.store.storefront_list.item(1).setCheckState(Qt.CheckState.Unchecked)
    dialog.store.name_edit.setText("Main store")
    with qtbot.waitSignal(dialog.saved, timeout=15_000) as saved:
        dialog.save()
    cid = saved.args[0]
    record = ui_context.storage.repos.connections.get(cid)
    first_store = dialog.store.storefront_list.item(0).data(Qt.ItemDataRole.UserRole)
    assert record.settings.storefront_ids == (first_store,)
    assert ui_context.secrets.get(cid, "token") == sandbox.token
    assert dialog.shipping.claim_combo.count() > 5  # filled from the store's statuses

    # Edit: import rule, numbers, flags, statuses and one status view.
    dialog.import_rules.import_named.setChecked(True)
    dialog.import_rules.statuses_edit.setText("approved pending shipping")
    dialog.import_rules.days_spin.setValue(45)
    dialog.import_rules.poll_spin.setValue(5)
    dialog.import_rules.prefix_edit.setText("MS-")
    dialog.import_rules.tag_edit.setText("fresh")
    dialog.import_rules.bin_edit.setText("Bin")
    dialog.shipping.first_check.setChecked(True)
    dialog.shipping.notify_check.setChecked(False)
    dialog.shipping.tracking_check.setChecked(False)
    shipped = dialog.shipping.shipped_combo.findText("Shipped")
    dialog.shipping.shipped_combo.setCurrentIndex(shipped)
    partial, claim = dialog.shipping.partial_combo, dialog.shipping.claim_combo
    partial.setCurrentIndex(partial.findText("Partially Shipped"))
    # The claim status must not be imported itself (the Order Desk trap).
    claim.setCurrentIndex(claim.findText("Approved, Pending Shipping"))
    assert not dialog.errors["claim_status_id"].isHidden()
    claim.setCurrentIndex(claim.findText("On Hold"))
    assert dialog.errors["claim_status_id"].isHidden()
    row = next(r for r in range(dialog.views.views_table.rowCount())
               if dialog.views.views_table.item(r, 0).text() == "On Hold")
    combo = dialog.views.views_table.cellWidget(row, 1)
    assert isinstance(combo, QComboBox)
    combo.setCurrentIndex(combo.findData(StatusView.AWAITING_SHIPMENT.value))
    with qtbot.waitSignal(dialog.saved, timeout=10_000):
        dialog.save()
    s = ui_context.storage.repos.connections.get(cid).settings
    assert s.import_statuses == ("approved pending shipping",)
    assert (s.created_within_days, s.poll_interval_min, s.order_prefix, s.new_order_tag,
            s.bin_field_name) == (45, 5, "MS-", "fresh", "Bin")
    assert (s.mark_shipped_on_first, s.notify_customer, s.sync_tracking) == (True, False, False)
    names = {st.id: st for st in ui_context.storage.repos.connections.statuses(cid)}
    assert names[s.shipped_status_id].name == "Shipped"
    assert names[s.claim_status_id].name == "On Hold"
    on_hold = next(st for st in names.values() if st.name == "On Hold")
    assert on_hold.view_override == StatusView.AWAITING_SHIPMENT


def test_remove_asks_first(qtbot, ui_context, sync_runner, sandbox, monkeypatch):
    cid = connect_and_sync(ui_context, sandbox)
    dialog = _dialog(qtbot, ui_context, sync_runner)
    assert dialog.connection_list.count() == 1
    monkeypatch.setattr(QMessageBox, "question",
                        staticmethod(lambda *a, **k: QMessageBox.StandardButton.Cancel))
    dialog.remove_current()
    assert ui_context.storage.repos.connections.all()
    monkeypatch.setattr(QMessageBox, "question",
                        staticmethod(lambda *a, **k: QMessageBox.StandardButton.Yes))
    with qtbot.waitSignal(dialog.connections_changed):
        dialog.remove_current()
    assert ui_context.storage.repos.connections.all() == []
    assert ui_context.storage.repos.orders.count(cid) == 0


def test_tracking_links_are_edited_per_connection(qtbot, ui_context, sync_runner, sandbox):
    from app.domain.connection_settings import TRACKING_URL_PRESETS

    dialog = _dialog(qtbot, ui_context, sync_runner)
    table = dialog.shipping.tracking_table
    assert table.item(0, 0).text() == "UPS"
    assert dialog.shipping.tracking_templates() == {}  # presets untouched: nothing stored
    last = table.rowCount() - 1
    table.item(last, 0).setText("OnTrac")
    table.item(last, 1).setText("https://www.ontrac.com/tracking/?number={tracking}")
    table.item(0, 1).setText("no placeholder here")
    assert dialog.shipping.tracking_templates() == {
        "UPS": "no placeholder here",
        "OnTrac": "https://www.ontrac.com/tracking/?number={tracking}"}
    errors = dialog.validate()
    assert "tracking_url_templates" in errors and "UPS" in errors["tracking_url_templates"]
    assert "UPS" in TRACKING_URL_PRESETS


def test_connect_as_an_oauth_app_through_the_browser(qtbot, ui_context, runner, sandbox,
                                                     memory_keyring):
    import httpx

    from app.ui.dialogs.connections import ConnectionsDialog

    client_id, secret = next(iter(sandbox.config.oauth_clients.items()))

    def browser(url: str) -> None:  # the store owner clicks Allow
        consent = httpx.get(url, follow_redirects=False, timeout=10)
        httpx.get(consent.headers["location"], timeout=10)

    dialog = ConnectionsDialog(ui_context, runner, open_url=browser,
                               ask_oauth_app=lambda: (client_id, secret))
    qtbot.addWidget(dialog)
    dialog.start_new()
    dialog.store.name_edit.setText("As an app")
    dialog.store.address_edit.setText(sandbox.domain)
    with qtbot.waitSignal(dialog.saved, timeout=20_000):
        dialog.store.oauth_button.click()
    record = ui_context.storage.repos.connections.by_name("As an app")
    assert record is not None and record.auth_kind == "oauth"
    assert {user.split(":", 1)[1] for (_, user) in memory_keyring.passwords} == {
        f"{record.id}:token", f"{record.id}:refresh_token", f"{record.id}:client_secret"}


def test_an_international_domain_gets_the_token_only_after_confirmation(qtbot, paths,
                                                                        sync_runner):
    import httpx

    from app.bootstrap import build_context
    from app.integrations.americommerce.client import AmeriCommerceClient, make_http_client

    hosts: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        hosts.append(request.url.raw_host.decode("ascii"))
        return httpx.Response(404, json={"message": "Not found"})

    def factory(address, token, *, reauthorize=None):
        return AmeriCommerceClient(make_http_client(address, transport=httpx.MockTransport(
            handler)), address, token, sleep=lambda _s: None)

    context = build_context(paths, client_factory=factory)
    answers = [False, True]
    asked: list[str] = []
    dialog = ConnectionsDialog(context, sync_runner,
                               confirm_idn=lambda a: asked.append(a.host) or answers.pop(0))
    qtbot.addWidget(dialog)
    try:
        dialog.store.address_edit.setText("аррӏе.com")
        dialog.store.token_edit.setText("tok-lookalike-333444")
        dialog.test_store()  # declined: nothing is sent
        assert asked == ["xn--80ak6aa92e.com"] and hosts == []
        assert dialog.message_label.text() == "Nothing was sent to аррӏе.com (xn--80ak6aa92e.com)."
        with qtbot.waitSignal(dialog.store_checked, timeout=10_000):
            dialog.test_store()  # confirmed
        assert hosts == ["xn--80ak6aa92e.com"]
        assert "аррӏе.com (xn--80ak6aa92e.com)" in dialog.store.test_result.text()
        dialog.store.address_edit.setText("shop.example.com")  # an ASCII domain asks nothing
        with qtbot.waitSignal(dialog.store_checked, timeout=10_000):
            dialog.test_store()
        assert len(asked) == 2 and hosts[-1] == "shop.example.com"
    finally:
        context.close()


def test_a_saved_app_connection_signs_in_again_from_the_dialog(qtbot, ui_context, runner,
                                                               sandbox, memory_keyring):
    import httpx

    client_id, secret = next(iter(sandbox.config.oauth_clients.items()))
    opened: list[str] = []

    def browser(url: str) -> None:  # the store owner clicks Allow
        opened.append(url)
        consent = httpx.get(url, follow_redirects=False, timeout=10)
        httpx.get(consent.headers["location"], timeout=10)

    dialog = ConnectionsDialog(ui_context, runner, open_url=browser,
                               ask_oauth_app=lambda: (client_id, secret))
    qtbot.addWidget(dialog)
    dialog.store.name_edit.setText("As an app")
    dialog.store.address_edit.setText(sandbox.domain)
    with qtbot.waitSignal(dialog.saved, timeout=20_000) as saved:
        dialog.store.oauth_button.click()
    cid = saved.args[0]
    # The store revoked the app: both tokens are refused, the sync fails.
    ui_context.secrets.put(cid, "token", "revoked-access-token-000")
    ui_context.secrets.put(cid, "refresh_token", "revoked-refresh-token-000")
    assert ui_context.sync.sync(cid).outcome == "failed"
    assert dialog.store.oauth_button.isVisibleTo(dialog)
    assert dialog.store.oauth_button.text() == "&Sign in to the store again…"
    with qtbot.waitSignal(dialog.saved, timeout=20_000) as again:
        dialog.store.oauth_button.click()
    assert again.args[0] == cid and len(opened) == 2
    assert ui_context.connections.all()[0].name == "As an app"  # the same connection, kept
    assert ui_context.secrets.get(cid, "token") != "revoked-access-token-000"
    assert ui_context.sync.sync(cid).outcome == "ok"


def test_a_token_connection_offers_no_app_sign_in(qtbot, ui_context, sync_runner, sandbox):
    connect_and_sync(ui_context, sandbox)
    dialog = _dialog(qtbot, ui_context, sync_runner)
    assert dialog.store.name_edit.text() == "Sandbox"
    assert not dialog.store.oauth_button.isVisible()
    dialog.start_new()
    assert dialog.store.oauth_button.isVisible()


def test_the_list_arrives_from_the_db_pool_without_wiping_what_is_typed(qtbot, ui_context,
                                                                        runner, sandbox):
    seen: list[str] = []
    connect_and_sync(ui_context, sandbox)
    shown = ConnectionsDialog(ui_context, runner)  # loads the saved one once it is read
    qtbot.addWidget(shown)
    qtbot.waitUntil(lambda: shown.store.name_edit.text() == "Sandbox", timeout=10_000)
    assert shown.connection_list.count() == 1 and shown.remove_button.isEnabled()
    typing = ConnectionsDialog(ui_context, runner)
    qtbot.addWidget(typing)
    typing.store.address_edit.setText("second.example.com")  # before the list is read
    typing.connections_changed.connect(lambda: seen.append("changed"))
    qtbot.waitUntil(lambda: typing.connection_list.count() == 1, timeout=10_000)
    assert typing.store.address_edit.text() == "second.example.com"
    assert typing.connection_list.currentItem() is None and seen == []
