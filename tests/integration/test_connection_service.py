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
    assert station.repos.connections.all() == []
    assert station.repos.connections.by_name("main") is None
