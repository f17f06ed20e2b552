"""Two data folders on one machine share one keyring (a real file-backed one): each folder's
connection 1 keeps its own token, and removing it in one folder leaves the other's alone."""
from __future__ import annotations

import json

import keyring
import pytest

from app import APP_ID
from app.bootstrap import build_context
from app.db.engine import Database
from app.db.repositories.station import KEYRING_ADOPTED_KEY, StationRepository
from app.db.tables import Meta
from app.domain.connection_settings import ConnectionSettings
from app.errors import SecretsUnavailableError
from app.paths import resolve_paths
from app.sandbox import Sandbox, SandboxConfig
from tests.support.file_keyring import TestFileKeyring as FileKeyring


@pytest.fixture
def file_keyring(tmp_path, monkeypatch):
    path = tmp_path / "shared-keyring.json"
    monkeypatch.setenv("PACKDESK_TEST_KEYRING_FILE", str(path))
    keyring.set_keyring(FileKeyring())
    return path


def entries(path) -> dict[str, str]:
    return json.loads(path.read_text()) if path.exists() else {}


def test_two_folders_keep_distinct_tokens_for_connection_1(tmp_path, file_keyring):
    with Sandbox(SandboxConfig(orders=5, seed=1, token="token-of-store-a-111111")) as a, \
            Sandbox(SandboxConfig(orders=5, seed=2, token="token-of-store-b-222222")) as b:
        one = build_context(resolve_paths(tmp_path / "one").ensure())
        two = build_context(resolve_paths(tmp_path / "two").ensure())
        try:
            first = one.connections.add(ConnectionSettings(name="a", address=a.domain), a.token)
            second = two.connections.add(ConnectionSettings(name="b", address=b.domain),
                                         b.token)
            assert first.id == second.id == 1
            ids = [StationRepository(c.storage.db).database_id() for c in (one, two)]
            assert ids[0] != ids[1] and ids[0] != one.station_id
            assert entries(file_keyring) == {f"{APP_ID}/{ids[0]}:1:token": a.token,
                                             f"{APP_ID}/{ids[1]}:1:token": b.token}
            assert one.sync.sync(first.id).outcome == "ok"
            assert two.sync.sync(second.id).outcome == "ok"

            one.connections.remove(first.id)
            assert entries(file_keyring) == {f"{APP_ID}/{ids[1]}:1:token": b.token}
            with pytest.raises(SecretsUnavailableError):
                one.secrets.get(1, "token")
            two.clients.forget(second.id)
            assert two.secrets.get(1, "token") == b.token
            assert two.sync.sync(second.id).outcome == "ok"
        finally:
            one.close()
            two.close()


def test_entries_of_an_earlier_version_move_under_the_database_id(tmp_path, file_keyring):
    with Sandbox(SandboxConfig(orders=5, seed=1, token="token-of-store-a-333333")) as a:
        paths = resolve_paths(tmp_path / "one").ensure()
        context = build_context(paths)
        record = context.connections.add(ConnectionSettings(name="a", address=a.domain),
                                         a.token)
        database_id = StationRepository(context.storage.db).database_id()
        context.close()
        # As an earlier version left it: "{connection_id}:{kind}", and no record of a move.
        file_keyring.write_text(json.dumps({f"{APP_ID}/1:token": a.token,
                                            f"{APP_ID}/1:refresh_token": "refresh-4444444"}))
        db = Database(paths.database)
        with db.write() as session:
            session.delete(session.get(Meta, KEYRING_ADOPTED_KEY))
        db.dispose()

        context = build_context(paths)
        try:
            assert entries(file_keyring) == {
                f"{APP_ID}/{database_id}:1:token": a.token,
                f"{APP_ID}/{database_id}:1:refresh_token": "refresh-4444444"}
            assert context.sync.sync(record.id).outcome == "ok"
        finally:
            context.close()
        # Moved once: a later legacy-looking entry (another folder's) is not taken.
        file_keyring.write_text(json.dumps({**entries(file_keyring),
                                            f"{APP_ID}/1:token": "someone-elses-5555555"}))
        build_context(paths).close()
        assert entries(file_keyring)[f"{APP_ID}/1:token"] == "someone-elses-5555555"
        assert entries(file_keyring)[f"{APP_ID}/{database_id}:1:token"] == a.token
