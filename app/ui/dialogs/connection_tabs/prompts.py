"""The questions the connections dialog asks before sending anything: an OAuth app's client
id and secret, and whether an international domain name really is the store's."""
from __future__ import annotations

from PySide6.QtWidgets import QInputDialog, QLineEdit, QMessageBox, QWidget

from app.services.connections import StoreAddress


def ask_oauth_app(parent: QWidget) -> tuple[str, str] | None:
    client_id, ok = QInputDialog.getText(parent, parent.tr("OAuth app"),
                                         parent.tr("The app's client id (App ID):"))
    if not ok or not client_id.strip():
        return None
    secret, ok = QInputDialog.getText(parent, parent.tr("OAuth app"),
                                      parent.tr("The app's client secret:"),
                                      QLineEdit.EchoMode.Password)
    if not ok or not secret.strip():
        return None
    return client_id.strip(), secret.strip()


def confirm_idn(parent: QWidget, address: StoreAddress) -> bool:
    answer = QMessageBox.warning(
        parent, parent.tr("International domain name"),
        parent.tr("The store address %1 is written as %2 on the internet.\n\nLetters from "
                  "other alphabets can imitate a familiar domain. Send the access token to "
                  "it only if this is your store's address.")
        .replace("%1", address.typed_form).replace("%2", address.host),
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.Cancel)
    return answer == QMessageBox.StandardButton.Yes
