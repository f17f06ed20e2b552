"""Connections after they are made: a new token, finding one by name or number, and a keyring
that refuses the token (over real HTTP to the sandbox, real SQLite)."""
from __future__ import annotations

import keyring
import keyring.errors
import pytest

from app.domain.connection_settings import ConnectionSettings
from app.errors import ConfigurationError, SecretsUnavailableError, StoreAuthError
from tests.support.memory_keyring import MemoryKeyring

NEW_TOKEN = "second-token-for-the-same-store"


def test_a_new_token_the_store_accepts_replaces_the_saved_one(connected, sandbox):
    station, record = connected
    sandbox.control.add_token(NEW_TOKEN)
    station.connections.replace_token(record.id, f"  {NEW_TOKEN}\n")
    assert station.secrets.get(record.id, "token") == NEW_TOKEN
    # The next sync goes out with the new token only.
    sandbox.control.reset_counters()
    assert station.sync.sync(record.id).outcome == "ok"
    assert set(sandbox.control.counters()["by_token"]) == {NEW_TOKEN}


def test_a_token_the_store_refuses_leaves_the_saved_one(connected, sandbox):
    station, record = connected
    with pytest.raises(StoreAuthError) as refused:
        station.connections.replace_token(record.id, "not-a-token-of-this-store")
    assert "not-a-token-of-this-store" not in str(refused.value)
    assert station.secrets.get(record.id, "token") == sandbox.token


def test_a_connection_is_found_by_name_or_number_and_an_unknown_one_lists_the_names(connected):
    station, record = connected
    assert station.connections.find("main").id == record.id
    assert station.connections.find(str(record.id)).name == "main"
    with pytest.raises(ConfigurationError, match=r"no connection named 'backup' "
                                                 r"\(connections: main\)"):
        station.connections.find("backup")
    with pytest.raises(ConfigurationError, match="no connection named '999'"):
        station.connections.find("999")


class RefusingKeyring(MemoryKeyring):
    """A system keyring that is there but will not save (locked, or full)."""

    def set_password(self, service: str, username: str, password: str) -> None:
        raise keyring.errors.PasswordSetError(f"refused {password}")


def test_a_keyring_that_refuses_the_token_leaves_no_connection_behind(station, sandbox):
    keyring.set_keyring(RefusingKeyring())
    with pytest.raises(SecretsUnavailableError, match="refused to save the token") as refused:
        station.connections.add(ConnectionSettings(name="main", address=sandbox.domain),
                                sandbox.token)
    assert sandbox.token not in str(refused.value)
    # No connection without its token: the row saved before the keyring was asked is gone.
    assert station.storage.repos.connections.all() == []
    assert station.storage.repos.connections.by_name("main") is None


def test_every_write_returns_and_publishes_the_connection_it_changed(station, sandbox):
    from app.domain.status_rules import StatusView

    seen = []
    station.changes.subscribe(seen.append)
    record = station.connections.add(ConnectionSettings(name="main", address=sandbox.domain),
                                     sandbox.token)
    assert [c.connections for c in seen] == [{record.id}]
    station.sync.refresh_reference_data(record, force=True)
    status = station.connections.statuses(record.id)[0]
    seen.clear()
    results = [
        station.connections.set_status_views(record.id, {status.id: StatusView.ON_HOLD}),
        station.connections.replace_token(record.id, sandbox.token),
        station.connections.save_edits(record.id, record.settings.with_changes(
            order_prefix="MS-"), token=sandbox.token, views={status.id: None})]
    # One notification per write, even for the form's save that does three things.
    assert seen == results and all(c.connections == {record.id} for c in results)
    details = station.connections.details(record.id)
    assert details.record.settings.order_prefix == "MS-"
    assert next(s for s in details.statuses if s.id == status.id).view_override is None
    assert details.storefronts == station.connections.storefronts(record.id)
    seen.clear()
    updated = station.connections.update(record.id, details.record.settings.with_changes(
        order_prefix="AC-"))
    assert updated.settings.order_prefix == "AC-" and seen[0].connections == {record.id}
    assert station.connections.remove(record.id).connections == {record.id}
    assert len(seen) == 2 and station.connections.all() == []


def test_a_saved_connection_is_tested_with_its_saved_token_unless_one_is_typed(connected,
                                                                               sandbox):
    station, record = connected
    check = station.connections.check_saved_or_typed(record.id, sandbox.domain, "")
    assert check.address.origin == record.settings.address
    with pytest.raises(StoreAuthError):
        station.connections.check_saved_or_typed(record.id, sandbox.domain, "wrong-token")


def test_a_token_connection_is_not_signed_in_as_an_app(connected, sandbox):
    from app.integrations.americommerce.oauth import OAuthTokens
    from app.services.oauth_signin import OAuthApp

    station, record = connected
    with pytest.raises(ConfigurationError, match="uses an access token"):
        station.connections.reauthorize(record.id, OAuthApp("an-app", "its-secret-0001"),
                                        OAuthTokens("access-token-0001", "refresh-token-0001"))
    assert station.secrets.get(record.id, "token") == sandbox.token
    assert station.connections.get(record.id).oauth_client_id is None
